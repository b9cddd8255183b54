// Test support for the feature services' unit tests (staff_service_test.cc,
// letter_service_test.cc, cable_service_test.cc): a Service over a real store (a temporary
// SQLite file), a manual clock, seeded randomness, and organizations with enrolled members, an
// account with every role and (on request) a registered reviewer key. Everything goes through
// the services' own calls: no HTTP.
#ifndef CANDOR_SERVER_APP_SERVICE_TESTING_H_
#define CANDOR_SERVER_APP_SERVICE_TESTING_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "crypto/keys.h"
#include "crypto/rng.h"
#include "domain/cable.h"
#include "domain/policy.h"
#include "server/app/service.h"
#include "store/test_database.h"

namespace candor::app::testing {

inline constexpr std::int64_t kNowMs = 1'790'000'000'000;  // 2026-09-21, a Monday
inline constexpr char kPassword[] = "a long enough password";
inline constexpr std::uint32_t kEveryRole =
    store::kRoleAdministrator | store::kRoleEnrollmentOfficer | store::kRoleReviewer;

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(db_,
                         store::storetest::CreateTestDatabase(store::storetest::Engine::kSqlite));
    ASSERT_OK_AND_ASSIGN(store_, db_->Open());
    ServiceConfig config;
    config.password_cost = crypto::PasswordCost::kInteractive;
    config.min_ring_size = 2;
    config.max_ring_size = 4;  // small buckets: rosters of a few members split into rings
    Configure(config);
    service_ =
        std::make_unique<Service>(*store_, clock_, rng_, crypto::GenerateSignKeyPair(rng_), config);
  }
  virtual void Configure(ServiceConfig&) {}

  // Creates `slug` (smallest ring: 2) with an "admin" account holding every role and `members`
  // enrolled members, then runs a batch, which logs the roster's epoch.
  void MakeOrganization(const std::string& slug, std::size_t members) {
    // Rings of two are enough here (the default of 20 would need rosters of 20).
    domain::OrganizationSettings settings;
    settings.min_ring_size = 2;
    ASSERT_TRUE(service_
                    ->CreateOrganization(slug, "The " + slug,
                                         domain::OrganizationSettingsToJsonText(settings), false)
                    .ok());
    ASSERT_TRUE(service_->staff().CreateAccount(slug, "admin", kPassword, kEveryRole).ok());
    const Principal admin = SignIn(slug, "admin");
    for (std::size_t i = 0; i < members; ++i) Enroll(slug, admin);
    ASSERT_TRUE(service_->PublishBatch().ok());
  }

  void Enroll(const std::string& slug, const Principal& officer) {
    auto code = service_->staff().IssueInvitation(officer, slug, std::nullopt);
    ASSERT_TRUE(code.ok()) << code.error().message();
    crypto::MemberKeys keys = crypto::GenerateMemberKeys(rng_);
    auto enrolled = service_->Enroll(slug, code->first, keys.ring.public_key, keys.box.public_key);
    ASSERT_TRUE(enrolled.ok()) << enrolled.error().message();
    members_[slug].push_back(std::move(keys));
  }

  Principal SignIn(const std::string& slug, const std::string& username) {
    auto r = service_->staff().Login(slug, username, kPassword, std::nullopt);
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? r->principal : Principal{};
  }

  // Registers a fresh reviewer key for `who`, with the proof the server asks for.
  crypto::BoxKeyPair RegisterReviewerKey(const Principal& who) {
    crypto::BoxKeyPair key = crypto::GenerateBoxKeyPair(rng_);
    auto challenge = service_->staff().ReviewerKeyChallengeFor(who, who.organization_slug);
    EXPECT_TRUE(challenge.ok());
    auto proof = crypto::ProveBoxKeyPossession(
        domain::ReviewerKeyProofContext(who.organization_slug,
                                        static_cast<std::uint64_t>(challenge->account_id)),
        key, challenge->server_public);
    EXPECT_TRUE(proof.ok());
    Status s = service_->staff().SetReviewerKey(who, who.organization_slug, key.public_key, *proof);
    EXPECT_TRUE(s.ok()) << s.error().message();
    return key;
  }

  // The log's entries, decoded, in order.
  std::vector<domain::LogEvent> LoggedEvents() {
    std::vector<domain::LogEvent> out;
    auto head = service_->log().LatestTreeHead();
    if (!head.ok() || !*head) return out;
    for (std::uint64_t begin = 0; begin < (*head)->head.size; begin += 1000) {
      auto records = service_->log().LogEntries(
          begin, std::min<std::uint64_t>((*head)->head.size, begin + 1000));
      EXPECT_TRUE(records.ok());
      for (const auto& r : *records) out.push_back(*domain::DecodeLogEntry(r.entry));
    }
    return out;
  }

  crypto::SeededRng rng_{7};
  ManualClock clock_{kNowMs};
  std::unique_ptr<store::storetest::TestDatabase> db_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Service> service_;
  std::map<std::string, std::vector<crypto::MemberKeys>> members_;
};

}  // namespace candor::app::testing

#endif  // CANDOR_SERVER_APP_SERVICE_TESTING_H_
