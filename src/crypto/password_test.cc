// Tests for password hashing: policy messages, hash/verify round trips, rehash detection.
#include "crypto/password.h"

#include <gtest/gtest.h>

#include <string>

namespace candor::crypto {
namespace {

constexpr auto kFast = PasswordCost::kInteractive;

TEST(PasswordPolicy, AcceptsLongEnoughText) {
  EXPECT_TRUE(CheckPasswordPolicy("correct horse battery").ok());
  EXPECT_TRUE(CheckPasswordPolicy(std::string(kPasswordMinChars, 'a')).ok());
  EXPECT_TRUE(CheckPasswordPolicy(std::string(kPasswordMaxChars, 'a')).ok());
}

TEST(PasswordPolicy, RejectsShortWithAClearMessage) {
  Status s = CheckPasswordPolicy("short");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message().find("at least 12 characters"), std::string::npos)
      << s.error().message();
  EXPECT_NE(s.error().message().find("got 5"), std::string::npos);
  EXPECT_FALSE(CheckPasswordPolicy(std::string(kPasswordMinChars - 1, 'a')).ok());
  EXPECT_FALSE(CheckPasswordPolicy("").ok());
}

TEST(PasswordPolicy, CountsCodePointsNotBytes) {
  // 12 two-byte letters: 24 bytes, 12 characters.
  std::string accented;
  for (int i = 0; i < 12; ++i) accented += "\xC3\xA9";  // é
  EXPECT_TRUE(CheckPasswordPolicy(accented).ok());
  // 11 of them are too few even though the byte count is 22.
  EXPECT_FALSE(CheckPasswordPolicy(accented.substr(2)).ok());
}

TEST(PasswordPolicy, RejectsTooLong) {
  Status s = CheckPasswordPolicy(std::string(kPasswordMaxChars + 1, 'a'));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("at most 1024"), std::string::npos);
  EXPECT_FALSE(CheckPasswordPolicy(std::string(100000, 'a')).ok());
}

TEST(PasswordPolicy, RejectsInvalidUtf8AndControlCharacters) {
  EXPECT_FALSE(CheckPasswordPolicy("abcdefghijkl\xFF").ok());
  EXPECT_FALSE(CheckPasswordPolicy("abcdefghijkl\xC0\xAF").ok());      // overlong '/'
  EXPECT_FALSE(CheckPasswordPolicy("abcdefghijkl\xED\xA0\x80").ok());  // surrogate
  EXPECT_FALSE(CheckPasswordPolicy("abcdefghijkl\xE2\x82").ok());      // truncated
  EXPECT_FALSE(CheckPasswordPolicy("abcdefghijkl\n").ok());
  EXPECT_FALSE(CheckPasswordPolicy(std::string("abcdefghijkl\0x", 14)).ok());
}

TEST(Password, HashesAndVerifies) {
  auto hash = HashPassword("correct horse battery staple", kFast);
  ASSERT_TRUE(hash.ok()) << hash.error().message();
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery staple").ok());

  Status wrong = VerifyPassword(*hash, "correct horse battery stapl3");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(VerifyPassword(*hash, "").error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(VerifyPassword(*hash, std::string(100000, 'a')).error().code(),
            ErrorCode::kUnauthenticated);
}

TEST(Password, SaltsEveryHash) {
  auto a = HashPassword("the same password", kFast);
  auto b = HashPassword("the same password", kFast);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword(*b, "the same password").ok());
}

TEST(Password, HashRefusesPolicyViolations) {
  auto r = HashPassword("short", kFast);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
}

TEST(Password, MalformedStoredHashIsCorrupt) {
  EXPECT_EQ(VerifyPassword("", "whatever password").error().code(), ErrorCode::kCorrupt);
  EXPECT_EQ(VerifyPassword("plaintext-password", "plaintext-password").error().code(),
            ErrorCode::kCorrupt);
  EXPECT_EQ(VerifyPassword(std::string(1000, '$'), "whatever password").error().code(),
            ErrorCode::kCorrupt);
  // An Argon2id prefix with garbage after it cannot verify.
  EXPECT_FALSE(VerifyPassword("$argon2id$v=19$garbage", "whatever password").ok());
}

TEST(Password, TamperedHashDoesNotVerify) {
  auto hash = HashPassword("correct horse battery staple", kFast);
  ASSERT_TRUE(hash.ok());
  std::string t = *hash;
  char& last = t[t.size() - 2];
  last = last == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyPassword(t, "correct horse battery staple").ok());
}

TEST(Password, NeedsRehashWhenCostDiffers) {
  auto fast = HashPassword("correct horse battery staple", kFast);
  ASSERT_TRUE(fast.ok());
  EXPECT_FALSE(PasswordNeedsRehash(*fast, kFast));
  EXPECT_TRUE(PasswordNeedsRehash(*fast, PasswordCost::kModerate));
  EXPECT_TRUE(PasswordNeedsRehash(*fast));  // default is kModerate
  EXPECT_TRUE(PasswordNeedsRehash("not a hash"));
  EXPECT_TRUE(PasswordNeedsRehash(std::string(1000, 'x')));
  // Argon2i (not id) with the right parameters still needs a rehash.
  EXPECT_TRUE(
      PasswordNeedsRehash("$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
                          "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
                          kFast));
}

TEST(Password, DefaultCostIsModerate) {
  // One real production-cost hash (256 MiB, about a second) to pin the default.
  auto hash = HashPassword("correct horse battery staple");
  ASSERT_TRUE(hash.ok()) << hash.error().message();
  EXPECT_NE(hash->find("m=262144,t=3,p=1"), std::string::npos) << *hash;
  EXPECT_FALSE(PasswordNeedsRehash(*hash));
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery staple").ok());
}

}  // namespace
}  // namespace candor::crypto
