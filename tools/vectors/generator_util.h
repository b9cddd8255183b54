// Helpers every test-vector generator (tools/vectors/*_vectors.cc) shares. Generators run
// only at build time on fixed inputs: any failure is a bug in the generator, so they abort.
#ifndef CANDOR_TOOLS_VECTORS_GENERATOR_UTIL_H_
#define CANDOR_TOOLS_VECTORS_GENERATOR_UTIL_H_

#include <cstddef>
#include <string_view>
#include <utility>

#include "base/result.h"
#include "crypto/bytes.h"

namespace candor::vectors {

// The value of `r`; aborts with its message when it is an error.
template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) candor::internal::DieOnBadAccess(r.error().message().c_str());
  return std::move(r).value();
}

inline crypto::Bytes Text(std::string_view s) { return crypto::Bytes(s.begin(), s.end()); }

// s + l as 256-bit little-endian bytes: the same residue as s, but not canonical. No carry
// leaves the top byte: s < l < 2^253, so s + l < 2^254.
inline crypto::Scalar PlusL(const crypto::Scalar& s) {
  static const crypto::Scalar kL = Must(crypto::FixedFromHex<crypto::Scalar>(
      "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010"));
  crypto::Scalar out;
  unsigned carry = 0;
  for (std::size_t i = 0; i < crypto::Scalar::kSize; ++i) {
    const unsigned sum = unsigned{s.bytes[i]} + unsigned{kL.bytes[i]} + carry;
    out.bytes[i] = static_cast<std::uint8_t>(sum);
    carry = sum >> 8;
  }
  return out;
}

}  // namespace candor::vectors

#endif  // CANDOR_TOOLS_VECTORS_GENERATOR_UTIL_H_
