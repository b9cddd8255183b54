// candor cable … — dissent cables from the command line.
//
//   Authors:   write (named or anonymous; prints the receipt once), status (with the receipt:
//              deadlines, decrypted replies, and each event checked against the log).
//   Reviewers: register-key, inbox, read, ack, recuse, grant, reply, note, extend, close,
//   reminders.
//
// Every cable is encrypted and signed here, on the author's machine (cli/cable_client.h);
// reviewers decrypt here with the X25519 key of their key file. The server only relays
// ciphertext.
#include <fmt/core.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

#include "cli/cable_client.h"
#include "cli/commands.h"
#include "cli/http_client.h"
#include "cli/io.h"
#include "cli/log_check.h"
#include "cli/trusted_log.h"
#include "crypto/envelope.h"
#include "crypto/keyfile.h"
#include "crypto/lrs.h"
#include "crypto/ristretto.h"
#include "crypto/transcript.h"
#include "domain/log_entry.h"
#include "domain/strict_json.h"
#include "server/app/wire_cables.h"
#include "server/app/wire_notify.h"
#include "server/app/wire_staff.h"

namespace candor::cli {
namespace {

using Json = nlohmann::json;

// What a client fetches before writing, with the client's own minimum ring size: the ring and
// the reviewers from the organization's logged state at a trusted tree head (security review
// H4, M2), the quota from the server.
Result<CableInputs> FetchInputs(const ServerUrl& server, const std::string& org,
                                const std::string& ca, std::size_t min_ring,
                                const domain::OrgState& state) {
  CableInputs in;
  in.organization = org;
  in.min_ring = min_ring;
  if (state.epoch_versions.empty()) {
    return Error(ErrorCode::kFailedPrecondition,
                 "the roster of '" + org +
                     "' for cables is fixed at the server's next batch (every few minutes); "
                     "try again after it. Nothing was sent");
  }
  in.roster_version = state.epoch_versions.front();
  CANDOR_ASSIGN_OR_RETURN(in.roster, state.roster.members(in.roster_version));
  for (const auto& r : state.reviewers) in.reviewers.push_back(r.box_public);
  CANDOR_ASSIGN_OR_RETURN(Json quota, GetJson(server, "/api/v1/orgs/" + org + "/cable-quota", ca));
  constexpr std::uint64_t kMaxSlots = 1024;  // a hostile count must not keep us computing tags
  auto q = app::api::QuotaFromJson(quota, kMaxSlots);
  if (!q.ok()) return BadReply("a quota that does not parse: " + q.error().message());
  in.quota_window = q->window;
  in.quota_slots = q->slots;
  in.used_tags = std::move(q->used);
  return in;
}

// A cable view from a server's answer, read with the API's codec (app::api::CableViewFromJson).
Result<app::CableView> ViewOf(const Json& j) {
  auto v = app::api::CableViewFromJson(j);
  if (!v.ok()) return BadReply("a cable that does not parse: " + v.error().message());
  return v;
}

// The receipt words in three rows of four, numbered ("   1 legal      2 winner …"), as a
// person copies them onto paper. ParseCableReceipt reads them back with or without the numbers.
std::string NumberedWords(std::string_view words) {
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < words.size();) {
    std::size_t j = words.find(' ', i);
    if (j == std::string_view::npos) j = words.size();
    ++n;
    out += fmt::format("{:>4} {:<9}", n, words.substr(i, j - i));
    if (n % 4 == 0) {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out += '\n';
    }
    i = j + 1;
  }
  return out;
}

std::string Deadlines(const app::CableView& v) {
  const domain::CableClock& d = v.clock;
  auto unit = [](const std::string& u) { return u == "working-days" ? "working days" : "days"; };
  std::string out = fmt::format("  Received on     {} (days in {})\n",
                                domain::FormatDate(v.received), v.time_zone);
  if (d.acknowledged) {
    out += "  Acknowledged    yes\n";
  } else {
    out += fmt::format("  Acknowledge by  {} ({} {} left{})\n",
                       domain::FormatDate(d.acknowledge_by), d.acknowledge_days_left,
                       unit(v.acknowledge_unit), d.acknowledge_overdue ? ", OVERDUE" : "");
  }
  if (d.closed) {
    out += "  Answered        yes (closed)\n";
  } else {
    out += fmt::format("  Answer by       {} ({} {} left{}{})\n", domain::FormatDate(d.answer_by),
                       d.answer_days_left, unit(v.answer_unit), d.extended ? ", extended" : "",
                       d.answer_overdue ? ", OVERDUE" : "");
  }
  return out;
}

// Checks that every logged event of the view is in the log — an inclusion proof against the
// trusted tree head `sth` — as a cable-event with the same cable, sequence number,
// action and digest; for messages, that the digest is that of the envelope shown. Returns how
// many events it checked.
Result<std::size_t> CheckEventsInLog(const ServerUrl& server, const app::CableView& v,
                                     const tlog::SignedTreeHead& sth, const std::string& ca) {
  std::size_t checked = 0;
  for (const auto& e : v.events) {
    if (!e.log_index) continue;
    CANDOR_ASSIGN_OR_RETURN(
        crypto::Bytes bytes,
        FetchIncludedEntry(server, static_cast<std::uint64_t>(*e.log_index), sth, ca));
    auto event = domain::DecodeLogEntry(bytes);
    if (!event.ok() || !std::holds_alternative<domain::CableLogEvent>(*event))
      return BadReply("a log entry of another kind");
    const auto& ce = std::get<domain::CableLogEvent>(*event);
    if (ce.cable != v.id || static_cast<std::int64_t>(ce.seq) != e.seq || ce.action != e.action ||
        ce.digest != e.digest) {
      return VerificationFailed(
          fmt::format("event {} of this cable differs from what the log holds", ce.seq));
    }
    if (ce.action == domain::CableAction::kGranted && e.grant &&  // none once purged
        domain::CableGrantDigest(v.id, *e.grant) != ce.digest) {
      return VerificationFailed(
          fmt::format("event {} gives the cable otherwise than the log recorded", ce.seq));
    }
    if (ce.action == domain::CableAction::kRecused &&
        (e.recipients.size() != 1 ||
         domain::CableRecusalDigest(v.id, e.recipients[0]) != ce.digest)) {
      return VerificationFailed(
          fmt::format("event {} names another reviewer than the log recorded", ce.seq));
    }
    if (e.envelope) {
      const auto header = domain::CableMessageHeaderBytes(v.id, ce.action, e.recipients);
      if (domain::CableMessageDigest(header, *e.envelope) != ce.digest) {
        return VerificationFailed(
            fmt::format("message {} is not the one the log recorded", ce.seq));
      }
    }
    ++checked;
  }
  return checked;
}

// --- author: write ---
// The quota slots this device spent, per key, organization and window (security review H1):
// the server lists a slot as used only once its cable is published, so a client that relied
// on the list could pick a slot it spent minutes ago, and the "slot used" refusal would tie
// the new attempt to the earlier cable. Kept in <state dir>/cable-slots.json, mode 0600, as
// {"entries":[{"id": H256(label, ring key, org, window) hex, "window": n, "slots": [..]}]};
// entries of past windows are dropped. What it tells someone holding the device and the key
// — which slots were spent — the key and the public list tell them anyway once published.
// NOLINTNEXTLINE(bugprone-exception-escape): nlohmann::json moves without throwing
class UsedSlots {
 public:
  static Result<UsedSlots> Load(const std::string& state_dir) {
    UsedSlots u;
    std::filesystem::create_directories(state_dir);
    u.path_ = state_dir + "/cable-slots.json";
    if (std::filesystem::exists(u.path_)) {
      CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(u.path_));
      u.state_ = domain::ParseStrictJsonOrDiscarded(text);
      if (u.state_.is_discarded() || !u.state_.is_object() || !u.state_.contains("entries") ||
          !u.state_["entries"].is_array()) {
        return Error(ErrorCode::kCorrupt,
                     "the file of spent cable slots '" + u.path_ + "' is damaged");
      }
    } else {
      u.state_ = Json{{"entries", Json::array()}};
    }
    return u;
  }

  static std::string Id(const crypto::Point& ring_public, std::string_view org,
                        std::uint64_t window) {
    const auto w = crypto::U64Le(window);
    return crypto::ToHex(
        crypto::H256("candor/v1/cli/spent-slots",
                     {ring_public.span(), crypto::AsBytes(org), crypto::ByteSpan(w)}));
  }

  std::vector<std::uint64_t> Slots(const std::string& id) const {
    std::vector<std::uint64_t> out;
    for (const auto& e : state_["entries"]) {
      if (e.value("id", "") != id) continue;
      for (const auto& s : e.value("slots", Json::array())) {
        if (s.is_number_unsigned()) out.push_back(s.get<std::uint64_t>());
      }
    }
    return out;
  }

  // Records `slot` as spent and writes the file (durably) before the cable is sent.
  Status Spend(const std::string& id, std::uint64_t window, std::uint64_t slot) {
    Json kept = Json::array();
    bool found = false;
    for (auto e : state_["entries"]) {
      if (!e.contains("window") || !e["window"].is_number_unsigned() ||
          e["window"].get<std::uint64_t>() < window) {
        continue;  // a past window: its slots are free again
      }
      if (e.value("id", "") == id) {
        e["slots"].push_back(slot);
        found = true;
      }
      kept.push_back(std::move(e));
    }
    if (!found)
      kept.push_back(Json{{"id", id}, {"window", window}, {"slots", Json::array({slot})}});
    state_["entries"] = std::move(kept);
    return WriteFileAtomic(path_, crypto::AsBytes(state_.dump() + "\n"), true, 0600);
  }

 private:
  std::string path_;
  Json state_;
};

// The files given with --attach, named by their last path component.
Result<std::vector<domain::CableAttachment>> ReadAttachments(
    const std::vector<std::string>& paths) {
  std::vector<domain::CableAttachment> out;
  out.reserve(paths.size());
  for (const auto& path : paths) {
    CANDOR_ASSIGN_OR_RETURN(crypto::Bytes data, ReadFileBytes(path));
    const auto slash = path.find_last_of('/');
    out.push_back(
        {slash == std::string::npos ? path : path.substr(slash + 1), "", std::move(data)});
  }
  return out;
}

struct WriteOptions {
  std::string server, org, key, subject, body_file, named, receipt_out, ca_file;
  LogTrust trust;
  std::vector<std::string> attach;
  PassphraseSource passphrase;
  std::size_t min_ring = domain::kDefaultMinRingSize;
  std::string scheme = "v2";
  std::string channel;
  std::vector<std::string> exclude;
};

// The organization's settings as its public page states them (for its channels: what the
// reviewers of each are is the server's word, and changes to it are logged; who will read a
// cable is then shown from the log).
Result<domain::OrganizationSettings> FetchSettings(const ServerUrl& server, const std::string& org,
                                                   const std::string& ca) {
  CANDOR_ASSIGN_OR_RETURN(Json j, GetJson(server, "/api/v1/orgs/" + org, ca));
  if (!j.is_object() || !j.contains("settings")) {
    return BadReply("the organization's page has no settings");
  }
  auto settings = domain::OrganizationSettingsFromJson(j["settings"]);
  if (!settings.ok()) return BadReply("settings that do not parse: " + settings.error().message());
  return settings;
}

Status RunWrite(const WriteOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
  CableDraft draft;
  draft.subject = o.subject;
  CANDOR_ASSIGN_OR_RETURN(draft.body, ReadFileText(o.body_file));
  CANDOR_ASSIGN_OR_RETURN(draft.attachments, ReadAttachments(o.attach));
  if (!o.named.empty()) draft.author_name = o.named;
  CANDOR_ASSIGN_OR_RETURN(crypto::MemberKeys keys, OpenKeyFileAt(o.key, o.passphrase));
  CANDOR_ASSIGN_OR_RETURN(TrustedHead head, FetchTrustedHead(server, o.trust, o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(domain::OrgState state, FetchOrgState(server, o.org, head, o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(CableInputs in, FetchInputs(server, o.org, o.ca_file, o.min_ring, state));
  CANDOR_ASSIGN_OR_RETURN(in.scheme, domain::ParseRingScheme("candor-lrs-" + o.scheme));
  CANDOR_ASSIGN_OR_RETURN(auto settings, FetchSettings(server, o.org, o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(auto readers, ChooseCableReaders(state, settings, o.channel, o.exclude));
  in.channel = o.channel;
  in.reviewers = KeysOf(readers);
  if (o.channel.empty() && !settings.channels.empty()) {
    std::string known;
    for (const auto& c : settings.channels) known += fmt::format("  {:<24} {}\n", c.id, c.name);
    Say("'{}' has channels, each with its own reviewers; --channel picks one:\n{}", o.org, known);
  }
  // Who will be able to read it, as the log says, before anything is sealed.
  Say("These reviewers of '{}' will be able to read your cable (as the log records them):\n{}",
      o.org, DescribeReviewers(readers));
  // Slots this device spent count as used, published or not (UsedSlots).
  CANDOR_ASSIGN_OR_RETURN(
      UsedSlots spent,
      UsedSlots::Load(o.trust.state_dir.empty() ? DefaultStateDir() : o.trust.state_dir));
  const std::string spent_id = UsedSlots::Id(keys.ring.public_key, o.org, in.quota_window);
  for (std::uint64_t slot : spent.Slots(spent_id)) {
    in.used_tags.emplace_back(
        static_cast<std::int64_t>(slot),
        crypto::SecretScalarMult(keys.ring.secret, crypto::LrsTagBase(domain::CableQuotaEvent(
                                                       o.org, in.quota_window, slot))));
  }
  CANDOR_ASSIGN_OR_RETURN(SealedCable sealed, SealCable(draft, in, keys, crypto::DefaultRng()));
  if (!o.receipt_out.empty()) {
    // Written before sending: if sending fails, nothing is lost but a file to delete.
    CANDOR_RETURN_IF_ERROR(
        WriteFileAtomic(o.receipt_out, crypto::AsBytes(sealed.receipt + "\n"), false, 0600));
  }
  // The slot counts as spent whatever the answer: sending its tag again would link the two.
  CANDOR_RETURN_IF_ERROR(
      spent.Spend(spent_id, in.quota_window, sealed.request["quota_slot"].get<std::uint64_t>()));
  CANDOR_ASSIGN_OR_RETURN(Json view, PostJson(server, "/api/v1/cables", sealed.request, o.ca_file));
  Say("Your cable was received and stored; it reaches the reviewers of '{}' with the next batch.\n",
      o.org);
  Say("{}\n", draft.author_name
                  ? "You signed it with your name: the reviewers will see who you are."
                  : fmt::format("It is anonymous: it proves only that one of {} members wrote it.",
                                sealed.ring_size));
  CANDOR_ASSIGN_OR_RETURN(app::CableView received, ViewOf(view));
  Say("{}", Deadlines(received));
  Say("\nYour receipt: these 12 words, in this order, are the only way to read the replies.\n"
      "Write them down and keep them secret and safe:\n\n{}\n",
      NumberedWords(sealed.receipt));
  Say("A lost receipt cannot be recovered: nobody, not even the reviewers, can give it back to "
      "you.\n");
  if (!o.receipt_out.empty())
    Say("It is also saved in {} (readable by you only).\n", o.receipt_out);
  return Status::Ok();
}

// --- author: status ---
struct StatusOptions {
  std::string server, receipt, receipt_file, ca_file;
  LogTrust trust;
};

// The receipt (given inline or in a file), and the author's view of its cable, checked to be
// the cable this receipt is for (its header's id and access hash).
struct AuthorCable {
  ReceiptAccess access;
  app::CableView cable;
};

Result<AuthorCable> FetchAuthorCable(const ServerUrl& server, const std::string& receipt,
                                     const std::string& receipt_file, const std::string& ca_file) {
  std::string text = receipt;
  if (!receipt_file.empty()) {
    CANDOR_ASSIGN_OR_RETURN(text, ReadFileText(receipt_file));
  }
  if (text.empty()) return InvalidArgument("give the receipt with --receipt or --receipt-file");
  CANDOR_ASSIGN_OR_RETURN(ReceiptAccess access, AccessFromReceipt(text));
  CANDOR_ASSIGN_OR_RETURN(Json view, PostJson(server, "/api/v1/cables/status",
                                              Json{{"id", crypto::ToHex(access.id)},
                                                   {"access", crypto::ToHex(access.access)}},
                                              ca_file));
  CANDOR_ASSIGN_OR_RETURN(app::CableView cable, ViewOf(view));
  if (cable.id != access.id ||
      !crypto::ConstantTimeEqual(cable.header.access_hash, crypto::AccessHash(access.access))) {
    return BadReply("it answered with a cable this receipt is not for");
  }
  return AuthorCable{std::move(access), std::move(cable)};
}

Status RunStatus(const StatusOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
  CANDOR_ASSIGN_OR_RETURN(AuthorCable mine,
                          FetchAuthorCable(server, o.receipt, o.receipt_file, o.ca_file));
  const ReceiptAccess& access = mine.access;
  const app::CableView& cable = mine.cable;
  Say("Cable {} — {}\n{}", crypto::ToHex(access.id).substr(0, 16), cable.state, Deadlines(cable));
  CANDOR_ASSIGN_OR_RETURN(TrustedHead head, FetchTrustedHead(server, o.trust, o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(std::size_t checked,
                          CheckEventsInLog(server, cable, head.sth, o.ca_file));
  Say("  In the log      {} event(s), each matching what you see, proven included under the\n"
      "                  tree head of {} entries signed by log key {}… ({})\n",
      checked, head.sth.head.size, crypto::ToHex(head.log_key).substr(0, 16),
      o.trust.log_key_hex.empty() ? "the key pinned on first use" : "the key you gave");
  CANDOR_ASSIGN_OR_RETURN(auto messages, OpenMessages(cable, access.reply, false));
  const bool replied = std::any_of(messages.begin(), messages.end(), [](const CableMessage& m) {
    return m.action != domain::CableAction::kFollowedUp;
  });
  if (!replied) Say("\nNo replies yet.\n");
  for (const auto& m : messages) {
    const char* what = m.action == domain::CableAction::kExtended ? "Deadline extended — reason"
                       : m.action == domain::CableAction::kClosed ? "Final answer"
                       : m.action == domain::CableAction::kFollowedUp ? "Your follow-up"
                                                                      : "Reply";
    const auto e = std::find_if(cable.events.begin(), cable.events.end(),
                                [&m](const app::CableEventView& ev) { return ev.seq == m.seq; });
    const bool waiting = e != cable.events.end() && !e->log_index;
    Say("\n{} ({}{}):\n{}\n", what, m.date,
        waiting ? ", reaches the reviewers with the next batch" : "", m.text);
    for (const auto& a : m.attachments) Say("[attachment: {} — {} bytes]\n", a.name, a.data.size());
  }
  return Status::Ok();
}

// --- author: follow-up ---
struct FollowUpOptions {
  std::string server, receipt, receipt_file, text_file, ca_file;
  std::vector<std::string> attach;
  LogTrust trust;
};

Status RunFollowUp(const FollowUpOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
  domain::CableFollowUp follow_up;
  CANDOR_ASSIGN_OR_RETURN(follow_up.body, ReadFileText(o.text_file));
  CANDOR_ASSIGN_OR_RETURN(follow_up.attachments, ReadAttachments(o.attach));
  CANDOR_ASSIGN_OR_RETURN(AuthorCable mine,
                          FetchAuthorCable(server, o.receipt, o.receipt_file, o.ca_file));
  const ReceiptAccess& access = mine.access;
  const app::CableView& cable = mine.cable;
  // Sealed to the reviewers the log records, never to a list the server merely answers.
  CANDOR_ASSIGN_OR_RETURN(TrustedHead head, FetchTrustedHead(server, o.trust, o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(domain::OrgState state,
                          FetchOrgState(server, cable.organization, head, o.ca_file));
  // Those who can read the cable now: its recipients the log still lists as reviewers.
  const std::vector<domain::LoggedReviewer> readers =
      CableReadersNow(cable.header, cable.events, state);
  if (readers.empty()) {
    return Error(ErrorCode::kFailedPrecondition,
                 "none of the reviewers who could read your cable is a reviewer any more; write a "
                 "new cable to reach the reviewers there are now. Nothing was sent");
  }
  Say("These reviewers of '{}' will be able to read your follow-up (as the log records them):\n{}",
      cable.organization, DescribeReviewers(readers));
  CANDOR_ASSIGN_OR_RETURN(Json body,
                          SealFollowUp(access.id, access.access, access.reply.public_key, follow_up,
                                       KeysOf(readers), crypto::DefaultRng()));
  CANDOR_ASSIGN_OR_RETURN(Json answer,
                          PostJson(server, "/api/v1/cables/follow-up", body, o.ca_file));
  (void)answer;
  Say("Your follow-up was received and stored; it reaches the reviewers with the next batch.\n"
      "It does not change the deadlines: they still run from the day the cable arrived.\n");
  return Status::Ok();
}

// --- reviewers ---
struct StaffOptions {
  std::string server, org, user, ca_file, password_file, totp;
};

struct StaffSession {
  ServerUrl server;
  HeaderList headers;
  std::string ca_file;
};

Result<StaffSession> SignIn(const StaffOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
  PassphraseSource source{o.password_file, "CANDOR_PASSWORD"};
  CANDOR_ASSIGN_OR_RETURN(Passphrase password,
                          ReadPassphrase(source, "Password of " + o.user, false));
  Json body{{"organization", o.org}, {"username", o.user}, {"password", password.str()}};
  if (!o.totp.empty()) body["totp"] = o.totp;
  std::string text = body.dump();
  WipeString(body["password"].get_ref<std::string&>());  // the copies this command made
  auto reply = HttpRequest(server, "POST", "/api/v1/session", text, o.ca_file,
                           {{"Content-Type", "application/json"}});
  WipeString(text);
  CANDOR_ASSIGN_OR_RETURN(HttpReply r, std::move(reply));
  if (r.status != 200)
    return Error(ErrorCode::kUnauthenticated, "could not sign in: wrong name, password or code");
  const std::string cookie = r.Header("Set-Cookie");
  if (cookie.empty()) return BadReply("no session cookie");
  Json j = domain::ParseStrictJsonOrDiscarded(r.body);
  auto session = app::api::SessionFromJson(j);
  if (j.is_discarded() || !session.ok()) {
    return BadReply("a session that does not parse: " +
                    (session.ok() ? std::string("not JSON") : session.error().message()));
  }
  return StaffSession{server,
                      {{"Cookie", cookie.substr(0, cookie.find(';'))},
                       {"X-CSRF-Token", session->csrf_token},
                       {"Content-Type", "application/json"}},
                      o.ca_file};
}

Result<Json> StaffCall(const StaffSession& s, const std::string& method, const std::string& target,
                       const Json& body = nullptr) {
  CANDOR_ASSIGN_OR_RETURN(HttpReply r,
                          HttpRequest(s.server, method, target, body.is_null() ? "" : body.dump(),
                                      s.ca_file, s.headers, kDefaultMaxReplyBytes));
  Json j = r.body.empty() ? Json::object() : domain::ParseStrictJsonOrDiscarded(r.body);
  if (r.status / 100 != 2) {
    const std::string message =
        j.is_object() && j.contains("error") ? j["error"].value("message", r.body) : r.body;
    return Error(r.status == 403   ? ErrorCode::kPermissionDenied
                 : r.status == 404 ? ErrorCode::kNotFound
                 : r.status == 409 ? ErrorCode::kFailedPrecondition
                                   : ErrorCode::kInvalidArgument,
                 message);
  }
  return j;
}

void AddStaffOptions(CLI::App* c, StaffOptions& o) {
  c->add_option("--server", o.server, "The Candor server")->required();
  c->add_option("--org", o.org, "Your organization")->required();
  c->add_option("--user", o.user, "Your account name")->required();
  c->add_option("--password-file", o.password_file,
                "Read your password from this file (else $CANDOR_PASSWORD, else asked)");
  c->add_option("--totp", o.totp, "Your second-factor code, if enabled");
  c->add_option("--ca-file", o.ca_file, "Trust this PEM certificate authority for HTTPS");
}

struct ReviewerOptions {
  StaffOptions staff;
  std::string id, key, text_file;
  std::string to;  // grant: the reviewer (username) to give the cable to
  PassphraseSource passphrase;
  LogTrust trust;
};

// The cable goes in the body, never in the URL (docs/API.md): `what` is view, acknowledge or
// messages.
std::string CablesPath(const ReviewerOptions& o, const char* what) {
  return "/api/v1/orgs/" + o.staff.org + "/cables/" + what;
}

Status RunRegisterKey(const ReviewerOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(crypto::MemberKeys keys, OpenKeyFileAt(o.key, o.passphrase));
  CANDOR_ASSIGN_OR_RETURN(StaffSession s, SignIn(o.staff));
  CANDOR_ASSIGN_OR_RETURN(
      Json challenge,
      StaffCall(s, "GET", "/api/v1/orgs/" + o.staff.org + "/reviewer-key/challenge"));
  CANDOR_ASSIGN_OR_RETURN(Json body, ReviewerKeyRegistration(o.staff.org, challenge, keys.box));
  CANDOR_RETURN_IF_ERROR(
      StaffCall(s, "PUT", "/api/v1/orgs/" + o.staff.org + "/reviewer-key", body));
  // Authors seal to the reviewers the log holds: check that it holds this key now.
  CANDOR_ASSIGN_OR_RETURN(TrustedHead head, FetchTrustedHead(s.server, o.trust, s.ca_file));
  CANDOR_ASSIGN_OR_RETURN(domain::OrgState state,
                          FetchOrgState(s.server, o.staff.org, head, s.ca_file));
  const auto logged =
      std::find_if(state.reviewers.begin(), state.reviewers.end(),
                   [&](const auto& r) { return r.box_public == keys.box.public_key; });
  if (logged == state.reviewers.end()) {
    return VerificationFailed(
        "the server accepted your key but the log does not list it among the reviewers");
  }
  Say("New cables to '{}' will be encrypted to your key as well; the log lists it (entry {}).\n"
      "Its fingerprint, which authors see next to your name: {}\n",
      o.staff.org, logged->log_index, domain::KeyFingerprint(keys.box.public_key));
  return Status::Ok();
}

Status RunInbox(const ReviewerOptions& o, bool overdue) {
  CANDOR_ASSIGN_OR_RETURN(StaffSession s, SignIn(o.staff));
  CANDOR_ASSIGN_OR_RETURN(Json list, StaffCall(s, "GET",
                                               "/api/v1/orgs/" + o.staff.org + "/cables" +
                                                   (overdue ? "?overdue=1" : "")));
  domain::FieldReader r(list, "the inbox", {"cables"});
  auto cables_or = r.Value("cables");
  if (!r.Shape().ok() || !cables_or.ok() || !(*cables_or)->is_array()) {
    return BadReply("an inbox that is not a list of cables");
  }
  const Json& cables = **cables_or;
  if (cables.empty()) Say("{}\n", overdue ? "No overdue cables." : "No cables.");
  for (const auto& j : cables) {
    CANDOR_ASSIGN_OR_RETURN(app::CableView c, ViewOf(j));
    Say("{}  {:<12} {:<9}{}\n{}", crypto::ToHex(c.id), c.state,
        domain::CableAuthorName(c.header.author), c.clock.overdue() ? "  OVERDUE" : "",
        Deadlines(c));
  }
  return Status::Ok();
}

// The reviewer's view of the cable, read once with the API's codec, opened and checked against
// the organization's logged state.
Result<std::tuple<app::CableView, OpenedCable, domain::OrgState>> ReadCable(
    const StaffSession& s, const ReviewerOptions& o, const crypto::MemberKeys& keys) {
  CANDOR_ASSIGN_OR_RETURN(Json reply,
                          StaffCall(s, "POST", CablesPath(o, "view"), Json{{"id", o.id}}));
  CANDOR_ASSIGN_OR_RETURN(app::CableView view, ViewOf(reply));
  CANDOR_ASSIGN_OR_RETURN(TrustedHead head, FetchTrustedHead(s.server, o.trust, s.ca_file));
  CANDOR_ASSIGN_OR_RETURN(domain::OrgState state,
                          FetchOrgState(s.server, o.staff.org, head, s.ca_file));
  CANDOR_ASSIGN_OR_RETURN(OpenedCable opened, OpenCable(view, keys.box, state));
  return std::make_tuple(std::move(view), std::move(opened), std::move(state));
}

Status RunRead(const ReviewerOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(crypto::MemberKeys keys, OpenKeyFileAt(o.key, o.passphrase));
  CANDOR_ASSIGN_OR_RETURN(StaffSession s, SignIn(o.staff));
  CANDOR_ASSIGN_OR_RETURN(auto read, ReadCable(s, o, keys));
  const auto& [view, opened, state] = read;
  Say("Subject: {}\n", opened.content.subject);
  if (opened.content.author) {
    Say("From:    {} (verified member of the roster)\n", opened.content.author->name);
  } else {
    Say("From:    an anonymous member of '{}' (one of {}; both ring signatures checked against "
        "roster\n"
        "         version {} as the log records it)\n",
        o.staff.org, opened.ring_size, opened.header.roster_version);
  }
  Say("{}\n{}\n", Deadlines(view), opened.content.body);
  for (const auto& a : opened.content.attachments) {
    Say("\n[attachment: {} — {} bytes]\n", a.name, a.data.size());
  }
  CANDOR_ASSIGN_OR_RETURN(auto messages, OpenMessages(view, keys.box, true));
  for (const auto& m : messages) {
    Say("\n-- {} ({}):\n{}\n", domain::CableActionName(m.action), m.date, m.text);
    for (const auto& a : m.attachments) Say("[attachment: {} — {} bytes]\n", a.name, a.data.size());
  }
  return Status::Ok();
}

// Gives the cable to a reviewer who joined later: the content key of each envelope this key
// opens is wrapped for them here; the server only stores the wraps (issue 15).
Status RunGrant(const ReviewerOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(crypto::MemberKeys keys, OpenKeyFileAt(o.key, o.passphrase));
  CANDOR_ASSIGN_OR_RETURN(StaffSession s, SignIn(o.staff));
  CANDOR_ASSIGN_OR_RETURN(auto read, ReadCable(s, o, keys));
  const auto& [view, opened, state] = read;
  CANDOR_ASSIGN_OR_RETURN(auto settings, FetchSettings(s.server, o.staff.org, s.ca_file));
  CANDOR_ASSIGN_OR_RETURN(auto eligible, ReviewersToGrant(view, state, settings));
  auto to = std::find_if(eligible.begin(), eligible.end(),
                         [&](const domain::LoggedReviewer& r) { return r.username == o.to; });
  if (to == eligible.end()) {
    std::string names;
    for (const auto& r : eligible) names += (names.empty() ? "" : ", ") + r.username;
    return InvalidArgument(
        "'" + o.to +
        "' cannot be given this cable: only a reviewer who became one after it was written (its "
        "author never saw them), who does not read it yet and is in its channel can be" +
        (names.empty() ? std::string(". Nobody can be now.") : ". Now: " + names + "."));
  }
  Say("Giving the cable to {} (key {}), as the log records them.\n", to->username,
      domain::KeyFingerprint(to->box_public));
  CANDOR_ASSIGN_OR_RETURN(Json body,
                          SealCableGrant(view, keys.box, to->box_public, crypto::DefaultRng()));
  CANDOR_RETURN_IF_ERROR(StaffCall(s, "POST", CablesPath(o, "grant"), body));
  Say("Done: {} can read the cable and its messages now, and later messages go to them too. "
      "The log records it.\n",
      to->username);
  return Status::Ok();
}

Status RunRecuse(const ReviewerOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(StaffSession s, SignIn(o.staff));
  CANDOR_RETURN_IF_ERROR(StaffCall(s, "POST", CablesPath(o, "recuse"), Json{{"id", o.id}}));
  Say("You withdrew from this cable: it leaves your inbox, and its messages are no longer sealed "
      "to you. The log records it.\n");
  return Status::Ok();
}

Status RunAck(const ReviewerOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(StaffSession s, SignIn(o.staff));
  CANDOR_RETURN_IF_ERROR(StaffCall(s, "POST", CablesPath(o, "acknowledge"), Json{{"id", o.id}}));
  Say("Acknowledged. The author can see it.\n");
  return Status::Ok();
}

Status RunMessage(const ReviewerOptions& o, domain::CableAction action) {
  CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(o.text_file));
  CANDOR_ASSIGN_OR_RETURN(crypto::MemberKeys keys, OpenKeyFileAt(o.key, o.passphrase));
  CANDOR_ASSIGN_OR_RETURN(StaffSession s, SignIn(o.staff));
  CANDOR_ASSIGN_OR_RETURN(auto read, ReadCable(s, o, keys));
  // Messages go to those who can read the cable now, as the log holds them, like cables.
  const auto& opened = std::get<1>(read);
  const std::vector<crypto::BoxPublicKey> readers =
      KeysOf(CableReadersNow(opened.header, std::get<0>(read).events, std::get<2>(read)));
  CANDOR_ASSIGN_OR_RETURN(auto id, crypto::FixedFromHex<domain::CableId>(o.id, "cable id"));
  CANDOR_ASSIGN_OR_RETURN(Json body,
                          SealMessage(id, action, text, opened, readers, crypto::DefaultRng()));
  CANDOR_RETURN_IF_ERROR(StaffCall(s, "POST", CablesPath(o, "messages"), body));
  Say("{}\n", action == domain::CableAction::kNoted
                  ? "Note saved (reviewers only)."
                  : "Sent: the author can read it with their receipt.");
  return Status::Ok();
}

Status RunReminders(const ReviewerOptions& o, bool mark) {
  CANDOR_ASSIGN_OR_RETURN(StaffSession s, SignIn(o.staff));
  CANDOR_ASSIGN_OR_RETURN(
      Json list,
      StaffCall(s, "GET", "/api/v1/orgs/" + o.staff.org + "/notifications?undelivered=1"));
  auto notifications = app::api::NotificationsFromJson(list);
  if (!notifications.ok())
    return BadReply("notifications that do not parse: " + notifications.error().message());
  std::int64_t last = 0;
  for (const auto& n : *notifications) {
    Say("{:<20} cable {}…  deadline {}\n", n.kind, app::api::Hex(n.cable_id).substr(0, 16),
        domain::FormatDate(domain::CivilFromDays(n.deadline_day)));
    last = std::max(last, n.id);
  }
  if (last == 0) Say("No new reminders.\n");
  if (mark && last > 0) {
    CANDOR_RETURN_IF_ERROR(StaffCall(s, "POST",
                                     "/api/v1/orgs/" + o.staff.org + "/notifications/delivered",
                                     Json{{"up_to", last}}));
  }
  return Status::Ok();
}

// `candor cable digest`: where the reviewer's own daily digest goes.
struct DigestOptions {
  std::string email, openpgp_key_file;
  bool stop = false;
};

Status RunDigest(const ReviewerOptions& o, const DigestOptions& d) {
  if (d.stop && (!d.email.empty() || !d.openpgp_key_file.empty())) {
    return InvalidArgument("--stop takes no --email or --openpgp-key");
  }
  if (!d.openpgp_key_file.empty() && d.email.empty()) {
    return InvalidArgument("--openpgp-key goes with --email");
  }
  CANDOR_ASSIGN_OR_RETURN(StaffSession s, SignIn(o.staff));
  const std::string path = "/api/v1/orgs/" + o.staff.org + "/notify/me";
  if (d.stop) {
    CANDOR_RETURN_IF_ERROR(StaffCall(s, "DELETE", path));
    Say("No more digests will be sent to you.\n");
    return Status::Ok();
  }
  if (!d.email.empty()) {
    Json body{{"email", d.email}};
    if (!d.openpgp_key_file.empty()) {
      CANDOR_ASSIGN_OR_RETURN(std::string key, ReadFileText(d.openpgp_key_file));
      body["openpgp_key"] = key;
    }
    CANDOR_RETURN_IF_ERROR(StaffCall(s, "PUT", path, body));
  }
  CANDOR_ASSIGN_OR_RETURN(Json reply, StaffCall(s, "GET", path));
  auto address = app::api::NotifyAddressFromJson(reply);
  if (!address.ok())
    return BadReply("an address that does not parse: " + address.error().message());
  if (!*address) {
    Say("No digest is sent to you. Give an address with --email (and --openpgp-key for an\n"
        "encrypted digest that lists the cables' ids and deadlines).\n");
  } else if ((*address)->openpgp_fingerprint) {
    Say("Your daily digest goes to {}, encrypted to OpenPGP key {}.\n",
        TerminalSafe((*address)->email), TerminalSafe(*(*address)->openpgp_fingerprint));
  } else {
    Say("Your daily digest goes to {}, in the clear: it says only whether something waits.\n",
        TerminalSafe((*address)->email));
  }
  return Status::Ok();
}

// `candor cable notifications`: the organization's digest settings and deliveries (admins).
struct NotificationsOptions {
  bool enable = false, disable = false, no_webhook = false, new_secret = false;
  std::optional<std::int64_t> hour;
  std::string webhook;
};

Status RunNotifications(const ReviewerOptions& o, const NotificationsOptions& n) {
  if (n.enable && n.disable) return InvalidArgument("--enable or --disable, not both");
  if (!n.webhook.empty() && n.no_webhook) return InvalidArgument("--webhook or --no-webhook");
  CANDOR_ASSIGN_OR_RETURN(StaffSession s, SignIn(o.staff));
  const std::string base = "/api/v1/orgs/" + o.staff.org + "/notify/";
  CANDOR_ASSIGN_OR_RETURN(Json current, StaffCall(s, "GET", base + "settings"));
  auto settings = app::api::NotifySettingsFromJson(current);
  if (!settings.ok()) return BadReply("settings that do not parse: " + settings.error().message());
  const bool change =
      n.enable || n.disable || n.no_webhook || n.new_secret || n.hour || !n.webhook.empty();
  if (change) {
    app::NotifySettingsChange c;
    c.enabled = n.enable || (!n.disable && settings->enabled);
    c.digest_hour = n.hour.value_or(settings->digest_hour);
    c.webhook_url = n.no_webhook         ? std::nullopt
                    : !n.webhook.empty() ? std::optional<std::string>(n.webhook)
                                         : settings->webhook_url;
    c.new_webhook_secret = n.new_secret;
    CANDOR_ASSIGN_OR_RETURN(Json reply, StaffCall(s, "PUT", base + "settings",
                                                  app::api::NotifySettingsChangeToJson(c)));
    if (reply.is_object() && reply.contains("webhook_secret") &&
        reply["webhook_secret"].is_string()) {
      Say("The webhook's signing secret (shown this once; keep it with the receiver):\n  {}\n",
          TerminalSafe(reply["webhook_secret"].get<std::string>()));
    }
    CANDOR_ASSIGN_OR_RETURN(current, StaffCall(s, "GET", base + "settings"));
    settings = app::api::NotifySettingsFromJson(current);
    if (!settings.ok())
      return BadReply("settings that do not parse: " + settings.error().message());
  }
  Say("Daily digests: {}, at {:02}:00 (the organization's time).\n",
      settings->enabled ? "on" : "off", settings->digest_hour);
  Say("Webhook: {}\n", settings->webhook_url ? TerminalSafe(*settings->webhook_url) : "none");
  if (!settings->mail_server) {
    Say("This server has no mail server (candor serve --smtp-url): mail digests fail.\n");
  }
  CANDOR_ASSIGN_OR_RETURN(Json list, StaffCall(s, "GET", base + "deliveries"));
  auto deliveries = app::api::DeliveriesFromJson(list);
  if (!deliveries.ok()) {
    return BadReply("deliveries that do not parse: " + deliveries.error().message());
  }
  if (deliveries->empty()) Say("No deliveries yet.\n");
  for (const auto& d : *deliveries) {
    Say("{}  {:<8} {:<20} {:<10} tries {}{}\n",
        domain::FormatDate(domain::CivilFromDays(d.record.day)), d.record.channel,
        TerminalSafe(d.recipient), d.record.state, d.record.attempts,
        d.record.last_error ? "  " + TerminalSafe(*d.record.last_error) : "");
  }
  return Status::Ok();
}

}  // namespace

void RegisterCableCommands(CLI::App& app, int* exit_code) {
  CLI::App* cable = app.add_subcommand(
      "cable", "Dissent cables: write one, follow it, or answer them as a reviewer");
  cable->require_subcommand(1);

  auto write = std::make_shared<WriteOptions>();
  CLI::App* w =
      cable->add_subcommand("write", "Write an encrypted cable to your organization's reviewers");
  w->add_option("--server", write->server, "The Candor server")->required();
  w->add_option("--org", write->org, "Your organization")->required();
  w->add_option("--key", write->key, "Your key file")->required();
  w->add_option("--subject", write->subject, "A one-line subject")->required();
  w->add_option("--body-file", write->body_file, "A text file with the cable's words")->required();
  w->add_option("--attach", write->attach, "A file to attach (repeat for several)");
  w->add_option("--named", write->named,
                "Sign with your name (as the reviewers should see it); default: anonymous");
  w->add_option("--receipt-out", write->receipt_out, "Also save the receipt in this new file");
  w->add_option("--min-ring", write->min_ring, "Refuse to send anonymously within fewer members")
      ->capture_default_str();
  w->add_option("--scheme", write->scheme,
                "v2: sign within the whole roster (candor-lrs-v2); v1: within one bucket of at "
                "most 4,096 members, for servers older than candor-lrs-v2")
      ->check(CLI::IsMember({"v1", "v2"}))
      ->default_val("v2");
  w->add_option("--channel", write->channel,
                "The organization's channel (topic) to write in: only its reviewers read the "
                "cable (the list is shown when the organization has channels)");
  w->add_option("--exclude", write->exclude,
                "A reviewer (username) who must not read this cable, e.g. the person it is "
                "about (repeat for several; one reviewer at least must remain)");
  AddLogTrustOptions(w, write->trust);
  w->add_option("--passphrase-file", write->passphrase.file,
                "Read the key file's passphrase from this file");
  w->add_option("--ca-file", write->ca_file, "Trust this PEM certificate authority for HTTPS");
  OnRun(w, exit_code, [write] { return RunWrite(*write); });

  auto status = std::make_shared<StatusOptions>();
  CLI::App* st = cable->add_subcommand(
      "status", "With your receipt: deadlines, replies, and the log's record");
  st->add_option("--server", status->server, "The Candor server")->required();
  st->add_option("--receipt", status->receipt,
                 "The receipt: its 12 words in one quoted argument, or the long form "
                 "(candor-receipt-v1-…)");
  st->add_option("--receipt-file", status->receipt_file, "A file holding the receipt");
  AddLogTrustOptions(st, status->trust);
  st->add_option("--ca-file", status->ca_file, "Trust this PEM certificate authority for HTTPS");
  OnRun(st, exit_code, [status] { return RunStatus(*status); });

  auto follow = std::make_shared<FollowUpOptions>();
  CLI::App* fu = cable->add_subcommand(
      "follow-up", "With your receipt: add to your cable (encrypted to you and the reviewers)");
  fu->add_option("--server", follow->server, "The Candor server")->required();
  fu->add_option("--receipt", follow->receipt,
                 "The receipt: its 12 words in one quoted argument, or the long form");
  fu->add_option("--receipt-file", follow->receipt_file, "A file holding the receipt");
  fu->add_option("--text-file", follow->text_file, "A UTF-8 file with what you want to add")
      ->required();
  fu->add_option("--attach", follow->attach, "Attach this file (repeat for several)");
  AddLogTrustOptions(fu, follow->trust);
  fu->add_option("--ca-file", follow->ca_file, "Trust this PEM certificate authority for HTTPS");
  OnRun(fu, exit_code, [follow] { return RunFollowUp(*follow); });

  auto reviewer = [&](const char* name, const char* help, bool needs_id, bool needs_key,
                      bool needs_text) {
    auto o = std::make_shared<ReviewerOptions>();
    CLI::App* c = cable->add_subcommand(name, help);
    AddStaffOptions(c, o->staff);
    if (needs_id) c->add_option("cable", o->id, "The cable id")->required();
    if (needs_key) {
      AddLogTrustOptions(c, o->trust);
      c->add_option("--key", o->key, "Your key file (its X25519 key decrypts cables)")->required();
      c->add_option("--passphrase-file", o->passphrase.file,
                    "Read the key file's passphrase from this file");
    }
    if (needs_text)
      c->add_option("--text-file", o->text_file, "A text file with your message")->required();
    return std::make_pair(c, o);
  };
  {
    auto [c, o] =
        reviewer("register-key", "Reviewers: receive new cables with your key file's X25519 key",
                 false, true, false);
    OnRun(c, exit_code, [o = o] { return RunRegisterKey(*o); });
  }
  {
    auto [c, o] = reviewer("inbox", "Reviewers: the organization's cables, overdue first", false,
                           false, false);
    auto overdue = std::make_shared<bool>(false);
    c->add_flag("--overdue", *overdue, "Only the overdue cables");
    OnRun(c, exit_code, [o = o, overdue] { return RunInbox(*o, *overdue); });
  }
  {
    auto [c, o] =
        reviewer("read", "Reviewers: decrypt and read a cable and its thread", true, true, false);
    OnRun(c, exit_code, [o = o] { return RunRead(*o); });
  }
  {
    auto [c, o] = reviewer("ack", "Reviewers: acknowledge receipt", true, false, false);
    OnRun(c, exit_code, [o = o] { return RunAck(*o); });
  }
  {
    auto [c, o] = reviewer("recuse",
                           "Reviewers: withdraw from a cable (a conflict of interest); logged, and "
                           "its messages are no longer sealed to you",
                           true, false, false);
    OnRun(c, exit_code, [o = o] { return RunRecuse(*o); });
  }
  {
    auto [c, o] = reviewer("grant",
                           "Reviewers: give a cable to a reviewer who joined after it was written "
                           "(its keys are wrapped for them on this machine)",
                           true, true, false);
    c->add_option("--to", o->to, "The reviewer (username) to give it to")->required();
    OnRun(c, exit_code, [o = o] { return RunGrant(*o); });
  }
  for (auto [name, help, action] :
       {std::tuple{"reply", "Reviewers: reply to the author (encrypted to the author's reply key)",
                   domain::CableAction::kReplied},
        std::tuple{"note", "Reviewers: an internal note, for reviewers only",
                   domain::CableAction::kNoted},
        std::tuple{"extend",
                   "Reviewers: extend the answer deadline once, with the reason in --text-file",
                   domain::CableAction::kExtended},
        std::tuple{"close", "Reviewers: close with the substantive answer in --text-file",
                   domain::CableAction::kClosed}}) {
    auto [c, o] = reviewer(name, help, true, true, true);
    OnRun(c, exit_code, [o = o, action = action] { return RunMessage(*o, action); });
  }
  {
    auto [c, o] =
        reviewer("reminders", "Reviewers: new reminders and overdue notices from the outbox", false,
                 false, false);
    auto mark = std::make_shared<bool>(false);
    c->add_flag("--mark-read", *mark, "Mark them as delivered");
    OnRun(c, exit_code, [o = o, mark] { return RunReminders(*o, *mark); });
  }
  {
    auto [c, o] = reviewer("digest",
                           "Reviewers: where your daily digest goes (by e-mail; encrypted with "
                           "--openpgp-key), or --stop",
                           false, false, false);
    auto d = std::make_shared<DigestOptions>();
    c->add_option("--email", d->email, "Send your daily digest to this address");
    c->add_option("--openpgp-key", d->openpgp_key_file,
                  "Your ASCII-armored OpenPGP public key: the digest is encrypted to it");
    c->add_flag("--stop", d->stop, "Send no more digests");
    OnRun(c, exit_code, [o = o, d] { return RunDigest(*o, *d); });
  }
  {
    auto [c, o] = reviewer("notifications",
                           "Administrators: the daily digests and webhook, and their deliveries",
                           false, false, false);
    auto n = std::make_shared<NotificationsOptions>();
    c->add_flag("--enable", n->enable, "Send daily digests");
    c->add_flag("--disable", n->disable, "Send none");
    c->add_option("--hour", n->hour, "The organization's local hour digests go out (0-23)");
    c->add_option("--webhook", n->webhook, "POST a signed daily summary to this https:// URL");
    c->add_flag("--no-webhook", n->no_webhook, "Remove the webhook");
    c->add_flag("--new-secret", n->new_secret, "Make a new webhook signing secret");
    OnRun(c, exit_code, [o = o, n] { return RunNotifications(*o, *n); });
  }
}

}  // namespace candor::cli
