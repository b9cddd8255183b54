// make_lrs_seeds: writes the deterministic seed corpus of fuzz/lrs_verify_fuzz.cc.
//
//   make_lrs_seeds fuzz/corpus/lrs_verify
//
// Each file is event(32) || u8(len m) || m || u8(n) || P_0 … P_{n-1} || signature bytes, the
// layout the fuzz target documents. Keys and signatures come from SeededRng, so rerunning
// this tool rewrites identical files.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/ristretto.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"

namespace {

using namespace candor::crypto;  // NOLINT(google-build-using-namespace): a small tool

struct Seed {
  Digest32 event;
  Bytes message;
  std::vector<Point> ring;
  Bytes sig;
};

Bytes Serialize(const Seed& s) {
  Bytes out(s.event.begin(), s.event.end());
  out.push_back(static_cast<std::uint8_t>(s.message.size()));
  out.insert(out.end(), s.message.begin(), s.message.end());
  out.push_back(static_cast<std::uint8_t>(s.ring.size()));
  for (const Point& p : s.ring) out.insert(out.end(), p.begin(), p.end());
  out.insert(out.end(), s.sig.begin(), s.sig.end());
  return out;
}

// A valid signature by member `pi` of a fresh ring of n keys.
Seed MakeValid(std::size_t n, std::size_t pi, std::size_t message_len, std::uint64_t seed) {
  SeededRng rng(seed);
  std::vector<RingKeyPair> keys;
  Seed s;
  for (std::size_t i = 0; i < n; ++i) {
    keys.push_back(GenerateRingKeyPair(rng));
    s.ring.push_back(keys.back().public_key);
  }
  rng.Fill(s.event.bytes);
  s.message.resize(message_len);
  if (!s.message.empty()) rng.Fill(s.message);  // SeededRng::Fill needs a non-null span
  Ring ring = *Ring::Create(s.ring);
  s.sig = LrsSign(s.event, s.message, ring, pi, keys[pi].secret, rng)->Encode();
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_lrs_seeds DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  int failures = 0;
  auto write = [&](const std::string& name, const Seed& s) {
    std::ofstream out(dir + "/" + name, std::ios::binary);
    const Bytes bytes = Serialize(s);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) ++failures;
  };

  const Seed n1 = MakeValid(1, 0, 0, 1);
  const Seed n2 = MakeValid(2, 1, 5, 2);
  const Seed n4 = MakeValid(4, 2, 40, 4);
  write("valid_n1", n1);
  write("valid_n2", n2);
  write("valid_n4", n4);

  Seed s = n2;
  s.sig[3] ^= 0x10;  // c0 changed
  write("n2_c0_flipped", s);
  s = n4;
  std::fill(s.sig.end() - 32, s.sig.end(), std::uint8_t{0});  // tag = identity
  write("n4_identity_tag", s);
  s = n4;
  s.sig.pop_back();
  write("n4_truncated", s);
  s = n2;
  s.sig.push_back(0);
  write("n2_over_long", s);
  s = n4;
  {  // s_1 (bytes 64…95) becomes s_1 + l: the same residue, not canonical
    const Scalar l =
        *FixedFromHex<Scalar>("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    unsigned carry = 0;
    for (std::size_t i = 0; i < 32; ++i) {
      unsigned sum = unsigned{s.sig[64 + i]} + unsigned{l.bytes[i]} + carry;
      s.sig[64 + i] = static_cast<std::uint8_t>(sum);
      carry = sum >> 8;
    }
  }
  write("n4_noncanonical_s1", s);
  s = n4;
  s.ring[3] = s.ring[0];
  write("n4_repeated_key", s);
  s = n2;
  s.ring[0].bytes[0] ^= 0x01;  // negative field element: invalid encoding
  write("n2_invalid_key", s);
  s = n1;
  s.ring.clear();
  write("empty_ring", s);
  if (failures != 0) {
    std::fprintf(stderr, "cannot write into %s\n", dir.c_str());
    return 1;
  }
  return 0;
}
