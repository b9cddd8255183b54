// Writes the seed corpus of fuzz/envelope_open_fuzz.cc into the given directory: envelopes
// sealed to the fuzz target's fixed key pair, and a few damaged ones.
#include <cstdio>
#include <fstream>
#include <string>

#include "crypto/envelope.h"

int main(int argc, char** argv) {
  using namespace candor::crypto;  // NOLINT(google-build-using-namespace)
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_envelope_seeds DIR\n");
    return 2;
  }
  SeededRng key_rng(1);
  BoxKeyPair opener = GenerateBoxKeyPair(key_rng);
  SeededRng rng(2);
  BoxKeyPair other = GenerateBoxKeyPair(rng);
  int n = 0;
  auto write = [&](const Bytes& header, const Bytes& wire) {
    Bytes input = {static_cast<std::uint8_t>(header.size())};
    input.insert(input.end(), header.begin(), header.end());
    input.insert(input.end(), wire.begin(), wire.end());
    std::ofstream(std::string(argv[1]) + "/seed-" + std::to_string(n++), std::ios::binary)
        .write(reinterpret_cast<const char*>(input.data()),
               static_cast<std::streamsize>(input.size()));
  };
  Bytes header = {'h', 'e', 'a', 'd'};
  Bytes plain = {'t', 'e', 'x', 't'};
  std::vector<BoxPublicKey> one = {opener.public_key};
  std::vector<BoxPublicKey> two = {other.public_key, opener.public_key};
  Bytes a = SealEnvelope(header, plain, one, rng)->Encode();
  write(header, a);
  write({}, SealEnvelope({}, {}, two, rng)->Encode());
  Bytes b = SealEnvelope(header, plain, two, rng)->Encode();
  write(header, b);
  b[b.size() - 3] ^= 1;
  write(header, b);
  a.resize(a.size() - 5);
  write(header, a);
  return 0;
}
