// Fixed-size byte types and hexadecimal encoding.
//
// Every key, point, scalar and digest in Candor has its own fixed-size type so that a
// scalar can never be passed where a point is expected. The types are plain values:
// copyable, comparable, with no invariant beyond their size. Whether a `Point` is a
// valid ristretto255 encoding is checked where it is read (see ristretto.h).
#ifndef CANDOR_CRYPTO_BYTES_H_
#define CANDOR_CRYPTO_BYTES_H_

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace candor::crypto {

using ByteSpan = std::span<const std::uint8_t>;
using Bytes = std::vector<std::uint8_t>;

template <std::size_t N, typename Tag>
struct FixedBytes {
  static constexpr std::size_t kSize = N;
  std::array<std::uint8_t, N> bytes{};

  std::uint8_t* data() { return bytes.data(); }
  const std::uint8_t* data() const { return bytes.data(); }
  static constexpr std::size_t size() { return N; }
  ByteSpan span() const { return ByteSpan(bytes.data(), N); }
  auto begin() const { return bytes.begin(); }
  auto end() const { return bytes.end(); }

  friend bool operator==(const FixedBytes&, const FixedBytes&) = default;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
  friend auto operator<=>(const FixedBytes&, const FixedBytes&) = default;
};

// ristretto255 group element, 32-byte canonical encoding (CRYPTO.md "Notation").
using Point = FixedBytes<32, struct PointTag>;
// Scalar modulo l, 32 bytes little-endian. Public scalars only; secrets use SecretScalar.
using Scalar = FixedBytes<32, struct ScalarTag>;
// SHA-256 output; also the type of letter ids, event ids and Merkle hashes.
using Digest32 = FixedBytes<32, struct Digest32Tag>;
// X25519 public key.
using BoxPublicKey = FixedBytes<32, struct BoxPublicKeyTag>;
// Ed25519 public key and signature.
using SignPublicKey = FixedBytes<32, struct SignPublicKeyTag>;
using Signature64 = FixedBytes<64, struct Signature64Tag>;

// Lowercase hexadecimal of `data`.
std::string ToHex(ByteSpan data);
template <std::size_t N, typename Tag>
std::string ToHex(const FixedBytes<N, Tag>& v) {
  return ToHex(v.span());
}

// Decodes lower-case hexadecimal, the only canonical form (CRYPTO.md), in time that depends
// only on the length. Error: odd length, or any other character (upper case included).
Result<Bytes> FromHex(std::string_view hex);

// Decodes exactly FixedBytes::kSize bytes of hex. `what` names the value in errors.
template <typename F>
Result<F> FixedFromHex(std::string_view hex, std::string_view what = "value") {
  if (hex.size() != 2 * F::kSize) {
    return InvalidArgument(std::string(what) + " must be " + std::to_string(2 * F::kSize) +
                           " hex characters, got " + std::to_string(hex.size()));
  }
  auto raw = FromHex(hex);
  if (!raw.ok()) return raw.error().WithContext(what);
  F out;
  std::copy(raw->begin(), raw->end(), out.bytes.begin());
  return out;
}

// Copies exactly F::kSize bytes from `data`. Error if the length differs.
template <typename F>
Result<F> FixedFromBytes(ByteSpan data, std::string_view what = "value") {
  if (data.size() != F::kSize) {
    return InvalidArgument(std::string(what) + " must be " + std::to_string(F::kSize) +
                           " bytes, got " + std::to_string(data.size()));
  }
  F out;
  std::copy(data.begin(), data.end(), out.bytes.begin());
  return out;
}

// u64le(n) from CRYPTO.md.
inline std::array<std::uint8_t, 8> U64Le(std::uint64_t n) {
  std::array<std::uint8_t, 8> out{};
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(n >> (8 * i));
  return out;
}

inline std::uint64_t ReadU64Le(const std::uint8_t* p) {
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | p[i];
  return n;
}

inline ByteSpan AsBytes(std::string_view s) {
  return ByteSpan(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_BYTES_H_
