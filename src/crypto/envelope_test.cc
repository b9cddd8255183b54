// Tests for candor-env-v1 (src/crypto/envelope.h, CRYPTO.md "Cable envelopes"): every
// recipient opens and nobody else does; every change to the header, nonce, ciphertext or a
// wrapped key is refused with the documented error; wraps are byte-compatible with
// libsodium's crypto_box_seal both ways; the randomness is drawn in the documented order;
// the encoding is strict; and the committed tests/vectors/envelope.json behaves as recorded.
#include "crypto/envelope.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crypto/keys.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"

namespace candor::crypto {
namespace {

using ::testing::HasSubstr;

Bytes Text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// The error code of a result that must have failed.
template <typename T>
ErrorCode CodeOf(const Result<T>& r) {
  if (r.ok()) {
    ADD_FAILURE() << "expected an error";
    return ErrorCode::kInternal;
  }
  return r.error().code();
}

class EnvelopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 10; ++i) {
      keys_.push_back(GenerateBoxKeyPair(rng_));
      publics_.push_back(keys_.back().public_key);
    }
  }

  std::span<const BoxPublicKey> First(std::size_t n) const {
    return std::span<const BoxPublicKey>(publics_).first(n);
  }
  Envelope Seal(std::size_t n) { return *SealEnvelope(header_, plain_, First(n), rng_); }

  SeededRng rng_{77};
  std::vector<BoxKeyPair> keys_;
  std::vector<BoxPublicKey> publics_;
  BoxKeyPair outsider_ = GenerateBoxKeyPair(rng_);
  Bytes header_ = Text("cable 7f3a; org demo; reviewers k1 k2");
  Bytes plain_ = Text("The audit was rewritten before it reached the board.");
};

// ---------------------------------------------------------------------------------------
// Who can open

TEST_F(EnvelopeTest, EveryRecipientOpensWithOneAndTenRecipients) {
  for (std::size_t n : {1u, 10u}) {
    SCOPED_TRACE(n);
    Envelope env = Seal(n);
    EXPECT_EQ(env.wrapped_keys.size(), n);
    EXPECT_EQ(env.ciphertext.size(), plain_.size() + kEnvelopeTagSize);
    for (std::size_t i = 0; i < n; ++i) {
      auto out = OpenEnvelope(header_, env, keys_[i]);
      ASSERT_TRUE(out.ok()) << i << ": " << out.error().message();
      EXPECT_EQ(*out, plain_);
    }
  }
}

TEST_F(EnvelopeTest, NonRecipientIsRefused) {
  Envelope env = Seal(3);
  for (const BoxKeyPair* kp : {&outsider_, &keys_[3], &keys_[9]}) {
    auto r = OpenEnvelope(header_, env, *kp);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kPermissionDenied);
    EXPECT_THAT(r.error().message(), HasSubstr("not a recipient"));
  }
}

TEST_F(EnvelopeTest, AKeyPairWhosePublicHalfIsWrongIsNotARecipient) {
  // crypto_box_seal_open derives the box nonce from the public key, so a recipient's secret
  // with someone else's public key opens nothing.
  Envelope env = Seal(2);
  BoxKeyPair mixed{keys_[1].public_key, keys_[0].secret.Clone()};
  EXPECT_EQ(CodeOf(OpenEnvelope(header_, env, mixed)), ErrorCode::kPermissionDenied);
}

TEST_F(EnvelopeTest, TheOrderOfTheWrapsDoesNotMatter) {
  Envelope env = Seal(4);
  std::reverse(env.wrapped_keys.begin(), env.wrapped_keys.end());
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(*OpenEnvelope(header_, env, keys_[i]), plain_);
  env.wrapped_keys.erase(env.wrapped_keys.begin());  // was recipient 3's
  EXPECT_EQ(CodeOf(OpenEnvelope(header_, env, keys_[3])), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(OpenEnvelope(header_, env, keys_[0]).ok());
}

// ---------------------------------------------------------------------------------------
// Tampering, one class at a time

TEST_F(EnvelopeTest, EveryChangeToTheHeaderIsRefused) {
  Envelope env = Seal(2);
  for (std::size_t i = 0; i < header_.size(); ++i) {
    Bytes h = header_;
    h[i] ^= 0x01;
    EXPECT_EQ(CodeOf(OpenEnvelope(h, env, keys_[0])), ErrorCode::kVerificationFailed) << i;
  }
  Bytes longer = header_;
  longer.push_back(0);
  EXPECT_EQ(CodeOf(OpenEnvelope(longer, env, keys_[0])), ErrorCode::kVerificationFailed);
  Bytes shorter(header_.begin(), header_.end() - 1);
  EXPECT_EQ(CodeOf(OpenEnvelope(shorter, env, keys_[1])), ErrorCode::kVerificationFailed);
  EXPECT_EQ(CodeOf(OpenEnvelope({}, env, keys_[1])), ErrorCode::kVerificationFailed);
}

TEST_F(EnvelopeTest, EveryChangeToTheCiphertextIsRefused) {
  Envelope env = Seal(2);
  for (std::size_t i = 0; i < env.ciphertext.size(); ++i) {
    for (std::uint8_t bit : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
      Envelope t = env;
      t.ciphertext[i] ^= bit;
      auto r = OpenEnvelope(header_, t, keys_[0]);
      ASSERT_FALSE(r.ok()) << "byte " << i;
      EXPECT_EQ(r.error().code(), ErrorCode::kVerificationFailed);
    }
  }
  Envelope truncated = env;
  truncated.ciphertext.pop_back();
  EXPECT_EQ(CodeOf(OpenEnvelope(header_, truncated, keys_[0])), ErrorCode::kVerificationFailed);
  Envelope extended = env;
  extended.ciphertext.push_back(0);
  EXPECT_EQ(CodeOf(OpenEnvelope(header_, extended, keys_[0])), ErrorCode::kVerificationFailed);
  Envelope no_tag = env;
  no_tag.ciphertext.resize(kEnvelopeTagSize - 1);
  EXPECT_EQ(CodeOf(OpenEnvelope(header_, no_tag, keys_[0])), ErrorCode::kInvalidArgument);
}

TEST_F(EnvelopeTest, EveryChangeToTheNonceIsRefused) {
  Envelope env = Seal(2);
  for (std::size_t i = 0; i < env.nonce.size(); ++i) {
    Envelope t = env;
    t.nonce[i] ^= 0x04;
    EXPECT_EQ(CodeOf(OpenEnvelope(header_, t, keys_[1])), ErrorCode::kVerificationFailed) << i;
  }
}

TEST_F(EnvelopeTest, EveryChangeToAWrappedKeyLocksOutOnlyThatRecipient) {
  Envelope env = Seal(2);
  for (std::size_t i = 0; i < kWrappedKeySize; ++i) {
    Envelope t = env;
    t.wrapped_keys[0][i] ^= 0x10;
    auto r = OpenEnvelope(header_, t, keys_[0]);
    ASSERT_FALSE(r.ok()) << "byte " << i;
    EXPECT_EQ(r.error().code(), ErrorCode::kPermissionDenied);
    EXPECT_EQ(*OpenEnvelope(header_, t, keys_[1]), plain_) << "byte " << i;
  }
}

TEST_F(EnvelopeTest, AWrapFromAnotherEnvelopeDoesNotAuthenticate) {
  Envelope a = Seal(2);
  Envelope b = Seal(2);  // same recipients, fresh k and N
  Envelope mixed = a;
  mixed.wrapped_keys[0] = b.wrapped_keys[0];
  EXPECT_EQ(CodeOf(OpenEnvelope(header_, mixed, keys_[0])), ErrorCode::kVerificationFailed);
  Envelope moved = a;  // a's body with b's nonce and wraps
  moved.nonce = b.nonce;
  moved.wrapped_keys = b.wrapped_keys;
  EXPECT_EQ(CodeOf(OpenEnvelope(header_, moved, keys_[1])), ErrorCode::kVerificationFailed);
}

// ---------------------------------------------------------------------------------------
// Sizes

TEST_F(EnvelopeTest, EmptyPlaintextAndEmptyHeader) {
  auto env = SealEnvelope({}, {}, publics_, rng_);
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->ciphertext.size(), kEnvelopeTagSize);
  auto out = OpenEnvelope({}, *env, keys_[9]);
  ASSERT_TRUE(out.ok()) << out.error().message();
  EXPECT_TRUE(out->empty());
  EXPECT_EQ(CodeOf(OpenEnvelope(header_, *env, keys_[9])), ErrorCode::kVerificationFailed);
}

TEST_F(EnvelopeTest, LargePlaintextToTenRecipients) {
  Bytes big(4u << 20);
  rng_.Fill(big);
  auto env = SealEnvelope(header_, big, publics_, rng_);
  ASSERT_TRUE(env.ok());
  for (std::size_t i : {0u, 4u, 9u}) EXPECT_EQ(*OpenEnvelope(header_, *env, keys_[i]), big);
  auto back = Envelope::Decode(env->Encode());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *env);
}

TEST_F(EnvelopeTest, PlaintextAboveTheLimitIsRefused) {
  Bytes too_big(kMaxEnvelopePlaintext + 1);
  auto r = SealEnvelope(header_, too_big, First(1), rng_);
  EXPECT_EQ(CodeOf(r), ErrorCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------
// Recipient lists

TEST_F(EnvelopeTest, ZeroRecipientsIsRefused) {
  auto r = SealEnvelope(header_, plain_, {}, rng_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message(), HasSubstr("at least one recipient"));
}

TEST_F(EnvelopeTest, DuplicateRecipientsAreNamed) {
  std::vector<BoxPublicKey> dup = {publics_[0], publics_[1], publics_[2], publics_[1]};
  auto r = SealEnvelope(header_, plain_, dup, rng_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message(), HasSubstr("recipients 1 and 3"));
}

TEST_F(EnvelopeTest, TooManyRecipientsAreRefused) {
  std::vector<BoxPublicKey> many(kMaxEnvelopeRecipients + 1);
  for (std::size_t i = 0; i < many.size(); ++i) {
    auto le = U64Le(i + 1);
    std::copy(le.begin(), le.end(), many[i].bytes.begin());
  }
  EXPECT_EQ(CodeOf(SealEnvelope(header_, plain_, many, rng_)), ErrorCode::kInvalidArgument);
}

TEST_F(EnvelopeTest, SmallOrderPublicKeysAreRefusedAndNamed) {
  // X25519 points of order 1, 2, 4 or 8 (and their non-canonical encodings): the shared
  // secret is zero whatever the ephemeral key, so a wrap would be readable by anyone.
  const char* small_order[] = {
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000",
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  };
  for (const char* hex : small_order) {
    SCOPED_TRACE(hex);
    std::vector<BoxPublicKey> list(publics_.begin(), publics_.begin() + 3);
    list.push_back(*FixedFromHex<BoxPublicKey>(hex));
    auto r = SealEnvelope(header_, plain_, list, rng_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(r.error().message(), HasSubstr("recipient 3"));
    // libsodium's own crypto_box_seal refuses the same keys.
    std::array<std::uint8_t, kWrappedKeySize> c{};
    std::array<std::uint8_t, 32> k{};
    EXPECT_NE(0, crypto_box_seal(c.data(), k.data(), k.size(), list.back().data()));
  }
}

// X25519 ignores bit 255 and reduces u mod p, so a key has other encodings that reach the
// same recipient: a reviewer could be listed twice under two encodings (security review C1,
// M7). Only the canonical one is accepted.
TEST_F(EnvelopeTest, NonCanonicalEncodingsOfAValidKeyAreRefused) {
  std::vector<BoxPublicKey> list(publics_.begin(), publics_.begin() + 3);
  ASSERT_TRUE(IsValidBoxPublicKey(list[0]));
  BoxPublicKey twin = list[0];
  twin.bytes[31] |= 0x80;
  EXPECT_FALSE(IsValidBoxPublicKey(twin));
  list.push_back(twin);
  auto r = SealEnvelope(header_, plain_, list, rng_);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("recipient 3"));
  EXPECT_THAT(r.error().message(), HasSubstr("not a valid X25519 key"));
  // u = p + 9 (the base point's u, 9, plus p): not canonical either.
  auto p9 = *FixedFromHex<BoxPublicKey>(
      "f6ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
  EXPECT_FALSE(IsValidBoxPublicKey(p9));
  auto nine = *FixedFromHex<BoxPublicKey>(
      "0900000000000000000000000000000000000000000000000000000000000000");
  EXPECT_TRUE(IsValidBoxPublicKey(nine));
}

// ---------------------------------------------------------------------------------------
// Byte compatibility with libsodium's sealed boxes, both ways

TEST_F(EnvelopeTest, CryptoBoxSealOpenOpensOurWraps) {
  Envelope env = Seal(3);
  for (std::size_t i = 0; i < 3; ++i) {
    SymmetricKey k;
    ASSERT_EQ(0, crypto_box_seal_open(k.data(), env.wrapped_keys[i].data(), kWrappedKeySize,
                                      keys_[i].public_key.data(), keys_[i].secret.data()))
        << i;
    // And the key it yields decrypts the body per CRYPTO.md, with libsodium alone.
    Bytes out(env.ciphertext.size() - kEnvelopeTagSize);
    ASSERT_EQ(0, crypto_aead_xchacha20poly1305_ietf_decrypt(
                     out.data(), nullptr, nullptr, env.ciphertext.data(), env.ciphertext.size(),
                     header_.data(), header_.size(), env.nonce.data(), k.data()));
    EXPECT_EQ(out, plain_);
  }
}

TEST_F(EnvelopeTest, OurOpenerOpensAnEnvelopeBuiltWithCryptoBoxSeal) {
  SymmetricKey k;
  randombytes_buf(k.data(), k.size());
  Envelope env;
  randombytes_buf(env.nonce.data(), env.nonce.size());
  env.ciphertext.resize(plain_.size() + kEnvelopeTagSize);
  ASSERT_EQ(0, crypto_aead_xchacha20poly1305_ietf_encrypt(
                   env.ciphertext.data(), nullptr, plain_.data(), plain_.size(), header_.data(),
                   header_.size(), nullptr, env.nonce.data(), k.data()));
  for (std::size_t i = 0; i < 3; ++i) {
    WrappedKey w{};
    ASSERT_EQ(0, crypto_box_seal(w.data(), k.data(), k.size(), keys_[i].public_key.data()));
    env.wrapped_keys.push_back(w);
  }
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(*OpenEnvelope(header_, env, keys_[i]), plain_);
  EXPECT_EQ(CodeOf(OpenEnvelope(header_, env, outsider_)), ErrorCode::kPermissionDenied);
}

// ---------------------------------------------------------------------------------------
// Randomness

TEST_F(EnvelopeTest, DrawsKThenNThenOneEphemeralSecretPerRecipient) {
  SeededRng a(5), b(5);
  Envelope env = *SealEnvelope(header_, plain_, First(3), a);
  EXPECT_EQ(env, *SealEnvelope(header_, plain_, First(3), b));

  // Replay the documented draws and rebuild every byte with libsodium alone.
  SeededRng replay(5);
  SymmetricKey k;
  replay.Fill(std::span<std::uint8_t>(k.data(), k.size()));
  std::array<std::uint8_t, kEnvelopeNonceSize> nonce{};
  replay.Fill(nonce);
  EXPECT_EQ(env.nonce, nonce);
  Bytes ct(plain_.size() + kEnvelopeTagSize);
  crypto_aead_xchacha20poly1305_ietf_encrypt(ct.data(), nullptr, plain_.data(), plain_.size(),
                                             header_.data(), header_.size(), nullptr, nonce.data(),
                                             k.data());
  EXPECT_EQ(env.ciphertext, ct);
  for (std::size_t i = 0; i < 3; ++i) {
    BoxSecretKey esk;
    replay.Fill(std::span<std::uint8_t>(esk.data(), esk.size()));
    WrappedKey expected{};
    crypto_scalarmult_base(expected.data(), esk.data());  // epk
    std::array<std::uint8_t, crypto_box_NONCEBYTES> box_nonce{};
    Bytes epk_pk(expected.begin(), expected.begin() + 32);
    epk_pk.insert(epk_pk.end(), publics_[i].begin(), publics_[i].end());
    crypto_generichash(box_nonce.data(), box_nonce.size(), epk_pk.data(), epk_pk.size(), nullptr,
                       0);
    ASSERT_EQ(0, crypto_box_easy(expected.data() + 32, k.data(), k.size(), box_nonce.data(),
                                 publics_[i].data(), esk.data()));
    EXPECT_EQ(env.wrapped_keys[i], expected) << i;
  }
}

TEST_F(EnvelopeTest, FreshRandomnessEveryTime) {
  Envelope a = *SealEnvelope(header_, plain_, First(2), DefaultRng());
  Envelope b = *SealEnvelope(header_, plain_, First(2), DefaultRng());
  EXPECT_NE(a.nonce, b.nonce);
  EXPECT_NE(a.ciphertext, b.ciphertext);
  EXPECT_NE(a.wrapped_keys, b.wrapped_keys);
}

// ---------------------------------------------------------------------------------------
// Encoding (docs/FORMATS.md, "Envelope")

TEST_F(EnvelopeTest, EncodingHasTheDocumentedLayoutAndRoundTrips) {
  Envelope env = Seal(3);
  Bytes wire = env.Encode();
  ASSERT_EQ(wire.size(), 8 + 24 + 4 + 3 * 80 + 8 + env.ciphertext.size());
  EXPECT_EQ(std::string(wire.begin(), wire.begin() + 8), "CANDORE1");
  EXPECT_TRUE(std::equal(env.nonce.begin(), env.nonce.end(), wire.begin() + 8));
  EXPECT_EQ(Bytes(wire.begin() + 32, wire.begin() + 36), (Bytes{3, 0, 0, 0}));
  EXPECT_TRUE(
      std::equal(env.wrapped_keys[2].begin(), env.wrapped_keys[2].end(), wire.begin() + 36 + 160));
  EXPECT_EQ(ReadU64Le(wire.data() + 36 + 240), env.ciphertext.size());
  EXPECT_TRUE(std::equal(env.ciphertext.begin(), env.ciphertext.end(), wire.begin() + 284));

  auto back = Envelope::Decode(wire);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, env);
  EXPECT_EQ(back->Encode(), wire);
  EXPECT_EQ(*OpenEnvelope(header_, *back, keys_[2]), plain_);
}

TEST_F(EnvelopeTest, DecodeRefusesEveryTruncationAndTrailingBytes) {
  Bytes wire = Seal(2).Encode();
  for (std::size_t cut = 0; cut < wire.size(); ++cut) {
    auto r = Envelope::Decode(ByteSpan(wire).first(cut));
    ASSERT_FALSE(r.ok()) << cut;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
  Bytes trailing = wire;
  trailing.push_back(0);
  auto r = Envelope::Decode(trailing);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("trailing"));
}

TEST_F(EnvelopeTest, DecodeRefusesBadMagicCountsAndLengths) {
  Envelope env = Seal(2);
  Bytes wire = env.Encode();
  auto refused = [](Bytes b) { return !Envelope::Decode(b).ok(); };
  auto with_u32 = [&](std::size_t at, std::uint32_t v) {
    Bytes b = wire;
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
    return b;
  };
  const std::size_t len_at = 36 + 2 * 80;
  auto with_len = [&](std::uint64_t v) {
    Bytes b = wire;
    auto le = U64Le(v);
    std::copy(le.begin(), le.end(), b.begin() + static_cast<std::ptrdiff_t>(len_at));
    return b;
  };
  for (std::size_t i = 0; i < 8; ++i) {
    Bytes b = wire;
    b[i] ^= 0x01;
    EXPECT_TRUE(refused(b)) << "magic byte " << i;
  }
  EXPECT_TRUE(refused(with_u32(32, 0)));
  EXPECT_TRUE(refused(with_u32(32, 1)));  // fewer than present: the rest is misparsed
  EXPECT_TRUE(refused(with_u32(32, 3)));  // more than present
  EXPECT_TRUE(refused(with_u32(32, kMaxEnvelopeRecipients + 1)));
  EXPECT_TRUE(refused(with_u32(32, 0xffffffffu)));
  EXPECT_TRUE(refused(with_len(0)));
  EXPECT_TRUE(refused(with_len(kEnvelopeTagSize - 1)));
  EXPECT_TRUE(refused(with_len(env.ciphertext.size() - 1)));
  EXPECT_TRUE(refused(with_len(env.ciphertext.size() + 1)));
  EXPECT_TRUE(refused(with_len(kMaxEnvelopeCiphertext + 1)));
  EXPECT_TRUE(refused(with_len(~std::uint64_t{0})));
  EXPECT_FALSE(refused(with_len(env.ciphertext.size())));
  EXPECT_TRUE(refused({}));
}

// ---------------------------------------------------------------------------------------
// The digest authors sign

// ---------------------------------------------------------------------------------------
// Re-wrapping for one more recipient (issue 15)

TEST_F(EnvelopeTest, ARewrapLetsOneMoreKeyOpenTheSameBody) {
  Envelope env = Seal(2);
  auto wrap = RewrapEnvelopeKey(header_, env, keys_[1], outsider_.public_key, rng_);
  ASSERT_TRUE(wrap.ok()) << wrap.error().message();
  EXPECT_EQ(OpenEnvelope(header_, env, outsider_).error().code(), ErrorCode::kPermissionDenied);
  Envelope more = env;
  more.wrapped_keys.push_back(*wrap);
  EXPECT_EQ(*OpenEnvelope(header_, more, outsider_), plain_);
  EXPECT_EQ(*OpenEnvelope(header_, more, keys_[0]), plain_);  // the others still open it
  // The wrap is a plain crypto_box_seal of the content key: libsodium opens it.
  SymmetricKey k;
  EXPECT_EQ(crypto_box_seal_open(k.data(), wrap->data(), wrap->size(), outsider_.public_key.data(),
                                 outsider_.secret.data()),
            0);
}

TEST_F(EnvelopeTest, ARewrapNeedsARecipientAndAnEnvelopeThatAuthenticates) {
  Envelope env = Seal(2);
  // Not a recipient: nothing to pass on.
  EXPECT_EQ(RewrapEnvelopeKey(header_, env, keys_[5], outsider_.public_key, rng_).error().code(),
            ErrorCode::kPermissionDenied);
  // A key that does not open the body under this header is never passed on.
  Bytes other_header = header_;
  other_header.back() ^= 1;
  EXPECT_EQ(
      RewrapEnvelopeKey(other_header, env, keys_[0], outsider_.public_key, rng_).error().code(),
      ErrorCode::kVerificationFailed);
  Envelope changed = env;
  changed.ciphertext[0] ^= 1;
  EXPECT_EQ(
      RewrapEnvelopeKey(header_, changed, keys_[0], outsider_.public_key, rng_).error().code(),
      ErrorCode::kVerificationFailed);
  // A small-order new recipient has no shared secret.
  EXPECT_EQ(RewrapEnvelopeKey(header_, env, keys_[0], BoxPublicKey{}, rng_).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST(CableDigest, IsH256OfTheLabelHeaderAndCiphertext) {
  Bytes h = {1, 2}, c = {3};
  EXPECT_EQ(CableDigest(h, c), Sha256(Tr("candor/v1/cable", {ByteSpan(h), ByteSpan(c)})));
  EXPECT_EQ(CableDigest(h, c), H256("candor/v1/cable", {ByteSpan(h), ByteSpan(c)}));
  // Moving a byte across the header/ciphertext boundary changes the digest.
  Bytes h2 = {1}, c2 = {2, 3};
  EXPECT_NE(CableDigest(h, c), CableDigest(h2, c2));
  Bytes c3 = {4};
  EXPECT_NE(CableDigest(h, c), CableDigest(h, c3));
}

// ---------------------------------------------------------------------------------------
// tests/vectors/envelope.json

BoxKeyPair KeyPairFromHex(const nlohmann::json& pub, const nlohmann::json& sec) {
  BoxKeyPair kp;
  kp.public_key = *FixedFromHex<BoxPublicKey>(pub.get<std::string>(), "public key");
  Bytes sk = *FromHex(sec.get<std::string>());
  EXPECT_EQ(sk.size(), BoxSecretKey::kSize);
  std::copy_n(sk.begin(), BoxSecretKey::kSize, kp.secret.data());
  sodium_memzero(sk.data(), sk.size());
  return kp;
}

TEST(EnvelopeVectors, CommittedVectorsBehaveAsRecorded) {
  std::ifstream in(CANDOR_SOURCE_DIR "/tests/vectors/envelope.json");
  ASSERT_TRUE(in) << "tests/vectors/envelope.json is missing";
  auto vectors = nlohmann::json::parse(in);
  ASSERT_GE(vectors.size(), 10u);
  std::size_t valid = 0, invalid = 0;
  for (const auto& v : vectors) {
    SCOPED_TRACE(v["description"].get<std::string>());
    Bytes header = *FromHex(v["header"].get<std::string>());
    Bytes plaintext = *FromHex(v["plaintext"].get<std::string>());

    // The separate fields and the encoding agree.
    Envelope env;
    Bytes nonce = *FromHex(v["nonce"].get<std::string>());
    ASSERT_EQ(nonce.size(), kEnvelopeNonceSize);
    std::copy(nonce.begin(), nonce.end(), env.nonce.begin());
    env.ciphertext = *FromHex(v["ciphertext"].get<std::string>());
    for (const auto& w : v["wrapped_keys"]) {
      Bytes raw = *FromHex(w.get<std::string>());
      ASSERT_EQ(raw.size(), kWrappedKeySize);
      WrappedKey wk{};
      std::copy(raw.begin(), raw.end(), wk.begin());
      env.wrapped_keys.push_back(wk);
    }
    auto decoded = Envelope::Decode(*FromHex(v["envelope"].get<std::string>()));
    ASSERT_TRUE(decoded.ok()) << decoded.error().message();
    EXPECT_EQ(*decoded, env);
    EXPECT_EQ(ToHex(CableDigest(header, env.ciphertext)), v["cable_digest"].get<std::string>());

    BoxKeyPair opener = KeyPairFromHex(v["opener_public"], v["opener_secret"]);
    auto out = OpenEnvelope(header, env, opener);
    ASSERT_EQ(out.ok(), v["valid"].get<bool>());
    if (out.ok()) {
      ++valid;
      EXPECT_EQ(*out, plaintext);
      // Every listed recipient opens it, and re-sealing with the recorded seed reproduces
      // the envelope byte for byte (the documented draw order).
      const auto& pubs = v["recipients"];
      const auto& secs = v["recipient_secrets"];
      ASSERT_EQ(pubs.size(), env.wrapped_keys.size());
      ASSERT_EQ(secs.size(), pubs.size());
      std::vector<BoxPublicKey> recipients;
      for (std::size_t i = 0; i < pubs.size(); ++i) {
        BoxKeyPair kp = KeyPairFromHex(pubs[i], secs[i]);
        EXPECT_EQ(BoxPublicFromSecret(kp.secret), kp.public_key) << i;
        EXPECT_EQ(*OpenEnvelope(header, env, kp), plaintext) << i;
        recipients.push_back(kp.public_key);
      }
      SeededRng seal_rng(v["seal_rng_seed"].get<std::uint64_t>());
      EXPECT_EQ(*SealEnvelope(header, plaintext, recipients, seal_rng), env);
      // One more wrap, for a reviewer who joined later (issue 15): reproduced, and it opens.
      BoxKeyPair to = KeyPairFromHex(v["rewrap_to_public"], v["rewrap_to_secret"]);
      SeededRng rewrap_rng(v["rewrap_rng_seed"].get<std::uint64_t>());
      auto wrap = RewrapEnvelopeKey(header, env, KeyPairFromHex(pubs[0], secs[0]), to.public_key,
                                    rewrap_rng);
      ASSERT_TRUE(wrap.ok()) << wrap.error().message();
      EXPECT_EQ(ToHex(ByteSpan(wrap->data(), wrap->size())), v["rewrap"].get<std::string>());
      Envelope more = env;
      more.wrapped_keys.push_back(*wrap);
      EXPECT_EQ(*OpenEnvelope(header, more, to), plaintext);
    } else {
      ++invalid;
      EXPECT_EQ(ErrorCodeName(out.error().code()), v["error"].get<std::string>());
    }
  }
  EXPECT_GE(valid, 4u);
  EXPECT_GE(invalid, 8u);
}

}  // namespace
}  // namespace candor::crypto
