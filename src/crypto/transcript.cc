#include "crypto/transcript.h"

#include <string>
#include <vector>

#include "crypto/init.h"

namespace candor::crypto {

Bytes Tr(std::string_view label, std::initializer_list<ByteSpan> parts) {
  return TrParts(label, std::span<const ByteSpan>(parts.begin(), parts.size()));
}

Bytes TrParts(std::string_view label, std::span<const ByteSpan> parts) {
  Bytes out;
  auto append = [&out](ByteSpan p) {
    auto len = U64Le(p.size());
    out.insert(out.end(), len.begin(), len.end());
    out.insert(out.end(), p.begin(), p.end());
  };
  append(AsBytes(label));
  for (ByteSpan p : parts) append(p);
  return out;
}

Sha512Transcript::Sha512Transcript(std::string_view label) {
  EnsureSodium();
  crypto_hash_sha512_init(&state_);
  Add(AsBytes(label));
}

Sha512Transcript& Sha512Transcript::Add(ByteSpan part) {
  auto len = U64Le(part.size());
  crypto_hash_sha512_update(&state_, len.data(), len.size());
  crypto_hash_sha512_update(&state_, part.data(), part.size());
  return *this;
}

std::array<std::uint8_t, 64> Sha512Transcript::Digest() const {
  crypto_hash_sha512_state copy = state_;
  std::array<std::uint8_t, 64> out{};
  crypto_hash_sha512_final(&copy, out.data());
  return out;
}

Scalar Sha512Transcript::FinishScalar() const {
  auto d = Digest();
  Scalar s;
  crypto_core_ristretto255_scalar_reduce(s.data(), d.data());
  return s;
}

Point Sha512Transcript::FinishPoint() const {
  auto d = Digest();
  Point p;
  crypto_core_ristretto255_from_hash(p.data(), d.data());
  return p;
}

Sha256Transcript::Sha256Transcript(std::string_view label) {
  EnsureSodium();
  crypto_hash_sha256_init(&state_);
  Add(AsBytes(label));
}

Sha256Transcript& Sha256Transcript::Add(ByteSpan part) {
  auto len = U64Le(part.size());
  crypto_hash_sha256_update(&state_, len.data(), len.size());
  crypto_hash_sha256_update(&state_, part.data(), part.size());
  return *this;
}

Digest32 Sha256Transcript::Finish() const {
  crypto_hash_sha256_state copy = state_;
  Digest32 out;
  crypto_hash_sha256_final(&copy, out.data());
  return out;
}

Digest32 H256(std::string_view label, std::initializer_list<ByteSpan> parts) {
  Sha256Transcript t(label);
  for (ByteSpan p : parts) t.Add(p);
  return t.Finish();
}

Scalar Hs(std::string_view label, std::initializer_list<ByteSpan> parts) {
  Sha512Transcript t(label);
  for (ByteSpan p : parts) t.Add(p);
  return t.FinishScalar();
}

Point Hp(std::string_view label, std::initializer_list<ByteSpan> parts) {
  Sha512Transcript t(label);
  for (ByteSpan p : parts) t.Add(p);
  return t.FinishPoint();
}

Digest32 Sha256(ByteSpan data) {
  EnsureSodium();
  Digest32 out;
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

Result<std::vector<ByteSpan>> SplitTranscript(ByteSpan in, std::size_t max_parts) {
  std::vector<ByteSpan> parts;
  std::size_t pos = 0;
  while (pos < in.size()) {
    if (parts.size() == max_parts) {
      return InvalidArgument("more than " + std::to_string(max_parts) + " transcript parts");
    }
    if (in.size() - pos < 8) return InvalidArgument("truncated (in a length)");
    const std::uint64_t len = ReadU64Le(in.data() + pos);
    pos += 8;
    if (len > in.size() - pos) return InvalidArgument("truncated (in a part)");
    parts.push_back(in.subspan(pos, static_cast<std::size_t>(len)));
    pos += static_cast<std::size_t>(len);
  }
  return parts;
}

}  // namespace candor::crypto
