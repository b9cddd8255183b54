// ristretto255 arithmetic on decoded elements, for candor-lrs-v2 (docs/LRS-V2.md).
//
// libsodium's public API decodes and re-encodes a point in every call (≈ 20 µs for an
// addition), which rules out a multi-scalar multiplication. libdecaf (Debian libdecaf-dev,
// Mike Hamburg's reference implementation of Ristretto) exposes points in extended
// coordinates (an addition costs ≈ 0.2 µs) and is byte-identical to libsodium:
// group_test.cc checks RFC 9496's vectors and random values against libsodium bit for bit,
// and this layer refuses every non-canonical encoding (bit 255 included).
//
//   group::Point p = *group::Point::Decode(key_bytes);      // refuses bad encodings
//   group::Scalar s = *group::Scalar::Decode(scalar_bytes); // refuses s ≥ l
//   crypto::Point out = (s * p + group::Point::Base()).Encode();
//
// Every operation here runs in constant time (libdecaf's scalar and point arithmetic, its
// constant-time scalar multiplication), except where a name says Vartime: those are for
// public values only. Values are plain and copyable; a Scalar's destructor wipes it.
// Thread-safe: no shared mutable state.
#ifndef CANDOR_GROUP_GROUP_H_
#define CANDOR_GROUP_GROUP_H_

#include <decaf/point_255.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "crypto/bytes.h"

namespace candor::group {

// An integer mod l, the order of ristretto255.
class Scalar {
 public:
  Scalar();  // zero
  ~Scalar();
  Scalar(const Scalar& other);
  Scalar& operator=(const Scalar& other);

  static Scalar Zero() { return Scalar(); }
  static Scalar One();
  static Scalar FromU64(std::uint64_t v);
  // The canonical 32-byte little-endian encoding, or nullopt when the value is ≥ l.
  static std::optional<Scalar> Decode(const crypto::Scalar& bytes);
  static std::optional<Scalar> Decode(std::span<const std::uint8_t, 32> bytes);
  // Any 64 bytes reduced mod l (the wide reduction of Hs and of random draws).
  static Scalar FromWide(std::span<const std::uint8_t, 64> bytes);

  crypto::Scalar Encode() const;
  void EncodeTo(std::span<std::uint8_t, 32> out) const;

  Scalar operator+(const Scalar& b) const;
  Scalar operator-(const Scalar& b) const;
  Scalar operator*(const Scalar& b) const;
  Scalar operator-() const;
  Scalar& operator+=(const Scalar& b);
  Scalar& operator-=(const Scalar& b);
  Scalar& operator*=(const Scalar& b);
  // 1/a; zero for zero (the caller checks where it matters).
  Scalar Invert() const;
  // Constant time.
  bool operator==(const Scalar& b) const;
  bool IsZero() const;
  // b when `take_b`, else a; constant time in take_b.
  static Scalar Select(const Scalar& a, const Scalar& b, bool take_b);

  const decaf_255_scalar_t& raw() const { return v_; }
  decaf_255_scalar_t& raw() { return v_; }

 private:
  decaf_255_scalar_t v_;
};

// An element of ristretto255.
class Point {
 public:
  Point();  // the identity
  Point(const Point& other);
  Point& operator=(const Point& other);

  static Point Identity() { return Point(); }
  // G, the ristretto255 base point (libsodium's crypto_scalarmult_ristretto255_base).
  static Point Base();
  // The canonical encoding of a point other than the identity, or nullopt: a non-canonical
  // field element, bit 255 set, a negative or non-square value, or the identity. These are
  // exactly the rules of CRYPTO.md ("A point that fails … or is the identity, is rejected").
  static std::optional<Point> Decode(const crypto::Point& bytes);
  static std::optional<Point> Decode(std::span<const std::uint8_t, 32> bytes);
  // RFC 9496 §4.3.4 one-way map of 64 bytes (crypto_core_ristretto255_from_hash).
  static Point FromUniformBytes(std::span<const std::uint8_t, 64> bytes);

  crypto::Point Encode() const;
  void EncodeTo(std::span<std::uint8_t, 32> out) const;

  Point operator+(const Point& b) const;
  Point operator-(const Point& b) const;
  Point operator-() const;
  Point& operator+=(const Point& b);
  Point& operator-=(const Point& b);
  Point Double() const;
  // Constant-time scalar multiplication.
  friend Point operator*(const Scalar& s, const Point& p);
  // s·G in constant time with libdecaf's fixed table.
  static Point MulBase(const Scalar& s);
  // a·G + b·p in VARIABLE time: for verifiers, whose inputs are all public.
  static Point MulBaseAddNonSecret(const Scalar& a, const Scalar& b, const Point& p);
  // Group equality (not byte equality of a representation); constant time.
  bool operator==(const Point& b) const;
  bool IsIdentity() const;

  const decaf_255_point_t& raw() const { return v_; }
  decaf_255_point_t& raw() { return v_; }

 private:
  decaf_255_point_t v_;
};

// A table of multiples of one fixed point, for repeated constant-time multiplication by it
// (the tag base T, the generator H). About 9 KB.
class FixedBaseTable {
 public:
  explicit FixedBaseTable(const Point& base);
  ~FixedBaseTable();
  FixedBaseTable(const FixedBaseTable&) = delete;
  FixedBaseTable& operator=(const FixedBaseTable&) = delete;

  Point Mul(const Scalar& s) const;

 private:
  decaf_255_precomputed_s* table_;
};

}  // namespace candor::group

#endif  // CANDOR_GROUP_GROUP_H_
