// The fixture of the cable tests (cables_test.cc, notify_test.cc): an organization's cables
// written, sealed, submitted and read over HTTP as the clients do it.
#ifndef CANDOR_TESTS_INTEGRATION_CABLE_FIXTURE_H_
#define CANDOR_TESTS_INTEGRATION_CABLE_FIXTURE_H_

#include <optional>
#include <string>
#include <variant>

#include "cli/cable_client.h"
#include "cli/trusted_log.h"
#include "domain/calendar.h"
#include "server_fixture.h"

namespace candor::it {

using domain::CableAction;

// Friday 2026-11-20, noon UTC: Thanksgiving (Thu 26), Christmas (Fri 25 Dec) and New Year's Day
// (Fri 1 Jan) lie within the 30 working days that follow.
inline std::int64_t MsOf(int y, int m, int d, int hour = 12) {
  return domain::DaysFromCivil(domain::Date{y, m, d}) * 86'400'000 + hour * 3'600'000LL;
}

class CableTest : public ServerTest {
 protected:
  // A connection to the test's database that bypasses the store, to look at or damage rows.
  std::unique_ptr<store::SqlConnection> RawConnection() {
    if (GetParam() == "sqlite")
      return std::move(*store::OpenSqliteConnection((dir_ / "candor.db").string()));
    return std::move(*pg_->Connect());
  }

  // Everything a client fetches before writing, over HTTP.
  cli::CableInputs Inputs(const std::string& slug) {
    cli::CableInputs in;
    in.organization = slug;
    const domain::OrgState state = State(slug);
    EXPECT_FALSE(state.epoch_versions.empty());
    in.roster_version = state.epoch_versions.empty() ? 0 : state.epoch_versions.front();
    in.roster = *state.roster.members(in.roster_version);
    for (const auto& r : state.reviewers) in.reviewers.push_back(r.box_public);
    Json quota = JsonOf(Call("GET", "/api/v1/orgs/" + slug + "/cable-quota"));
    in.quota_window = quota["window"];
    in.quota_slots = quota["slots"];
    for (const auto& u : quota["used"]) {
      in.used_tags.emplace_back(u["slot"].get<std::int64_t>(),
                                *crypto::FixedFromHex<crypto::Point>(u["tag"].get<std::string>()));
    }
    in.min_ring = 20;
    return in;
  }

  cli::SealedCable Seal(const std::string& slug, std::size_t member, const std::string& subject,
                        const std::string& body, std::optional<std::string> name = std::nullopt) {
    cli::CableDraft d;
    d.subject = subject;
    d.body = body;
    d.author_name = std::move(name);
    d.attachments.push_back(
        {"evidence.txt", "text/plain", crypto::Bytes{'S', 'E', 'C', 'R', 'E', 'T'}});
    auto sealed = cli::SealCable(d, Inputs(slug), orgs_[slug].members[member], rng_client_);
    EXPECT_TRUE(sealed.ok()) << sealed.error().message();
    return std::move(*sealed);
  }

  cli::HttpReply Submit(const Json& request) {
    return Call("POST", "/api/v1/cables", request.dump());
  }

  Json ReviewerView(const std::string& slug, const std::string& id,
                    const std::string& who = "reviewer") {
    Session s = Login(slug, who);
    auto r =
        Call("POST", "/api/v1/orgs/" + slug + "/cables/view", Json{{"id", id}}.dump(), s.Headers());
    EXPECT_EQ(r.status, 200) << r.body;
    return JsonOf(r);
  }

  // An administrator replaces the organization's settings.
  cli::HttpReply PutSettings(const std::string& slug, const domain::OrganizationSettings& settings,
                             const Session& admin) {
    return Call("PUT", "/api/v1/orgs/" + slug + "/settings",
                domain::OrganizationSettingsToJsonText(settings), admin.Headers());
  }

  cli::HttpReply Message(const std::string& slug, const std::string& id, CableAction action,
                         const std::string& text, const cli::OpenedCable& opened) {
    Session s = Login(slug, "reviewer");
    auto body = cli::SealMessage(*crypto::FixedFromHex<domain::CableId>(id), action, text, opened,
                                 Inputs(slug).reviewers, rng_client_);
    if (!body.ok()) return cli::HttpReply{};  // refused by the client: status 0
    return Call("POST", "/api/v1/orgs/" + slug + "/cables/messages", body->dump(), s.Headers());
  }

  cli::HttpReply Ack(const std::string& slug, const std::string& id,
                     const std::string& who = "reviewer") {
    Session s = Login(slug, who);
    return Call("POST", "/api/v1/orgs/" + slug + "/cables/acknowledge", Json{{"id", id}}.dump(),
                s.Headers());
  }

  Json AuthorStatus(const std::string& receipt) {
    auto access = cli::AccessFromReceipt(receipt);
    EXPECT_TRUE(access.ok());
    auto r = Call(
        "POST", "/api/v1/cables/status",
        Json{{"id", crypto::ToHex(access->id)}, {"access", crypto::ToHex(access->access)}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return JsonOf(r);
  }

  // The cable-event log entry at `event`'s log_index, fetched from the public log and decoded;
  // nullopt (with a test failure) when it is not there or not a cable event.
  std::optional<domain::CableLogEvent> LoggedCableEvent(const Json& event) {
    const std::string at = std::to_string(event["log_index"].get<int>());
    const std::string next = std::to_string(event["log_index"].get<int>() + 1);
    auto entries = JsonOf(Call("GET", "/api/v1/log/entries?start=" + at + "&end=" + next));
    auto decoded =
        domain::DecodeLogEntry(*crypto::FromHex(entries["entries"][0]["entry"].get<std::string>()));
    if (!decoded.ok() || !std::holds_alternative<domain::CableLogEvent>(*decoded)) {
      ADD_FAILURE() << "no cable event at log index " << at;
      return std::nullopt;
    }
    return std::get<domain::CableLogEvent>(*decoded);
  }

  std::size_t InboxSize(const std::string& slug, bool overdue = false) {
    Session s = Login(slug, "reviewer");
    auto r = Call("GET", "/api/v1/orgs/" + slug + "/cables" + (overdue ? "?overdue=1" : ""), "",
                  s.Headers());
    EXPECT_EQ(r.status, 200) << r.body;
    return JsonOf(r)["cables"].size();
  }

  crypto::SeededRng rng_client_{99};
};

}  // namespace candor::it

#endif  // CANDOR_TESTS_INTEGRATION_CABLE_FIXTURE_H_
