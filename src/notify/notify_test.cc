#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "notify/digest.h"
#include "notify/openpgp.h"
#include "notify/openpgp_testing.h"
#include "notify/outbound.h"

namespace candor::notify {
namespace {

crypto::ByteSpan Span(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

Digest Sample(std::size_t items) {
  Digest d;
  d.organization = "Department of State";
  d.day = {2026, 9, 21};
  d.time_zone = "America/New_York";
  d.link = "https://candor.example.org/";
  for (std::size_t i = 0; i < items; ++i) {
    DigestItem item;
    item.cable = std::string(64, "0123456789abcdef"[i % 16]);
    item.kind = i % 2 == 0 ? DigestItem::Kind::kAcknowledge : DigestItem::Kind::kAnswer;
    item.due = {2026, 10, static_cast<int>(1 + i % 28)};
    item.overdue = i % 3 == 0;
    d.items.push_back(item);
  }
  return d;
}

TEST(Digest, EveryTextHasTheSameLengthWhateverIsWaiting) {
  for (std::size_t n : {0, 1, 2, 7, 40, 500}) {
    const Digest d = Sample(n);
    EXPECT_EQ(DetailedDigestText(d).size(), kDigestTextBytes) << n;
    EXPECT_EQ(PlainDigestText(d).size(), kDigestTextBytes) << n;
  }
  // A longer organization name or link changes nothing either.
  Digest d = Sample(3);
  d.organization = std::string(500, 'x');
  d.link = std::string(900, 'y');
  EXPECT_EQ(DetailedDigestText(d).size(), kDigestTextBytes);
  EXPECT_EQ(PlainDigestText(d).size(), kDigestTextBytes);
}

// Every length a text can have before padding pads to exactly the size (review: a text one byte
// short of a whole number of padding lines once made the padding underflow and throw).
TEST(Digest, PaddingReachesTheSizeFromEveryLength) {
  for (std::size_t n = 0; n + 2 <= kDigestTextBytes; ++n) {
    const std::string padded = PadText(std::string(n, 'x'), kDigestTextBytes);
    ASSERT_EQ(padded.size(), kDigestTextBytes) << n;
    ASSERT_TRUE(padded.ends_with("\r\n") || n == kDigestTextBytes) << n;
  }
  EXPECT_EQ(PadText(std::string(kDigestTextBytes, 'x'), kDigestTextBytes).size(), kDigestTextBytes);
  // The lengths that failed: an organization name and link that leave 74·k + 1 bytes.
  for (std::size_t name = 1; name < 200; ++name) {
    Digest d = Sample(name % 7);
    d.organization = std::string(name, 'o');
    EXPECT_EQ(PlainDigestText(d).size(), kDigestTextBytes) << name;
    EXPECT_EQ(DetailedDigestText(d).size(), kDigestTextBytes) << name;
  }
}

TEST(Digest, TheDetailedTextListsItemsAndSaysHowManyDidNotFit) {
  const std::string few = DetailedDigestText(Sample(2));
  EXPECT_NE(few.find("1 to acknowledge, 1 to answer, 1 overdue"), std::string::npos) << few;
  EXPECT_NE(few.find("cable 0000000000000000  acknowledge by 2026-10-01  OVERDUE"),
            std::string::npos);
  EXPECT_NE(few.find("cable 1111111111111111  answer by 2026-10-02\r\n"), std::string::npos);
  const std::string many = DetailedDigestText(Sample(500));
  EXPECT_NE(many.find("more: sign in to see them."), std::string::npos);
  EXPECT_NE(DetailedDigestText(Sample(0)).find("Nothing is waiting for you."), std::string::npos);
  // Lines end in CRLF, none longer than mail allows.
  std::size_t start = 0;
  while (start < many.size()) {
    const std::size_t end = many.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 998u);
    start = end + 2;
  }
}

TEST(Digest, TheClearTextSaysWhetherSomethingWaitsAndNothingMore) {
  const std::string some = PlainDigestText(Sample(5));
  EXPECT_NE(some.find("Something is waiting for you"), std::string::npos);
  EXPECT_EQ(some.find("0000000000000000"), std::string::npos);  // no cable id
  EXPECT_EQ(some.find("2026-10-"), std::string::npos);          // no deadline
  EXPECT_EQ(some.find("overdue"), std::string::npos);
  EXPECT_NE(PlainDigestText(Sample(0)).find("Nothing is waiting"), std::string::npos);
  // Five waiting and one waiting read the same.
  EXPECT_EQ(PlainDigestText(Sample(5)), PlainDigestText(Sample(1)));
}

TEST(Digest, TheWebhookBodyHasOneLengthAndTheCounts) {
  for (std::int64_t n : {0, 3, 900, 123456789}) {
    const std::string body = WebhookBody("state", {2026, 9, 21}, n, n / 2);
    EXPECT_EQ(body.size(), kWebhookBodyBytes);
    const auto j = nlohmann::json::parse(body);
    EXPECT_EQ(j.at("organization"), "state");
    EXPECT_EQ(j.at("day"), "2026-09-21");
    EXPECT_EQ(j.at("open").get<std::int64_t>(), n);
    EXPECT_EQ(j.at("overdue").get<std::int64_t>(), n / 2);
  }
}

TEST(Mail, AddressesThatCouldInjectHeadersAreRefused) {
  EXPECT_TRUE(ValidateMailAddress("reviewer@example.org").ok());
  EXPECT_TRUE(ValidateMailAddress("a.b+c@sub.example.org").ok());
  EXPECT_TRUE(ValidateMailAddress("root@localhost").ok());
  for (const char* bad :
       {"", "no-at-sign", "@example.org", "a@", "a@b@c.org", "a@example", "a@.example.org",
        "a@example..org", "a b@example.org", "a@example.org\r\nBcc: x@y.org", "<a@example.org>",
        "a,b@example.org", "\"a\"@example.org", "é@example.org"}) {
    EXPECT_FALSE(ValidateMailAddress(bad).ok()) << bad;
  }
  EXPECT_FALSE(ValidateMailAddress(std::string(250, 'a') + "@b.org").ok());
}

TEST(Mail, DatesAreRfc5322InUtc) {
  EXPECT_EQ(MailDate(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(MailDate(1'790'000'000'000), "Mon, 21 Sep 2026 14:13:20 +0000");
}

TEST(Mail, MessagesCarryTheHeadersAndPgpMimeStructure) {
  MailHeaders h{"candor@example.org", "r@example.org", "Candor daily digest",
                MailDate(1'790'000'000'000), "abc@candor"};
  const std::string plain = PlainMail(h, "hello\r\n");
  EXPECT_TRUE(plain.starts_with("From: candor@example.org\r\nTo: r@example.org\r\n"));
  EXPECT_NE(plain.find("\r\nMessage-ID: <abc@candor>\r\n"), std::string::npos);
  EXPECT_TRUE(plain.ends_with("\r\n\r\nhello\r\n"));
  const std::string enc = EncryptedMail(h, "-----BEGIN PGP MESSAGE-----\nx\n", "BOUND");
  EXPECT_NE(enc.find("multipart/encrypted; protocol=\"application/pgp-encrypted\""),
            std::string::npos);
  EXPECT_NE(enc.find("--BOUND\r\nContent-Type: application/pgp-encrypted\r\n"), std::string::npos);
  EXPECT_NE(enc.find("-----BEGIN PGP MESSAGE-----\r\nx\r\n--BOUND--\r\n"), std::string::npos);
}

TEST(Webhook, HmacSha256MatchesRfc4231AndTheSignatureIsOverTimeAndBody) {
  // RFC 4231, test case 2.
  EXPECT_EQ(crypto::ToHex(HmacSha256(Span("Jefe"), Span("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const std::string key(32, 'k');
  // Python: hmac.new(b'k'*32, b'1790000000.{}', hashlib.sha256).hexdigest()
  EXPECT_EQ(WebhookSignature(Span(key), 1'790'000'000, "{}"),
            "t=1790000000,v1=c4cacc6f6a3ea0cea1a40ea5fa3e180ef9daed20feb42d4b3d90b65d86d6deff");
  EXPECT_NE(WebhookSignature(Span(key), 1'790'000'001, "{}"),
            WebhookSignature(Span(key), 1'790'000'000, "{}"));
}

TEST(Webhook, OnlyHttpsOrThisMachineIsAccepted) {
  EXPECT_TRUE(ValidateWebhookUrl("https://hooks.example.org/candor").ok());
  EXPECT_TRUE(ValidateWebhookUrl("http://127.0.0.1:8080/hook").ok());
  EXPECT_TRUE(ValidateWebhookUrl("http://localhost/hook").ok());
  EXPECT_TRUE(ValidateWebhookUrl("http://[::1]:9/x").ok());
  for (const char* bad : {"", "ftp://x.org/", "http://hooks.example.org/", "https://",
                          "https://user:pw@x.org/", "https://x.org/a b", "http://127.0.0.1.x.org/",
                          "https://x.org/\r\nX: y", "javascript:alert(1)"}) {
    EXPECT_FALSE(ValidateWebhookUrl(bad).ok()) << bad;
  }
}

TEST(Smtp, TheConfigurationIsChecked) {
  SmtpConfig c;
  c.url = "smtp://mail.example.org:587";
  c.from = "candor@example.org";
  EXPECT_TRUE(ValidateSmtpConfig(c).ok());
  c.url = "smtps://mail.example.org";
  EXPECT_TRUE(ValidateSmtpConfig(c).ok());
  for (const char* bad :
       {"http://mail.example.org", "smtp://", "smtp://u:p@mail.example.org", "smtp://a b"}) {
    c.url = bad;
    EXPECT_FALSE(ValidateSmtpConfig(c).ok()) << bad;
  }
  c.url = "smtp://mail.example.org";
  c.from = "not an address";
  EXPECT_FALSE(ValidateSmtpConfig(c).ok());
  EXPECT_FALSE(ParseSmtpTls("sometimes").ok());
  EXPECT_EQ(*ParseSmtpTls("none"), SmtpConfig::Tls::kNone);
}

TEST(Smtp, AServerThatIsNotThereIsAnErrorNotACrash) {
  SmtpConfig c;
  c.url = "smtp://127.0.0.1:1";
  c.from = "candor@example.org";
  c.tls = SmtpConfig::Tls::kNone;
  c.timeout_seconds = 5;
  auto s = SendMail(c, "r@example.org",
                    PlainMail({c.from, "r@example.org", "x", MailDate(0), "m@c"}, "x\r\n"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(s.error().message().find("the mail server did not take the message"),
            std::string::npos);
  EXPECT_FALSE(PostWebhook("http://127.0.0.1:1/", "{}", "t=0,v1=00", 5).ok());
}

class OpenPgp : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = (std::filesystem::temp_directory_path() /
             ("candor-pgp-" + std::to_string(std::random_device{}())))
                .string();
    key_ = testing::MakeOpenPgpKey(home_, "Reviewer <reviewer@example.org>");
    ASSERT_FALSE(key_.empty()) << "gpg could not make a key";
  }
  void TearDown() override {
    testing::StopAgent(home_);
    std::filesystem::remove_all(home_);
  }
  std::string home_, key_;
};

TEST_F(OpenPgp, AReviewersKeyIsCheckedAndEncryptsWhatOnlyTheyCanRead) {
  auto key = CheckOpenPgpKey(key_);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->fingerprint.size(), 40u);
  const std::string text = DetailedDigestText(Sample(3));
  auto armored = EncryptToOpenPgpKey(key_, text);
  ASSERT_TRUE(armored.ok()) << armored.error().message();
  EXPECT_TRUE(armored->starts_with("-----BEGIN PGP MESSAGE-----"));
  EXPECT_EQ(armored->find("0000000000000000"), std::string::npos);
  auto [rc, plain] = testing::DecryptWith(home_, *armored);
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(plain, text);
  // Uncompressed: the same length in, the same length out, whatever the text.
  auto other = EncryptToOpenPgpKey(key_, DetailedDigestText(Sample(0)));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->size(), armored->size());
}

TEST_F(OpenPgp, WhatIsNotExactlyOnePublicKeyIsRefused) {
  EXPECT_FALSE(CheckOpenPgpKey("").ok());
  EXPECT_FALSE(CheckOpenPgpKey("hello").ok());
  EXPECT_FALSE(CheckOpenPgpKey("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC "
                               "KEY BLOCK-----\n")
                   .ok());
  auto [rc, secret] = testing::Shell("gpg --batch --quiet --homedir '" + home_ +
                                     "' --pinentry-mode loopback --passphrase '' --armor "
                                     "--export-secret-keys 2>/dev/null");
  ASSERT_EQ(rc, 0);
  auto s = CheckOpenPgpKey(secret);
  EXPECT_FALSE(s.ok());
  // Two keys in one block.
  const std::string second_home = home_ + "/second";
  const std::string second = testing::MakeOpenPgpKey(second_home, "Other <o@example.org>");
  ASSERT_FALSE(second.empty());
  testing::StopAgent(second_home);
  auto [rc2, both] = testing::Shell(
      "gpg --batch --quiet --homedir '" + second_home + "' --import 2>/dev/null <<'EOF'\n" + key_ +
      "EOF\ngpg --batch --quiet --homedir '" + second_home + "' --armor --export 2>/dev/null");
  ASSERT_EQ(rc2, 0);
  auto two = CheckOpenPgpKey(both);
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().message().find("exactly one"), std::string::npos);
  EXPECT_FALSE(EncryptToOpenPgpKey("nope", "x").ok());
  EXPECT_FALSE(CheckOpenPgpKey(std::string(kMaxOpenPgpKeyBytes + 1, 'a')).ok());
}

}  // namespace
}  // namespace candor::notify
