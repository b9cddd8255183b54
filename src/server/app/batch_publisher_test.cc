#include "server/app/batch_publisher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "crypto/keys.h"
#include "domain/cosignature.h"

namespace candor::app {
namespace {

TEST(BatchSchedule, DelaysStayWithinTheJitterAndSpreadAcrossIt) {
  BatchSchedule s{std::chrono::milliseconds(600'000), 0.5};
  ASSERT_TRUE(ValidateBatchSchedule(s).ok());
  crypto::SeededRng rng(1);
  std::int64_t lo = INT64_MAX, hi = 0;
  double sum = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto d = NextBatchDelay(s, rng).count();
    EXPECT_GE(d, 300'000);
    EXPECT_LE(d, 900'000);
    lo = std::min<std::int64_t>(lo, d);
    hi = std::max<std::int64_t>(hi, d);
    sum += static_cast<double>(d);
  }
  EXPECT_LT(lo, 320'000);  // the whole range is used…
  EXPECT_GT(hi, 880'000);
  EXPECT_NEAR(sum / 2000, 600'000, 20'000);  // …around the interval
  BatchSchedule fixed{std::chrono::milliseconds(5000), 0.0};
  EXPECT_EQ(NextBatchDelay(fixed, rng).count(), 5000);
  EXPECT_FALSE(ValidateBatchSchedule({std::chrono::milliseconds(999), 0.1}).ok());
  EXPECT_FALSE(ValidateBatchSchedule({std::chrono::milliseconds(1000), 1.0}).ok());
  EXPECT_FALSE(ValidateBatchSchedule({std::chrono::milliseconds(1000), -0.1}).ok());
}

TEST(BatchPublisher, PublishesWaitingSignaturesOnItsOwnAndStopsPromptly) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("candor-batch-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto st = store::OpenSqliteStore((dir / "candor.db").string());
    ASSERT_TRUE(st.ok());
    ManualClock clock(1'790'000'000'000);
    crypto::SeededRng rng(2), key_rng(3), member_rng(4);
    ServiceConfig cfg;
    cfg.password_cost = crypto::PasswordCost::kInteractive;
    Service service(**st, clock, rng, crypto::GenerateSignKeyPair(key_rng), cfg);
    ASSERT_TRUE(service.CreateOrganization("state", "State", std::nullopt, false).ok());
    ASSERT_TRUE(service.staff()
                    .CreateAccount("state", "officer", "a long enough password",
                                   store::kRoleEnrollmentOfficer)
                    .ok());
    auto login = service.staff().Login("state", "officer", "a long enough password", std::nullopt);
    ASSERT_TRUE(login.ok());
    std::vector<crypto::MemberKeys> members;
    std::vector<crypto::Point> points;
    for (int i = 0; i < 20; ++i) {
      members.push_back(crypto::GenerateMemberKeys(member_rng));
      points.push_back(members.back().ring.public_key);
      auto inv = service.staff().IssueInvitation(login->principal, "state", std::nullopt);
      ASSERT_TRUE(inv.ok());
      ASSERT_TRUE(
          service.Enroll("state", inv->first, points.back(), members.back().box.public_key).ok());
    }
    domain::Letter letter{"T", "B", {"state"}, std::nullopt, std::nullopt, std::nullopt};
    auto id = service.letters().PublishLetter(login->principal, letter);
    ASSERT_TRUE(id.ok()) << id.error().message();
    auto ring = *crypto::Ring::Create(points);
    for (int i = 0; i < 3; ++i) {
      auto sig =
          domain::SignLetter(*id, domain::SignatureAction::kSign, ring, static_cast<std::size_t>(i),
                             members[static_cast<std::size_t>(i)].ring.secret, member_rng);
      ASSERT_TRUE(service.letters().SubmitCoSignature("state", *sig).ok());
    }
    std::atomic<std::size_t> published{0};
    crypto::SeededRng jitter_rng(5);
    BatchPublisher publisher(service, {std::chrono::milliseconds(1000), 0.2}, jitter_rng,
                             [&](const Result<std::size_t>& r) {
                               if (r.ok()) published += *r;
                             });
    publisher.Start();
    for (int i = 0; i < 50 && published.load() < 3; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto stop_started = std::chrono::steady_clock::now();
    publisher.Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::milliseconds(900));
    EXPECT_EQ(published.load(), 3u);
    auto view = service.letters().GetLetter(*id);
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->total, 3u);
    EXPECT_EQ(view->batches, 1u);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace candor::app
