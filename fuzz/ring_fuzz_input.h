// The input layout shared by the ring-signature fuzz targets (lrs_verify_fuzz.cc,
// lrs2_verify_fuzz.cc):
//   [0, 32)          event id e
//   [32]             message length L (0 … 255)
//   [33, 33+L)       message m
//   [33+L]           ring size n = byte mod (max_ring + 1) (0 exercises the empty-ring rule)
//   next 32·n bytes  ring keys P_0 … P_{n-1}
//   the rest         signature wire bytes (any length)
#ifndef CANDOR_FUZZ_RING_FUZZ_INPUT_H_
#define CANDOR_FUZZ_RING_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "crypto/bytes.h"

namespace candor::fuzz {

struct RingFuzzInput {
  crypto::Digest32 event;
  crypto::ByteSpan message;
  std::vector<crypto::Point> members;
  crypto::ByteSpan wire;
};

// nullopt when the input is too short for its own header.
inline std::optional<RingFuzzInput> ParseRingFuzzInput(const std::uint8_t* data, std::size_t size,
                                                       std::size_t max_ring) {
  if (size < 33) return std::nullopt;
  RingFuzzInput in;
  std::memcpy(in.event.data(), data, crypto::Digest32::kSize);
  const std::size_t message_len = data[32];
  std::size_t pos = 33;
  if (size - pos < message_len + 1) return std::nullopt;
  in.message = crypto::ByteSpan(data + pos, message_len);
  pos += message_len;
  const std::size_t n = data[pos] % (max_ring + 1);
  ++pos;
  if (size - pos < crypto::Point::kSize * n) return std::nullopt;
  in.members.resize(n);
  for (crypto::Point& p : in.members) {
    std::memcpy(p.data(), data + pos, crypto::Point::kSize);
    pos += crypto::Point::kSize;
  }
  in.wire = crypto::ByteSpan(data + pos, size - pos);
  return in;
}

}  // namespace candor::fuzz

#endif  // CANDOR_FUZZ_RING_FUZZ_INPUT_H_
