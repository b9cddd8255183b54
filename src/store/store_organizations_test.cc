// OrganizationTables and SettingTables (sql_organizations.cc), on both engines.
#include <gtest/gtest.h>

#include "store/store_testing.h"

namespace candor::store {
namespace {

using storetest::Account;
using storetest::Bytes;
using storetest::Engine;
using storetest::Org;
using storetest::StoreTest;

TEST_P(StoreTest, OrganizationsRoundTrip) {
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  OrganizationRecord state = Org("state");
  state.demo = true;
  ASSERT_OK_AND_ASSIGN(std::int64_t state_id, tx->InsertOrganization(state));
  ASSERT_OK_AND_ASSIGN(std::int64_t usaid_id, tx->InsertOrganization(Org("usaid")));
  EXPECT_GT(state_id, 0);
  EXPECT_NE(state_id, usaid_id);
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto found, rx->FindOrganization(state_id));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, state_id);
  EXPECT_EQ(found->slug, "state");
  EXPECT_EQ(found->name, "Department of state");
  EXPECT_EQ(found->policy_json, state.policy_json);
  EXPECT_TRUE(found->demo);
  ASSERT_OK_AND_ASSIGN(auto by_slug, rx->FindOrganizationBySlug("usaid"));
  ASSERT_TRUE(by_slug.has_value());
  EXPECT_EQ(by_slug->id, usaid_id);
  EXPECT_FALSE(by_slug->demo);
  ASSERT_OK_AND_ASSIGN(auto missing, rx->FindOrganizationBySlug("nasa"));
  EXPECT_FALSE(missing.has_value());
  ASSERT_OK_AND_ASSIGN(auto missing_id, rx->FindOrganization(usaid_id + 100));
  EXPECT_FALSE(missing_id.has_value());
  ASSERT_OK_AND_ASSIGN(auto all, rx->ListOrganizations());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].slug, "state");
  EXPECT_EQ(all[1].slug, "usaid");
  ASSERT_OK(rx->Commit());

  ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(wx->UpdateOrganizationPolicy(state_id, R"({"preset":"eu-directive"})"));
  ASSERT_OK(wx->Commit());
  ASSERT_OK_AND_ASSIGN(auto rx2, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto updated, rx2->FindOrganization(state_id));
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(updated->policy_json, R"({"preset":"eu-directive"})");
}

TEST_P(StoreTest, UpdatingAMissingOrganizationIsNotFound) {
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  EXPECT_CODE(tx->UpdateOrganizationPolicy(12345, "{}"), ErrorCode::kNotFound);
}

TEST_P(StoreTest, DuplicateSlugIsAlreadyExistsAndChangesNothing) {
  ASSERT_NE(MakeOrg("state"), 0);
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(tx->InsertOrganization(Org("usaid")));
  auto dup = tx->InsertOrganization(Org("state"));
  EXPECT_CODE(dup, ErrorCode::kAlreadyExists);
  // The failed call ended the transaction; the earlier insert is gone with it.
  EXPECT_CODE(tx->ListOrganizations(), ErrorCode::kFailedPrecondition);
  EXPECT_CODE(tx->Commit(), ErrorCode::kFailedPrecondition);

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto all, rx->ListOrganizations());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].slug, "state");
}

// --- Holidays ---

TEST_P(StoreTest, HolidaysAreReplacedWholeAndSeparatedByOrganization) {
  const std::int64_t a = MakeOrg("a");
  const std::int64_t b = MakeOrg("b");
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(tx->ReplaceHolidays(
      a, {{a, "2026-12-24", "Christmas Eve"}, {0, "2026-01-02", "Bridge day"}}));
  ASSERT_OK(tx->ReplaceHolidays(b, {{b, "2026-05-01", "Labour Day"}}));
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto ha, rx->ListHolidays(a));
  ASSERT_EQ(ha.size(), 2u);
  EXPECT_EQ(ha[0].date, "2026-01-02");  // ordered by date
  EXPECT_EQ(ha[0].name, "Bridge day");
  EXPECT_EQ(ha[0].organization_id, a);
  EXPECT_EQ(ha[1].date, "2026-12-24");
  ASSERT_OK_AND_ASSIGN(auto hb, rx->ListHolidays(b));
  ASSERT_EQ(hb.size(), 1u);
  EXPECT_EQ(hb[0].name, "Labour Day");
  ASSERT_OK(rx->Commit());

  ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(wx->ReplaceHolidays(a, {{a, "2027-01-01", "New Year"}}));
  ASSERT_OK(wx->Commit());
  ASSERT_OK_AND_ASSIGN(auto rx2, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto ha2, rx2->ListHolidays(a));
  ASSERT_EQ(ha2.size(), 1u);
  EXPECT_EQ(ha2[0].name, "New Year");
  ASSERT_OK_AND_ASSIGN(auto hb2, rx2->ListHolidays(b));
  EXPECT_EQ(hb2.size(), 1u);  // the other organization's calendar is untouched
}

TEST_P(StoreTest, HolidaysRefuseAnotherOrganizationsRecordsAndMissingOrganizations) {
  const std::int64_t a = MakeOrg("a");
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_CODE(tx->ReplaceHolidays(a, {{a + 1, "2026-01-01", "x"}}), ErrorCode::kInvalidArgument);
  }
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  EXPECT_CODE(tx->ReplaceHolidays(a + 1, {}), ErrorCode::kNotFound);
}

// --- Accounts ---

TEST_P(StoreTest, SettingsRoundTrip) {
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK_AND_ASSIGN(auto none, tx->GetSetting("demo"));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK(tx->PutSetting("demo", "on"));
  ASSERT_OK(tx->PutSetting("empty", ""));
  ASSERT_OK(tx->PutSetting("demo", "off"));
  ASSERT_OK(tx->Commit());
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto demo, rx->GetSetting("demo"));
  EXPECT_EQ(demo, std::optional<std::string>("off"));
  ASSERT_OK_AND_ASSIGN(auto empty, rx->GetSetting("empty"));
  EXPECT_EQ(empty, std::optional<std::string>(""));  // empty is not absent
}

// --- Transactions ---

}  // namespace
}  // namespace candor::store
