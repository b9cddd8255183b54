#include "domain/policy.h"

#include <gtest/gtest.h>

#include <string>

namespace candor::domain {
namespace {

Date D(std::string_view text) {
  auto d = ParseDate(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : Date{};
}

bool MessageHas(const Status& s, std::string_view needle) {
  return !s.ok() && s.error().message().find(needle) != std::string::npos;
}
template <typename T>
bool MessageHas(const Result<T>& r, std::string_view needle) {
  return !r.ok() && r.error().message().find(needle) != std::string::npos;
}

const WorkingCalendar& Federal() {
  static const WorkingCalendar* cal = new WorkingCalendar({}, true);
  return *cal;
}

TEST(PolicyTest, PresetsAreValid) {
  EXPECT_TRUE(ValidateDeadlinePolicy(DissentChannelPolicy()).ok());
  EXPECT_TRUE(ValidateDeadlinePolicy(EuWhistleblowingPolicy()).ok());
  const DeadlinePolicy dc = DissentChannelPolicy();
  EXPECT_EQ(dc.name, "dissent-channel");
  EXPECT_EQ(dc.acknowledge, (Period{2, PeriodUnit::kWorkingDays}));
  EXPECT_EQ(dc.answer, (Period{30, PeriodUnit::kWorkingDays}));
  EXPECT_EQ(dc.extended_answer, (Period{60, PeriodUnit::kWorkingDays}));
  const DeadlinePolicy eu = EuWhistleblowingPolicy();
  EXPECT_EQ(eu.name, "eu-whistleblowing");
  EXPECT_EQ(eu.acknowledge, (Period{7, PeriodUnit::kCalendarDays}));
  EXPECT_EQ(eu.answer, (Period{3, PeriodUnit::kCalendarMonths}));
  EXPECT_FALSE(eu.extended_answer.has_value());
  EXPECT_EQ(*DeadlinePolicyPreset("dissent-channel"), dc);
  EXPECT_EQ(*DeadlinePolicyPreset("eu-whistleblowing"), eu);
  auto none = DeadlinePolicyPreset("whatever");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(MessageHas(none, "dissent-channel"));
  EXPECT_EQ(OrganizationSettings{}.policy, dc);
}

TEST(PolicyTest, UnitNames) {
  for (PeriodUnit u :
       {PeriodUnit::kWorkingDays, PeriodUnit::kCalendarDays, PeriodUnit::kCalendarMonths}) {
    EXPECT_EQ(*ParsePeriodUnit(PeriodUnitName(u)), u);
  }
  EXPECT_EQ(PeriodUnitName(PeriodUnit::kWorkingDays), "working-days");
  EXPECT_FALSE(ParsePeriodUnit("days").ok());
  EXPECT_FALSE(ParsePeriodUnit("Working-Days").ok());
  EXPECT_FALSE(ParsePeriodUnit("").ok());
}

TEST(PolicyTest, ValidateRejectsBadPolicies) {
  auto with = [](auto&& change) {
    DeadlinePolicy p = DissentChannelPolicy();
    change(p);
    return ValidateDeadlinePolicy(p);
  };
  EXPECT_TRUE(MessageHas(with([](DeadlinePolicy& p) { p.name = ""; }), "name"));
  EXPECT_TRUE(MessageHas(with([](DeadlinePolicy& p) { p.name = "   "; }), "name"));
  EXPECT_TRUE(MessageHas(with([](DeadlinePolicy& p) { p.name = std::string(65, 'a'); }), "64"));
  EXPECT_TRUE(MessageHas(with([](DeadlinePolicy& p) { p.name = "a\nb"; }), "control"));
  EXPECT_TRUE(MessageHas(with([](DeadlinePolicy& p) { p.name = "caf\xe9"; }), "UTF-8"));
  EXPECT_TRUE(with([](DeadlinePolicy& p) { p.name = "Politique de l'\xc3\xa9quipe"; }).ok());
  EXPECT_TRUE(MessageHas(with([](DeadlinePolicy& p) { p.acknowledge.amount = 0; }), "at least 1"));
  EXPECT_TRUE(MessageHas(with([](DeadlinePolicy& p) { p.acknowledge.amount = -3; }), "at least 1"));
  EXPECT_TRUE(MessageHas(with([](DeadlinePolicy& p) { p.answer.amount = 262; }), "at most 261"));
  EXPECT_TRUE(MessageHas(with([](DeadlinePolicy& p) {
                           p.acknowledge = Period{1, PeriodUnit::kCalendarMonths};
                         }),
                         "days"));
  EXPECT_TRUE(MessageHas(with([](DeadlinePolicy& p) { p.acknowledge.amount = 30; }), "shorter"));
  EXPECT_TRUE(
      MessageHas(with([](DeadlinePolicy& p) { p.extended_answer->amount = 30; }), "longer"));
  EXPECT_TRUE(MessageHas(with([](DeadlinePolicy& p) {
                           p.extended_answer = Period{3, PeriodUnit::kCalendarMonths};
                         }),
                         "unit"));
  EXPECT_TRUE(MessageHas(with([](DeadlinePolicy& p) {
                           p.answer = Period{13, PeriodUnit::kCalendarMonths};
                           p.extended_answer.reset();
                         }),
                         "at most 12"));
  EXPECT_TRUE(MessageHas(with([](DeadlinePolicy& p) {
                           p.acknowledge = Period{367, PeriodUnit::kCalendarDays};
                         }),
                         "at most 366"));
  // Different units are not compared: 10 calendar days to acknowledge, 5 working days to answer
  // is the organization's choice to make.
  EXPECT_TRUE(with([](DeadlinePolicy& p) {
                p.acknowledge = Period{10, PeriodUnit::kCalendarDays};
                p.answer = Period{5, PeriodUnit::kWorkingDays};
                p.extended_answer.reset();
              }).ok());
}

TEST(PolicyTest, JsonRoundTrip) {
  for (const DeadlinePolicy& p : {DissentChannelPolicy(), EuWhistleblowingPolicy()}) {
    Json j = DeadlinePolicyToJson(p);
    auto back = DeadlinePolicyFromJson(j);
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_EQ(*back, p);
  }
  EXPECT_EQ(DeadlinePolicyToJson(DissentChannelPolicy()).dump(),
            R"({"acknowledge":{"amount":2,"unit":"working-days"},)"
            R"("answer":{"amount":30,"unit":"working-days"},)"
            R"("extended_answer":{"amount":60,"unit":"working-days"},"name":"dissent-channel"})");
  EXPECT_EQ(DeadlinePolicyToJson(EuWhistleblowingPolicy()).dump(),
            R"({"acknowledge":{"amount":7,"unit":"calendar-days"},)"
            R"("answer":{"amount":3,"unit":"calendar-months"},)"
            R"("extended_answer":null,"name":"eu-whistleblowing"})");
}

TEST(PolicyTest, JsonIsStrict) {
  const Json good = DeadlinePolicyToJson(DissentChannelPolicy());
  auto fails_with = [](const Json& j, std::string_view needle) {
    auto r = DeadlinePolicyFromJson(j);
    if (r.ok()) return ::testing::AssertionFailure() << j.dump() << " was accepted";
    if (r.error().code() != ErrorCode::kInvalidArgument) {
      return ::testing::AssertionFailure() << "wrong code for " << j.dump();
    }
    if (r.error().message().find(needle) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "'" << r.error().message() << "' lacks '" << needle << "'";
    }
    return ::testing::AssertionSuccess();
  };
  for (const char* field : {"name", "acknowledge", "answer", "extended_answer"}) {
    Json j = good;
    j.erase(field);
    EXPECT_TRUE(fails_with(j, std::string("policy lacks the field '") + field + "'"));
  }
  Json extra = good;
  extra["grace"] = 1;
  EXPECT_TRUE(fails_with(extra, "unknown field 'grace'"));
  Json extra_inner = good;
  extra_inner["answer"]["days"] = 1;
  EXPECT_TRUE(fails_with(extra_inner, "unknown field 'days' in policy.answer"));
  Json j;
  j = good;
  j["acknowledge"]["amount"] = -2;
  EXPECT_TRUE(fails_with(j, "policy.acknowledge.amount must not be negative"));
  j = good;
  j["acknowledge"]["amount"] = 0;
  EXPECT_TRUE(fails_with(j, "policy.acknowledge.amount must be between 1 and 261"));
  j = good;
  j["answer"]["amount"] = 100000;
  EXPECT_TRUE(fails_with(j, "policy.answer.amount must be between 1 and 261"));
  j = good;
  j["answer"]["amount"] = 18446744073709551615ULL;
  EXPECT_TRUE(fails_with(j, "policy.answer.amount must be between"));
  j = good;
  j["answer"]["amount"] = -9223372036854775807LL - 1;
  EXPECT_TRUE(fails_with(j, "must not be negative"));
  j = good;
  j["answer"]["amount"] = 30.0;
  EXPECT_TRUE(fails_with(j, "policy.answer.amount must be a whole number"));
  j = good;
  j["answer"]["amount"] = "30";
  EXPECT_TRUE(fails_with(j, "whole number"));
  j = good;
  j["answer"]["amount"] = true;
  EXPECT_TRUE(fails_with(j, "whole number"));
  j = good;
  j["answer"]["unit"] = "weeks";
  EXPECT_TRUE(fails_with(j, "policy.answer.unit"));
  j = good;
  j["answer"]["unit"] = 3;
  EXPECT_TRUE(fails_with(j, "'unit' in policy.answer must be a string"));
  j = good;
  j["name"] = 7;
  EXPECT_TRUE(fails_with(j, "'name' in policy must be a string"));
  j = good;
  j["extended_answer"] = false;
  EXPECT_TRUE(fails_with(j, "policy.extended_answer must be a JSON object"));
  j = good;
  j["answer"] = Json::array({30, "working-days"});
  EXPECT_TRUE(fails_with(j, "policy.answer must be a JSON object"));
  j = good;
  j["extended_answer"]["amount"] = 20;  // shorter than the answer: caught by validation
  EXPECT_TRUE(fails_with(j, "policy: the extended answer period must be longer"));
  EXPECT_TRUE(fails_with(Json::array(), "policy must be a JSON object"));
  EXPECT_TRUE(fails_with(Json("dissent-channel"), "must be a JSON object"));
}

TEST(DeadlinesTest, DissentChannelCountsWorkingDaysFromTheNextDay) {
  const DeadlinePolicy dc = DissentChannelPolicy();
  WorkingCalendar weekends;
  // Monday 2026-03-02: acknowledge by Wednesday; 30 working days = six weeks later.
  EXPECT_EQ(ComputeDeadlines(dc, weekends, D("2026-03-02")),
            (CableDeadlines{D("2026-03-04"), D("2026-04-13")}));
  // Friday: the weekend does not count; Saturday submission behaves like Friday's.
  EXPECT_EQ(ComputeDeadlines(dc, weekends, D("2026-03-06")).acknowledge_by, D("2026-03-10"));
  EXPECT_EQ(ComputeDeadlines(dc, weekends, D("2026-03-07")).acknowledge_by, D("2026-03-10"));
  EXPECT_EQ(ComputeDeadlines(dc, weekends, D("2026-03-08")).acknowledge_by, D("2026-03-10"));
}

TEST(DeadlinesTest, DissentChannelWithUsFederalHolidays) {
  const DeadlinePolicy dc = DissentChannelPolicy();
  // Wednesday before Thanksgiving 2026: Thu 26 is off; Fri 27 is day 1, Mon 30 day 2.
  EXPECT_EQ(ComputeDeadlines(dc, Federal(), D("2026-11-25")).acknowledge_by, D("2026-11-30"));
  // Thursday 2026-07-02: Fri Jul 3 (observed Independence Day) is off.
  EXPECT_EQ(ComputeDeadlines(dc, Federal(), D("2026-07-02")).acknowledge_by, D("2026-07-07"));
  // 30 working days from 2026-12-01 (Tue): December has Christmas (Fri 25) and Jan 1 (Fri) and
  // MLK Day (Mon Jan 18, 2027) is in range too.
  const Date submitted = D("2026-12-01");
  const CableDeadlines d = ComputeDeadlines(dc, Federal(), submitted);
  EXPECT_EQ(Federal().WorkingDaysBetween(submitted, d.answer_by), 30);
  EXPECT_TRUE(Federal().IsWorkingDay(d.answer_by));
  EXPECT_EQ(d.answer_by, D("2027-01-14"));
  auto extended = ExtendedAnswerDeadline(dc, Federal(), submitted, "Needs legal review");
  ASSERT_TRUE(extended.ok()) << extended.error().message();
  EXPECT_EQ(Federal().WorkingDaysBetween(submitted, *extended), 60);
  EXPECT_EQ(*extended, D("2027-03-01"));  // Presidents' Day (Feb 15, 2027) skipped too
}

TEST(DeadlinesTest, EuWhistleblowingCountsCalendarDaysAndMonths) {
  const DeadlinePolicy eu = EuWhistleblowingPolicy();
  // Calendar days are not moved off weekends or holidays (the stricter reading).
  EXPECT_EQ(ComputeDeadlines(eu, Federal(), D("2026-03-02")),
            (CableDeadlines{D("2026-03-09"), D("2026-06-02")}));
  EXPECT_EQ(ComputeDeadlines(eu, Federal(), D("2026-06-26")).acknowledge_by, D("2026-07-03"));
  // Months clamp to the end of a shorter month.
  EXPECT_EQ(ComputeDeadlines(eu, WorkingCalendar(), D("2025-11-30")).answer_by, D("2026-02-28"));
  EXPECT_EQ(ComputeDeadlines(eu, WorkingCalendar(), D("2023-11-30")).answer_by, D("2024-02-29"));
  EXPECT_EQ(ComputeDeadlines(eu, WorkingCalendar(), D("2026-12-31")).answer_by, D("2027-03-31"));
  auto no = ExtendedAnswerDeadline(eu, Federal(), D("2026-03-02"), "please");
  ASSERT_FALSE(no.ok());
  EXPECT_EQ(no.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(MessageHas(no, "allows no extension"));
}

TEST(DeadlinesTest, ExtensionNeedsAReason) {
  const DeadlinePolicy dc = DissentChannelPolicy();
  for (std::string_view blank :
       {std::string_view(""), std::string_view("   "), std::string_view("\t\n \r")}) {
    auto r = ExtendedAnswerDeadline(dc, WorkingCalendar(), D("2026-03-02"), blank);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_TRUE(MessageHas(r, "reason"));
  }
  EXPECT_FALSE(ExtendedAnswerDeadline(dc, WorkingCalendar(), D("2026-03-02"),
                                      std::string(kMaxExtensionReasonBytes + 1, 'x'))
                   .ok());
  EXPECT_FALSE(ExtendedAnswerDeadline(dc, WorkingCalendar(), D("2026-03-02"), "bad \xff").ok());
  auto ok = ExtendedAnswerDeadline(dc, WorkingCalendar(), D("2026-03-02"),
                                   std::string(kMaxExtensionReasonBytes, 'x'));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, D("2026-05-25"));  // 60 weekdays after Monday 2026-03-02
}

TEST(DeadlinesTest, CustomPoliciesUseTheirUnits) {
  DeadlinePolicy p{"custom", Period{3, PeriodUnit::kCalendarDays},
                   Period{2, PeriodUnit::kCalendarMonths}, Period{4, PeriodUnit::kCalendarMonths}};
  ASSERT_TRUE(ValidateDeadlinePolicy(p).ok());
  EXPECT_EQ(ComputeDeadlines(p, Federal(), D("2026-01-31")),
            (CableDeadlines{D("2026-02-03"), D("2026-03-31")}));
  EXPECT_EQ(*ExtendedAnswerDeadline(p, Federal(), D("2026-01-31"), "complex case"),
            D("2026-05-31"));
  EXPECT_EQ(AddPeriod(Federal(), D("2026-01-31"), Period{0, PeriodUnit::kWorkingDays}),
            D("2026-01-31"));
}

TEST(SettingsTest, DefaultsAndJsonRoundTrip) {
  OrganizationSettings s;
  EXPECT_EQ(s.min_ring_size, 20);
  EXPECT_TRUE(s.use_us_federal_holidays);
  EXPECT_TRUE(ValidateOrganizationSettings(s).ok());
  const std::string text = OrganizationSettingsToJsonText(s);
  EXPECT_EQ(text,
            R"({"min_ring_size":20,"policy":{"acknowledge":{"amount":2,"unit":"working-days"},)"
            R"("answer":{"amount":30,"unit":"working-days"},)"
            R"("extended_answer":{"amount":60,"unit":"working-days"},)"
            R"("name":"dissent-channel"},"use_us_federal_holidays":true})");
  EXPECT_EQ(*OrganizationSettingsFromJsonText(text), s);
  EXPECT_EQ(*OrganizationSettingsFromCanonicalJsonText(text), s);

  OrganizationSettings eu{EuWhistleblowingPolicy(), 50, false};
  eu.policy.name = "R\xc3\xa8gles \"UE\"";  // non-ASCII and a quote survive
  auto back = OrganizationSettingsFromCanonicalJsonText(OrganizationSettingsToJsonText(eu));
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, eu);
}

TEST(SettingsTest, JsonIsStrict) {
  const Json good = OrganizationSettingsToJson(OrganizationSettings{});
  for (const char* field : {"policy", "min_ring_size", "use_us_federal_holidays"}) {
    Json j = good;
    j.erase(field);
    EXPECT_FALSE(OrganizationSettingsFromJson(j).ok()) << field;
  }
  Json j = good;
  j["theme"] = "dark";
  EXPECT_TRUE(MessageHas(OrganizationSettingsFromJson(j), "unknown field 'theme'"));
  j = good;
  j["min_ring_size"] = 1;
  EXPECT_TRUE(MessageHas(OrganizationSettingsFromJson(j), "settings.min_ring_size"));
  j = good;
  j["min_ring_size"] = -20;
  EXPECT_TRUE(MessageHas(OrganizationSettingsFromJson(j), "negative"));
  j = good;
  j["min_ring_size"] = 1'000'001;
  EXPECT_TRUE(MessageHas(OrganizationSettingsFromJson(j), "between 2 and 1000000"));
  j = good;
  j["min_ring_size"] = 20.5;
  EXPECT_TRUE(MessageHas(OrganizationSettingsFromJson(j), "whole number"));
  j = good;
  j["use_us_federal_holidays"] = 1;
  EXPECT_TRUE(MessageHas(OrganizationSettingsFromJson(j), "true or false"));
  j = good;
  j["policy"]["answer"]["unit"] = "fortnights";
  EXPECT_TRUE(MessageHas(OrganizationSettingsFromJson(j), "policy.answer.unit"));
  EXPECT_FALSE(OrganizationSettingsFromJson(Json(nullptr)).ok());
  OrganizationSettings bad;
  bad.min_ring_size = 1;
  EXPECT_FALSE(ValidateOrganizationSettings(bad).ok());
  bad = OrganizationSettings{};
  bad.policy.answer.amount = 0;
  EXPECT_FALSE(ValidateOrganizationSettings(bad).ok());
}

TEST(SettingsTest, TextParsingAndCanonicalForm) {
  const std::string canonical = OrganizationSettingsToJsonText(OrganizationSettings{});
  for (const char* text : {"", "{", "not json", "[1,2]", "null", "{\"policy\":}"}) {
    EXPECT_FALSE(OrganizationSettingsFromJsonText(text).ok()) << text;
  }
  auto truncated = OrganizationSettingsFromJsonText(canonical.substr(0, canonical.size() - 1));
  EXPECT_TRUE(MessageHas(truncated, "not valid JSON"));
  // Same content, other spelling: accepted as settings, refused as canonical text.
  const std::string spaced = OrganizationSettingsToJson(OrganizationSettings{}).dump(2);
  EXPECT_TRUE(OrganizationSettingsFromJsonText(spaced).ok());
  EXPECT_TRUE(MessageHas(OrganizationSettingsFromCanonicalJsonText(spaced), "canonical"));
  // A duplicate key is refused by the strict reader (issue 13), canonical or not.
  const std::string dup = "{\"min_ring_size\":5," + canonical.substr(1);
  EXPECT_TRUE(MessageHas(OrganizationSettingsFromJsonText(dup), "not valid JSON"));
  EXPECT_FALSE(OrganizationSettingsFromCanonicalJsonText(dup).ok());
  // Escaped characters that need no escape are not canonical.
  std::string escaped = canonical;
  escaped.replace(escaped.find("dissent"), 1, "\\u0064");
  EXPECT_TRUE(OrganizationSettingsFromJsonText(escaped).ok());
  EXPECT_FALSE(OrganizationSettingsFromCanonicalJsonText(escaped).ok());
  EXPECT_FALSE(OrganizationSettingsFromCanonicalJsonText(canonical + " ").ok());
  EXPECT_FALSE(OrganizationSettingsFromJsonText(canonical + "x").ok());
}

TEST(SettingsTest, TheTimeZoneIsOptionalAndWrittenOnlyWhenNotUtc) {
  OrganizationSettings s;
  EXPECT_EQ(s.time_zone, "UTC");
  const std::string old_text = OrganizationSettingsToJsonText(s);
  EXPECT_EQ(old_text.find("time_zone"),
            std::string::npos);  // settings logged before it keep their text
  s.time_zone = "Europe/Brussels";
  const std::string text = OrganizationSettingsToJsonText(s);
  EXPECT_NE(text.find(R"("time_zone":"Europe/Brussels")"), std::string::npos) << text;
  auto back = OrganizationSettingsFromCanonicalJsonText(text);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, s);
  auto j = OrganizationSettingsToJson(s);
  j["time_zone"] = "UTC";  // accepted, but not canonical (UTC is written by omission)
  EXPECT_TRUE(OrganizationSettingsFromJson(j).ok());
  EXPECT_FALSE(OrganizationSettingsFromCanonicalJsonText(j.dump()).ok());
  for (const char* bad : {"", "../etc/passwd", "Europe//Paris", "Europe/", "Europe/Pa ris",
                          "Europe/Paris\n", "Etc/./UTC"}) {
    j["time_zone"] = bad;
    EXPECT_TRUE(MessageHas(OrganizationSettingsFromJson(j), "IANA time zone name")) << bad;
  }
  j["time_zone"] = 1;
  EXPECT_TRUE(MessageHas(OrganizationSettingsFromJson(j), "settings.time_zone must be a string"));
  // The form alone is checked here: whether a zone exists depends on a tz database (the
  // server's TimeZone::Locate), so a log stays readable wherever it is audited.
  EXPECT_TRUE(ValidateTimeZoneName("America/Argentina/Buenos_Aires").ok());
  EXPECT_TRUE(ValidateTimeZoneName("Etc/GMT+5").ok());
  EXPECT_TRUE(ValidateTimeZoneName("Mars/Olympus_Mons").ok());
  EXPECT_FALSE(ValidateTimeZoneName(std::string(65, 'a')).ok());
}

TEST(SettingsTest, ChannelsAreOptionalStrictAndCanonical) {
  OrganizationSettings s;
  const std::string old_text = OrganizationSettingsToJsonText(s);
  EXPECT_EQ(old_text.find("channels"), std::string::npos);
  s.channels = {CableChannel{"conduct", "Conduct of senior staff", {3, 7}},
                CableChannel{"policy", "Policy dissent", {2}}};
  const std::string text = OrganizationSettingsToJsonText(s);
  EXPECT_NE(
      text.find(
          R"("channels":[{"id":"conduct","name":"Conduct of senior staff","reviewers":[3,7]},{"id":"policy","name":"Policy dissent","reviewers":[2]}])"),
      std::string::npos)
      << text;
  auto back = OrganizationSettingsFromCanonicalJsonText(text);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, s);
  ASSERT_NE(back->FindChannel("policy"), nullptr);
  EXPECT_EQ(back->FindChannel("policy")->name, "Policy dissent");
  EXPECT_EQ(back->FindChannel("nope"), nullptr);

  auto refused = [&](auto edit, const char* expected) {
    auto j = OrganizationSettingsToJson(s);
    edit(j);
    EXPECT_TRUE(MessageHas(OrganizationSettingsFromJson(j), expected)) << j.dump();
  };
  refused([](Json& j) { j["channels"] = Json::array(); }, "non-empty array");
  refused([](Json& j) { j["channels"][1]["id"] = "conduct"; }, "two channels have the id");
  refused([](Json& j) { j["channels"][0]["id"] = "Conduct"; }, "channel's id");
  refused([](Json& j) { j["channels"][0]["id"] = ""; }, "channel's id");
  refused([](Json& j) { j["channels"][0]["name"] = ""; }, "name of channel 'conduct'");
  refused([](Json& j) { j["channels"][0]["name"] = "a\nb"; }, "name of channel 'conduct'");
  refused([](Json& j) { j["channels"][0]["reviewers"] = Json::array(); }, "1 to 256 reviewers");
  refused([](Json& j) { j["channels"][0]["reviewers"] = {7, 3}; }, "increasing order");
  refused([](Json& j) { j["channels"][0]["reviewers"] = {3, 3}; }, "increasing order");
  refused([](Json& j) { j["channels"][0]["reviewers"] = {0}; }, "increasing order");
  refused([](Json& j) { j["channels"][0]["reviewers"] = {-1}; }, "whole numbers");
  refused([](Json& j) { j["channels"][0]["reviewers"] = {1.5}; }, "whole numbers");
  refused([](Json& j) { j["channels"][0]["extra"] = 1; }, "unknown field 'extra'");
  refused([](Json& j) { j["channels"][0].erase("name"); }, "name");
  refused([](Json& j) { j["channels"] = "conduct"; }, "non-empty array");
  Json many = Json::array();
  for (int i = 0; i <= 32; ++i) {
    many.push_back({{"id", "c" + std::to_string(i)}, {"name", "C"}, {"reviewers", {1}}});
  }
  refused([&](Json& j) { j["channels"] = many; }, "at most 32 channels");
}

TEST(OrganizationTest, Slugs) {
  for (const std::string& ok :
       {std::string("state"), std::string("a"), std::string("dept-of-state"), std::string("x1"),
        std::string("0"), std::string(63, 'a')}) {
    EXPECT_TRUE(ValidateOrganizationSlug(ok).ok()) << ok;
  }
  for (std::string bad :
       {std::string(""), std::string(64, 'a'), std::string("State"), std::string("-state"),
        std::string("state-"), std::string("st ate"), std::string("st_ate"),
        std::string("\xc3\xa9tat"), std::string("a/b"), std::string("a\0b", 3)}) {
    auto s = ValidateOrganizationSlug(bad);
    EXPECT_FALSE(s.ok()) << bad;
    if (!s.ok()) {
      EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(OrganizationTest, Names) {
  EXPECT_TRUE(ValidateOrganizationName("Department of State").ok());
  EXPECT_TRUE(ValidateOrganizationName("Minist\xc3\xa8re de l'\xc3\x89"
                                       "conomie")
                  .ok());
  EXPECT_FALSE(ValidateOrganizationName("").ok());
  EXPECT_FALSE(ValidateOrganizationName("  ").ok());
  EXPECT_FALSE(ValidateOrganizationName(std::string(201, 'n')).ok());
  EXPECT_TRUE(ValidateOrganizationName(std::string(200, 'n')).ok());
  EXPECT_FALSE(ValidateOrganizationName("line\nbreak").ok());
  EXPECT_FALSE(ValidateOrganizationName("bad \xc0\xaf").ok());
}

TEST(Utf8Test, WellFormedness) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9"));          // é
  EXPECT_TRUE(IsValidUtf8("\xe2\x82\xac"));      // €
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));  // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  EXPECT_TRUE(IsValidUtf8("\xed\x9f\xbf"));      // U+D7FF
  EXPECT_FALSE(IsValidUtf8("\xc3"));             // truncated
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xf0\x80\x80\xaf"));  // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc3\x28"));  // bad continuation
}

}  // namespace
}  // namespace candor::domain
