// `candor serve --demo` set-up (demo_setup.h): from nothing, from a set-up killed half-way
// (issue 12: the half-built demo was never repaired), and again on a whole demo.
#include "cli/demo_setup.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "cli/io.h"
#include "crypto/keyfile.h"
#include "crypto/keys.h"
#include "crypto/rng.h"
#include "server/app/clock.h"
#include "store/store.h"

namespace candor::cli {
namespace {

namespace fs = std::filesystem;

class DemoSetupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("candor-demo-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = std::move(*store::OpenStore("sqlite:" + (dir_ / "candor.db").string()));
    crypto::SeededRng key_rng(5);
    app::ServiceConfig cfg;
    cfg.password_cost = crypto::PasswordCost::kInteractive;
    service_ = std::make_unique<app::Service>(*store_, clock_, rng_,
                                              crypto::GenerateSignKeyPair(key_rng), cfg);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  std::size_t RosterSize() { return service_->GetRoster(kDemoSlug, std::nullopt)->members.size(); }
  std::int64_t RosterVersion() { return service_->GetRoster(kDemoSlug, std::nullopt)->version; }
  std::size_t DemoLetters() {
    std::size_t n = 0;
    auto letters = service_->letters().PublishedLetters();
    EXPECT_TRUE(letters.ok());
    if (!letters.ok()) return n;
    for (const auto& l : letters.value()) n += l.title.rfind("DEMO:", 0) == 0 ? 1 : 0;
    return n;
  }

  fs::path dir_;
  app::ManualClock clock_{1'790'000'000'000};
  crypto::SeededRng rng_{6};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<app::Service> service_;
};

TEST_F(DemoSetupTest, AHalfBuiltDemoIsCompletedAndAWholeOneLeftAsItIs) {
  // What a set-up killed after its seventh member left: the organization, the administrator,
  // seven enrolled members with their key files, an eighth key file whose member never joined.
  ASSERT_TRUE(
      service_->CreateOrganization(kDemoSlug, "Demo Agency (DEMO DATA)", std::nullopt, true).ok());
  ASSERT_TRUE(service_->staff()
                  .CreateAccount(kDemoSlug, "admin", kDemoPassword,
                                 store::kRoleAdministrator | store::kRoleEnrollmentOfficer |
                                     store::kRoleReviewer)
                  .ok());
  auto admin = service_->staff().Login(kDemoSlug, "admin", kDemoPassword, std::nullopt);
  ASSERT_TRUE(admin.ok());
  fs::create_directories(dir_ / "demo-members");
  crypto::SeededRng member_rng(7);
  std::set<std::string> early;
  for (int i = 1; i <= 8; ++i) {
    auto keys = crypto::GenerateMemberKeys(member_rng);
    auto file =
        crypto::SealKeyFile(keys, kDemoKeyPassphrase, crypto::KdfParams::Interactive(), member_rng);
    ASSERT_TRUE(WriteFileAtomic(
                    (dir_ / "demo-members" / ("member-0" + std::to_string(i) + ".key")).string(),
                    *file, true, 0600)
                    .ok());
    early.insert(crypto::ToHex(keys.ring.public_key));
    if (i == 8) break;  // killed here: the file is written, the member not enrolled
    auto invitation = service_->staff().IssueInvitation(admin->principal, kDemoSlug, std::nullopt);
    ASSERT_TRUE(
        service_->Enroll(kDemoSlug, invitation->first, keys.ring.public_key, keys.box.public_key)
            .ok());
  }
  ASSERT_EQ(RosterSize(), 7u);
  ASSERT_EQ(DemoLetters(), 0u);

  // The next start completes it, keeping the members and key files already made.
  ASSERT_TRUE(EnsureDemo(*service_, dir_.string()).ok());
  EXPECT_EQ(RosterSize(), static_cast<std::size_t>(kDemoMembers));
  EXPECT_EQ(DemoLetters(), 1u);
  std::set<std::string> on_roster;
  auto roster = service_->GetRoster(kDemoSlug, std::nullopt);
  ASSERT_TRUE(roster.ok());
  for (const auto& m : roster.value().members) on_roster.insert(crypto::ToHex(m.ring_public));
  for (const auto& k : early) EXPECT_TRUE(on_roster.contains(k)) << k;  // the eighth joined too
  std::size_t files = 0;
  for (const auto& f : fs::directory_iterator(dir_ / "demo-members")) {
    auto keys = crypto::OpenKeyFile(*ReadFileBytes(f.path().string()), kDemoKeyPassphrase);
    ASSERT_TRUE(keys.ok());
    EXPECT_TRUE(on_roster.contains(crypto::ToHex(keys->ring.public_key))) << f.path();
    ++files;
  }
  EXPECT_EQ(files, static_cast<std::size_t>(kDemoMembers));
  EXPECT_TRUE(fs::exists(dir_ / "demo-reviewer.key"));

  // A whole demo: nothing changes.
  const std::int64_t version = RosterVersion();
  ASSERT_TRUE(EnsureDemo(*service_, dir_.string()).ok());
  EXPECT_EQ(RosterVersion(), version);
  EXPECT_EQ(DemoLetters(), 1u);
}

TEST_F(DemoSetupTest, FromNothing) {
  ASSERT_TRUE(EnsureDemo(*service_, dir_.string()).ok());
  EXPECT_EQ(RosterSize(), static_cast<std::size_t>(kDemoMembers));
  EXPECT_EQ(DemoLetters(), 1u);
}

}  // namespace
}  // namespace candor::cli
