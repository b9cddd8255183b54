#include "group/group.h"

#include <new>

#include "group/ct.h"

namespace candor::group {
namespace {

// libdecaf's error and boolean conventions are inverted from C's (DECAF_SUCCESS == -1,
// DECAF_FAILURE == 0; DECAF_TRUE is all ones): every call goes through these two.
bool Succeeded(decaf_error_t e) { return e == DECAF_SUCCESS; }
bool IsTrue(decaf_bool_t b) { return b != 0; }

}  // namespace

// --- Scalar ---

Scalar::Scalar() { v_[0] = decaf_255_scalar_zero[0]; }
Scalar::~Scalar() { decaf_255_scalar_destroy(v_); }
Scalar::Scalar(const Scalar& other) { v_[0] = other.v_[0]; }
Scalar& Scalar::operator=(const Scalar& other) {
  if (this != &other) v_[0] = other.v_[0];
  return *this;
}

Scalar Scalar::One() {
  Scalar s;
  s.v_[0] = decaf_255_scalar_one[0];
  return s;
}

Scalar Scalar::FromU64(std::uint64_t v) {
  Scalar s;
  decaf_255_scalar_set_unsigned(s.v_, v);
  return s;
}

std::optional<Scalar> Scalar::Decode(std::span<const std::uint8_t, 32> bytes) {
  Scalar s;
  // Declassified: whether the bytes are canonical (a secret key's validity, never its value).
  if (!ct::Declassified(Succeeded(decaf_255_scalar_decode(s.v_, bytes.data())))) {
    return std::nullopt;
  }
  return s;
}

std::optional<Scalar> Scalar::Decode(const crypto::Scalar& bytes) {
  return Decode(std::span<const std::uint8_t, 32>(bytes.data(), 32));
}

Scalar Scalar::FromWide(std::span<const std::uint8_t, 64> bytes) {
  Scalar s;
  decaf_255_scalar_decode_long(s.v_, bytes.data(), bytes.size());
  return s;
}

void Scalar::EncodeTo(std::span<std::uint8_t, 32> out) const {
  decaf_255_scalar_encode(out.data(), v_);
}

crypto::Scalar Scalar::Encode() const {
  crypto::Scalar out;
  EncodeTo(std::span<std::uint8_t, 32>(out.data(), 32));
  return out;
}

Scalar Scalar::operator+(const Scalar& b) const {
  Scalar r;
  decaf_255_scalar_add(r.v_, v_, b.v_);
  return r;
}
Scalar Scalar::operator-(const Scalar& b) const {
  Scalar r;
  decaf_255_scalar_sub(r.v_, v_, b.v_);
  return r;
}
Scalar Scalar::operator*(const Scalar& b) const {
  Scalar r;
  decaf_255_scalar_mul(r.v_, v_, b.v_);
  return r;
}
Scalar Scalar::operator-() const {
  Scalar r;
  decaf_255_scalar_sub(r.v_, decaf_255_scalar_zero, v_);
  return r;
}
Scalar& Scalar::operator+=(const Scalar& b) {
  decaf_255_scalar_add(v_, v_, b.v_);
  return *this;
}
Scalar& Scalar::operator-=(const Scalar& b) {
  decaf_255_scalar_sub(v_, v_, b.v_);
  return *this;
}
Scalar& Scalar::operator*=(const Scalar& b) {
  decaf_255_scalar_mul(v_, v_, b.v_);
  return *this;
}

Scalar Scalar::Invert() const {
  Scalar r;
  // Zero has no inverse: decaf reports it and writes zero, which is what the header promises.
  // No branch on the outcome: the scalar may be secret.
  const decaf_error_t e = decaf_255_scalar_invert(r.v_, v_);
  (void)e;
  return r;
}

bool Scalar::operator==(const Scalar& b) const { return IsTrue(decaf_255_scalar_eq(v_, b.v_)); }
bool Scalar::IsZero() const { return IsTrue(decaf_255_scalar_eq(v_, decaf_255_scalar_zero)); }

Scalar Scalar::Select(const Scalar& a, const Scalar& b, bool take_b) {
  Scalar r;
  // All ones or all zeros, computed without a branch.
  decaf_word_t mask = static_cast<decaf_word_t>(0) - static_cast<decaf_word_t>(take_b);
  decaf_255_scalar_cond_sel(r.v_, a.v_, b.v_, mask);
  return r;
}

// --- Point ---

Point::Point() { v_[0] = decaf_255_point_identity[0]; }
Point::Point(const Point& other) { v_[0] = other.v_[0]; }
Point& Point::operator=(const Point& other) {
  if (this != &other) v_[0] = other.v_[0];
  return *this;
}

Point Point::Base() {
  Point p;
  p.v_[0] = decaf_255_point_base[0];
  return p;
}

std::optional<Point> Point::Decode(std::span<const std::uint8_t, 32> bytes) {
  Point p;
  if (!Succeeded(decaf_255_point_decode(p.v_, bytes.data(), DECAF_FALSE))) return std::nullopt;
  return p;
}

std::optional<Point> Point::Decode(const crypto::Point& bytes) {
  return Decode(std::span<const std::uint8_t, 32>(bytes.data(), 32));
}

Point Point::FromUniformBytes(std::span<const std::uint8_t, 64> bytes) {
  Point p;
  decaf_255_point_from_hash_uniform(p.v_, bytes.data());
  return p;
}

void Point::EncodeTo(std::span<std::uint8_t, 32> out) const {
  decaf_255_point_encode(out.data(), v_);
}

crypto::Point Point::Encode() const {
  crypto::Point out;
  EncodeTo(std::span<std::uint8_t, 32>(out.data(), 32));
  return out;
}

Point Point::operator+(const Point& b) const {
  Point r;
  decaf_255_point_add(r.v_, v_, b.v_);
  return r;
}
Point Point::operator-(const Point& b) const {
  Point r;
  decaf_255_point_sub(r.v_, v_, b.v_);
  return r;
}
Point Point::operator-() const {
  Point r;
  decaf_255_point_negate(r.v_, v_);
  return r;
}
Point& Point::operator+=(const Point& b) {
  decaf_255_point_add(v_, v_, b.v_);
  return *this;
}
Point& Point::operator-=(const Point& b) {
  decaf_255_point_sub(v_, v_, b.v_);
  return *this;
}
Point Point::Double() const {
  Point r;
  decaf_255_point_double(r.v_, v_);
  return r;
}

Point operator*(const Scalar& s, const Point& p) {
  Point r;
  decaf_255_point_scalarmul(r.v_, p.v_, s.raw());
  return r;
}

Point Point::MulBase(const Scalar& s) {
  Point r;
  decaf_255_precomputed_scalarmul(r.v_, decaf_255_precomputed_base, s.raw());
  return r;
}

Point Point::MulBaseAddNonSecret(const Scalar& a, const Scalar& b, const Point& p) {
  Point r;
  decaf_255_base_double_scalarmul_non_secret(r.v_, a.raw(), p.v_, b.raw());
  return r;
}

bool Point::operator==(const Point& b) const { return IsTrue(decaf_255_point_eq(v_, b.v_)); }
bool Point::IsIdentity() const { return IsTrue(decaf_255_point_eq(v_, decaf_255_point_identity)); }

// --- FixedBaseTable ---

FixedBaseTable::FixedBaseTable(const Point& base)
    // Like every allocation in Candor, running out of memory ends the process (bad_alloc).
    : table_(static_cast<decaf_255_precomputed_s*>(
          ::operator new(decaf_255_sizeof_precomputed_s,
                         static_cast<std::align_val_t>(decaf_255_alignof_precomputed_s)))) {
  decaf_255_precompute(table_, base.raw());
}

FixedBaseTable::~FixedBaseTable() {
  decaf_255_precomputed_destroy(table_);
  ::operator delete(table_, static_cast<std::align_val_t>(decaf_255_alignof_precomputed_s));
}

Point FixedBaseTable::Mul(const Scalar& s) const {
  Point r;
  decaf_255_precomputed_scalarmul(r.raw(), table_, s.raw());
  return r;
}

}  // namespace candor::group
