// Key files: round trips, wrong passphrases, every kind of damage, passphrase changes.
#include "crypto/keyfile.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "crypto/ristretto.h"

namespace candor::crypto {
namespace {

class KeyFileTest : public ::testing::Test {
 protected:
  SeededRng rng_{2024};
  MemberKeys keys_ = GenerateMemberKeys(rng_);
  Bytes file_ = *SealKeyFile(keys_, "correct horse", KdfParams::Interactive(), rng_);
};

TEST_F(KeyFileTest, RoundTripsAndExposesOnlyPublicParts) {
  ASSERT_EQ(file_.size(), kKeyFileSize);
  auto info = ParseKeyFile(file_);
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_EQ(info->ring_public, keys_.ring.public_key);
  EXPECT_EQ(info->box_public, keys_.box.public_key);
  EXPECT_EQ(info->kdf.opslimit, KdfParams::Interactive().opslimit);
  auto opened = OpenKeyFile(file_, "correct horse");
  ASSERT_TRUE(opened.ok()) << opened.error().message();
  EXPECT_EQ(0, sodium_memcmp(opened->ring.secret.data(), keys_.ring.secret.data(), 32));
  EXPECT_EQ(0, sodium_memcmp(opened->box.secret.data(), keys_.box.secret.data(), 32));
  EXPECT_EQ(opened->ring.public_key, keys_.ring.public_key);
  // The secrets do not appear in the file.
  std::string haystack(file_.begin(), file_.end());
  EXPECT_EQ(haystack.find(std::string(keys_.ring.secret.data(), keys_.ring.secret.data() + 32)),
            std::string::npos);
}

TEST_F(KeyFileTest, DefaultParamsAreTheModerateOnesPinnedByCrypto) {
  EXPECT_EQ(KdfParams::Moderate().opslimit, crypto_pwhash_OPSLIMIT_MODERATE);
  EXPECT_EQ(KdfParams::Moderate().memlimit, crypto_pwhash_MEMLIMIT_MODERATE);
  Bytes moderate = *SealKeyFile(keys_, "pw", KdfParams::Moderate(), rng_);
  EXPECT_TRUE(OpenKeyFile(moderate, "pw").ok());
}

TEST_F(KeyFileTest, WrongPassphraseIsAClearError) {
  auto r = OpenKeyFile(file_, "Correct horse");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(r.error().message().find("wrong passphrase"), std::string::npos);
  EXPECT_FALSE(OpenKeyFile(file_, "").ok());
  EXPECT_FALSE(SealKeyFile(keys_, "", KdfParams::Interactive(), rng_).ok());
}

TEST_F(KeyFileTest, EveryFlippedByteIsRejected) {
  auto key = DeriveKeyFileKey(file_, "correct horse");
  ASSERT_TRUE(key.ok());
  for (std::size_t i = 0; i < file_.size(); ++i) {
    Bytes bad = file_;
    bad[i] ^= 0x01;
    // The salt and KDF settings change the derived key, so only the full path would notice;
    // with the key fixed, authentication still covers them as additional data.
    auto r = OpenKeyFileWithKey(bad, *key);
    ASSERT_FALSE(r.ok()) << "byte " << i;
    // The parser catches the magic, out-of-range settings and a ring key that is no longer a
    // valid point (kCorrupt); the tag catches everything else (kUnauthenticated).
    EXPECT_TRUE(r.error().code() == ErrorCode::kUnauthenticated ||
                r.error().code() == ErrorCode::kCorrupt)
        << "byte " << i;
    const bool parser_checked = i < 24 || (i >= 64 && i < 96);
    if (!parser_checked) {
      EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated) << "byte " << i;
    }
  }
  // And a few through the full path (Argon2id each time).
  for (std::size_t i : {8u, 30u, 50u, 70u, 100u, 140u, 200u}) {
    Bytes bad = file_;
    bad[i] ^= 0x80;
    EXPECT_FALSE(OpenKeyFile(bad, "correct horse").ok()) << "byte " << i;
  }
}

TEST_F(KeyFileTest, TruncatedExtendedAndForeignFilesAreCorrupt) {
  Bytes shorter(file_.begin(), file_.end() - 1);
  Bytes longer = file_;
  longer.push_back(0);
  for (const Bytes& f : {shorter, longer, Bytes{}, Bytes(kKeyFileSize, 0)}) {
    auto r = ParseKeyFile(f);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
  }
}

TEST_F(KeyFileTest, KdfSettingsOutsideTheRangeAreRefused) {
  auto with = [&](std::size_t offset, std::uint64_t v) {
    Bytes f = file_;
    auto le = U64Le(v);
    std::copy(le.begin(), le.end(), f.begin() + static_cast<long>(offset));
    return ParseKeyFile(f).ok();
  };
  EXPECT_FALSE(with(8, 1));                                     // opslimit too low
  EXPECT_FALSE(with(8, crypto_pwhash_OPSLIMIT_SENSITIVE + 1));  // too high
  EXPECT_FALSE(with(16, 8192));                                 // memlimit too low
  EXPECT_FALSE(with(16, std::uint64_t{1} << 40));               // 1 TiB
  EXPECT_TRUE(with(8, crypto_pwhash_OPSLIMIT_MODERATE));
  EXPECT_FALSE(SealKeyFile(keys_, "pw", KdfParams{1, 8192}, rng_).ok());
}

TEST_F(KeyFileTest, InconsistentSecretsAreRefusedWhole) {
  // A file whose encrypted secret does not match its header, sealed correctly: build it by
  // sealing other keys and pasting this file's public keys into the header is impossible
  // (the header is authenticated), so seal deliberately mismatched keys via the API.
  MemberKeys other = GenerateMemberKeys(rng_);
  MemberKeys mixed;
  mixed.ring.public_key = keys_.ring.public_key;
  mixed.ring.secret = other.ring.secret.Clone();
  mixed.box.public_key = other.box.public_key;
  mixed.box.secret = other.box.secret.Clone();
  EXPECT_FALSE(SealKeyFile(mixed, "pw", KdfParams::Interactive(), rng_).ok());
}

// Builds a file that authenticates under `file`'s passphrase (same salt and settings, so
// the same derived key) but with the given public keys in its header and the given 64
// secret bytes inside: what a buggy or hostile writer could produce.
Bytes Craft(const Bytes& file, std::string_view passphrase, const Point& ring_public,
            const BoxPublicKey& box_public, ByteSpan secrets) {
  constexpr std::size_t kHeader = 128;
  Bytes out(file.begin(), file.begin() + kHeader);
  std::copy(ring_public.begin(), ring_public.end(), out.begin() + 64);
  std::copy(box_public.begin(), box_public.end(), out.begin() + 96);
  out.resize(kKeyFileSize);
  SymmetricKey key = *DeriveKeyFileKey(file, passphrase);
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kHeader, nullptr, secrets.data(),
                                             secrets.size(), out.data(), kHeader, nullptr,
                                             out.data() + 40, key.data());
  return out;
}

TEST_F(KeyFileTest, AuthenticFilesWhoseSecretsDoNotMatchAreRefusedWhole) {
  MemberKeys other = GenerateMemberKeys(rng_);
  auto secrets = [](const SecretScalar& x, const BoxSecretKey& b) {
    Bytes s(x.data(), x.data() + 32);
    s.insert(s.end(), b.data(), b.data() + 32);
    return s;
  };
  const Bytes good = secrets(keys_.ring.secret, keys_.box.secret);
  // The crafting itself is right: the honest contents open.
  auto honest =
      OpenKeyFile(Craft(file_, "correct horse", keys_.ring.public_key, keys_.box.public_key, good),
                  "correct horse");
  ASSERT_TRUE(honest.ok()) << honest.error().message();

  struct Case {
    const char* what;
    Bytes file;
  };
  Bytes zero_x = good;
  std::fill(zero_x.begin(), zero_x.begin() + 32, 0);
  Bytes big_x = good;  // l itself: non-canonical
  auto l = FixedFromHex<Scalar>("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  std::copy(l->begin(), l->end(), big_x.begin());
  const Case cases[] = {
      {"ring secret of another member",
       Craft(file_, "correct horse", keys_.ring.public_key, keys_.box.public_key,
             secrets(other.ring.secret, keys_.box.secret))},
      {"box secret of another member",
       Craft(file_, "correct horse", keys_.ring.public_key, keys_.box.public_key,
             secrets(keys_.ring.secret, other.box.secret))},
      {"header names another member's ring key",
       Craft(file_, "correct horse", other.ring.public_key, keys_.box.public_key, good)},
      {"zero ring secret",
       Craft(file_, "correct horse", keys_.ring.public_key, keys_.box.public_key, zero_x)},
      {"non-canonical ring secret",
       Craft(file_, "correct horse", keys_.ring.public_key, keys_.box.public_key, big_x)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto r = OpenKeyFile(c.file, "correct horse");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
  }
}

TEST_F(KeyFileTest, AnInvalidRingPublicKeyIsCorruptBeforeAnyKdf) {
  Bytes identity = file_;
  std::fill(identity.begin() + 64, identity.begin() + 96, 0);
  auto r = ParseKeyFile(identity);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
  Bytes not_a_point = file_;
  std::fill(not_a_point.begin() + 64, not_a_point.begin() + 96, 0xff);
  EXPECT_EQ(ParseKeyFile(not_a_point).error().code(), ErrorCode::kCorrupt);
}

TEST_F(KeyFileTest, ChangePassphraseKeepsTheKeys) {
  auto changed = ChangeKeyFilePassphrase(file_, "correct horse", "battery staple",
                                         KdfParams::Interactive(), rng_);
  ASSERT_TRUE(changed.ok());
  EXPECT_NE(*changed, file_);
  EXPECT_FALSE(OpenKeyFile(*changed, "correct horse").ok());
  auto opened = OpenKeyFile(*changed, "battery staple");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->ring.public_key, keys_.ring.public_key);
  EXPECT_EQ(0, sodium_memcmp(opened->ring.secret.data(), keys_.ring.secret.data(), 32));
  EXPECT_FALSE(ChangeKeyFilePassphrase(file_, "wrong", "x", KdfParams::Interactive(), rng_).ok());
  EXPECT_FALSE(
      ChangeKeyFilePassphrase(file_, "correct horse", "", KdfParams::Interactive(), rng_).ok());
}

TEST(KeyFileVectors, CommittedVectorsBehaveAsRecorded) {
  std::ifstream in(CANDOR_SOURCE_DIR "/tests/vectors/keyfile.json");
  ASSERT_TRUE(in) << "tests/vectors/keyfile.json is missing";
  auto vectors = nlohmann::json::parse(in);
  ASSERT_GE(vectors.size(), 12u);
  for (const auto& v : vectors) {
    SCOPED_TRACE(v["description"].get<std::string>());
    Bytes file = *FromHex(v["file"].get<std::string>());
    const std::string passphrase = v["passphrase"].get<std::string>();
    auto opened = OpenKeyFile(file, passphrase);
    ASSERT_EQ(opened.ok(), v["valid"].get<bool>());
    if (opened.ok()) {
      EXPECT_EQ(ToHex(opened->ring.public_key), v["ring_public"].get<std::string>());
      EXPECT_EQ(ToHex(opened->box.public_key), v["box_public"].get<std::string>());
      auto info = ParseKeyFile(file);
      ASSERT_TRUE(info.ok());
      EXPECT_EQ(ToHex(info->ring_public), v["ring_public"].get<std::string>());
      // Argon2id alone, then the AEAD alone with the recorded key.
      auto key = DeriveKeyFileKey(file, passphrase);
      ASSERT_TRUE(key.ok());
      EXPECT_EQ(ToHex(key->span()), v["derived_key"].get<std::string>());
      SymmetricKey recorded;
      Bytes raw = *FromHex(v["derived_key"].get<std::string>());
      ASSERT_EQ(raw.size(), recorded.size());
      std::copy(raw.begin(), raw.end(), recorded.data());
      EXPECT_TRUE(OpenKeyFileWithKey(file, recorded).ok());
    } else {
      EXPECT_EQ(ErrorCodeName(opened.error().code()), v["error"].get<std::string>());
    }
  }
}

}  // namespace
}  // namespace candor::crypto
