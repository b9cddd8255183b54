// Test helpers shared by the domain tests: tr(…) written out by hand, independently of
// crypto::Tr, so that tests of canonical bytes do not check the encoder against itself.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "crypto/transcript.h"

namespace candor::domain::testing {

using crypto::Bytes;

template <typename Parts>
Bytes TranscriptOf(const Parts& parts) {
  Bytes out;
  for (const Bytes& p : parts) {
    auto len = crypto::U64Le(p.size());
    out.insert(out.end(), len.begin(), len.end());
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}
inline Bytes Transcript(std::initializer_list<Bytes> parts) { return TranscriptOf(parts); }
inline Bytes Transcript(const std::vector<Bytes>& parts) { return TranscriptOf(parts); }
inline Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline Bytes U64(std::uint64_t v) {
  auto le = crypto::U64Le(v);
  return Bytes(le.begin(), le.end());
}
// The bytes of a fixed-size value (a key, an id, a point).
template <typename F>
Bytes K(const F& fixed) {
  return Bytes(fixed.begin(), fixed.end());
}

}  // namespace candor::domain::testing
