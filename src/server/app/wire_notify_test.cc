#include "server/app/wire_notify.h"

#include <gtest/gtest.h>

namespace candor::app::api {
namespace {

TEST(WireNotify, EachReaderReadsBackItsWriter) {
  NotifySettingsView v{true, 7, "https://hooks.example.org/x", true, false};
  auto settings = NotifySettingsFromJson(Json::parse(NotifySettingsToJson(v).dump()));
  ASSERT_TRUE(settings.ok()) << settings.error().message();
  EXPECT_EQ(NotifySettingsToJson(*settings), NotifySettingsToJson(v));

  NotifySettingsChange c{true, 23, std::nullopt, true};
  auto change = NotifySettingsChangeFromJson(NotifySettingsChangeToJson(c));
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->new_webhook_secret);
  EXPECT_FALSE(change->webhook_url.has_value());

  auto none = NotifyAddressFromJson(NotifyAddressToJson(std::nullopt));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto some = NotifyAddressFromJson(NotifyAddressToJson(NotifyAddressView{"r@example.org", "AB"}));
  ASSERT_TRUE(some.ok());
  EXPECT_EQ((*some)->openpgp_fingerprint, "AB");

  DeliveryView d;
  d.record = {4, 1, 0, "webhook", 20'413, "pending", 1, 99, "HTTP 500"};
  d.recipient = "webhook";
  auto list = DeliveriesFromJson(DeliveriesToJson({d}));
  ASSERT_TRUE(list.ok()) << list.error().message();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].record.day, 20'413);
  EXPECT_EQ(DeliveriesToJson(*list), DeliveriesToJson({d}));
}

TEST(WireNotify, WhatIsNotExactlyTheFormatIsRefused) {
  EXPECT_FALSE(NotifySettingsChangeFromJson(Json{{"enabled", true}, {"digest_hour", -1}}).ok());
  EXPECT_FALSE(NotifySettingsChangeFromJson(Json{{"enabled", true}, {"digest_hour", 24}}).ok());
  EXPECT_FALSE(NotifySettingsChangeFromJson(Json{{"enabled", 1}, {"digest_hour", 8}}).ok());
  EXPECT_FALSE(
      NotifySettingsChangeFromJson(Json{{"enabled", true}, {"digest_hour", 8}, {"x", 1}}).ok());
  EXPECT_FALSE(NotifySettingsChangeFromJson(Json::array()).ok());
  EXPECT_FALSE(NotifyAddressFromJson(Json::object()).ok());
  EXPECT_FALSE(NotifyAddressFromJson(Json{{"address", {{"email", 3}}}}).ok());
  DeliveryView d;
  d.record = {4, 1, 0, "webhook", 20'413, "pending", 1, 99, std::nullopt};
  Json j = DeliveriesToJson({d});
  j["deliveries"][0]["state"] = "lost";
  EXPECT_FALSE(DeliveriesFromJson(j).ok());
  j["deliveries"][0]["state"] = "sent";
  j["deliveries"][0]["channel"] = "pigeon";
  EXPECT_FALSE(DeliveriesFromJson(j).ok());
  j["deliveries"][0]["channel"] = "email";
  j["deliveries"][0]["day"] = "2026-02-30";
  EXPECT_FALSE(DeliveriesFromJson(j).ok());
  EXPECT_FALSE(DeliveriesFromJson(Json{{"deliveries", 1}}).ok());
}

}  // namespace
}  // namespace candor::app::api
