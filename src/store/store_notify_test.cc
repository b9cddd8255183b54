// NotifyTables (sql_notify.cc), on both engines.
#include <gtest/gtest.h>

#include "store/store_testing.h"

namespace candor::store {
namespace {

using storetest::StoreTest;

TEST_P(StoreTest, NotifySettingsAddressesAndDeliveriesRoundTrip) {
  const std::int64_t org = MakeOrg("state");
  const std::int64_t other = MakeOrg("usaid");
  const std::int64_t alice = MakeAccount(org, "alice");
  const std::int64_t bob = MakeAccount(org, "bob");
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK_AND_ASSIGN(auto none, tx->FindNotifySettings(org));
    EXPECT_FALSE(none.has_value());
    NotifySettingsRecord s{org, true, 7, "https://hooks.example.org/x", Blob{1, 2, 3}};
    ASSERT_OK(tx->PutNotifySettings(s));
    ASSERT_OK(tx->PutNotifySettings({other, false, 9, std::nullopt, std::nullopt}));
    s.digest_hour = 8;  // a second put replaces
    ASSERT_OK(tx->PutNotifySettings(s));
    ASSERT_OK(tx->PutNotifyAddress({alice, org, "alice@example.org", "KEY", "FPR"}));
    ASSERT_OK(tx->PutNotifyAddress({bob, org, "bob@example.org", std::nullopt, std::nullopt}));
    ASSERT_OK(tx->PutNotifyAddress({bob, org, "robert@example.org", std::nullopt, std::nullopt}));
    DeliveryRecord d{0, org, alice, "email", 20'000, "pending", 0, 5, std::nullopt};
    ASSERT_OK_AND_ASSIGN(bool first, tx->InsertDelivery(d));
    EXPECT_TRUE(first);
    ASSERT_OK_AND_ASSIGN(bool again, tx->InsertDelivery(d));
    EXPECT_FALSE(again);  // one per (organization, account, channel, day)
    d.account_id = 0;
    d.channel = "webhook";
    d.next_attempt_ms = 50;
    ASSERT_OK_AND_ASSIGN(bool hook, tx->InsertDelivery(d));
    EXPECT_TRUE(hook);
    d.day = 19'990;
    d.next_attempt_ms = 1;
    ASSERT_OK_AND_ASSIGN(bool old, tx->InsertDelivery(d));
    EXPECT_TRUE(old);
    ASSERT_OK(tx->Commit());
  }
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK_AND_ASSIGN(auto s, tx->FindNotifySettings(org));
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->enabled);
  EXPECT_EQ(s->digest_hour, 8);
  EXPECT_EQ(s->webhook_url, "https://hooks.example.org/x");
  EXPECT_EQ(s->webhook_secret, (Blob{1, 2, 3}));
  ASSERT_OK_AND_ASSIGN(auto enabled, tx->ListEnabledNotifySettings());
  ASSERT_EQ(enabled.size(), 1u);
  EXPECT_EQ(enabled[0].organization_id, org);
  ASSERT_OK_AND_ASSIGN(auto addresses, tx->ListNotifyAddresses(org));
  ASSERT_EQ(addresses.size(), 2u);
  EXPECT_EQ(addresses[0].openpgp_fingerprint, "FPR");
  EXPECT_EQ(addresses[1].email, "robert@example.org");
  EXPECT_FALSE(addresses[1].openpgp_key.has_value());
  ASSERT_OK(tx->DeleteNotifyAddress(bob));
  ASSERT_OK_AND_ASSIGN(auto gone, tx->FindNotifyAddress(bob));
  EXPECT_FALSE(gone.has_value());
  ASSERT_OK_AND_ASSIGN(auto due, tx->ListDueDeliveries(10));
  ASSERT_EQ(due.size(), 2u);  // the mail (5) and the old webhook (1), not the webhook at 50
  EXPECT_EQ(due[0].channel, "email");
  DeliveryRecord failed = due[0];
  failed.state = "pending";
  failed.attempts = 1;
  failed.next_attempt_ms = 100;
  failed.last_error = "the mail server did not take the message";
  ASSERT_OK(tx->UpdateDelivery(failed));
  ASSERT_OK_AND_ASSIGN(auto later, tx->ListDueDeliveries(60));
  ASSERT_EQ(later.size(), 2u);  // the old webhook and the new one
  ASSERT_OK_AND_ASSIGN(auto listed, tx->ListDeliveries(org, 10));
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[2].id, failed.id);  // newest first
  EXPECT_EQ(listed[2].attempts, 1);
  EXPECT_EQ(listed[2].last_error, failed.last_error);
  ASSERT_OK(tx->DeleteDeliveriesBefore(20'000));
  ASSERT_OK_AND_ASSIGN(auto kept, tx->ListDeliveries(org, 10));
  EXPECT_EQ(kept.size(), 2u);
  // A state the schema does not know is refused by the engine.
  failed.state = "lost";
  EXPECT_FALSE(tx->UpdateDelivery(failed).ok());
}

}  // namespace
}  // namespace candor::store
