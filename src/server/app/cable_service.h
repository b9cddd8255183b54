// Dissent cables: submission, batched publication, the reviewers' inbox and actions, the
// author's view with the receipt, counts, reminders and retention (issue 13: split out of
// app::Service; its tests beside it, cable_service_test.cc).
//
// Privacy: the server never sees a cable's plaintext, and for an anonymous cable nothing that
// names its author. A cable is stored with its received *day* only; its "submitted" log entry
// goes out with the next randomly timed batch, in a random order with the others, and
// reviewers see it only from then on, so neither the log nor the inbox tells when it was sent.
//
// Thread safety: thread-safe (each call is its own store transaction).
#ifndef CANDOR_SERVER_APP_CABLE_SERVICE_H_
#define CANDOR_SERVER_APP_CABLE_SERVICE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/cable.h"
#include "domain/cable_statistics.h"
#include "server/app/service_core.h"

namespace candor::app {

// An author's follow-ups per cable (AddFollowUp): enough for a conversation, too few to flood
// the reviewers with one receipt.
inline constexpr std::size_t kMaxFollowUpsPerDay = 5;
inline constexpr std::size_t kMaxFollowUps = 50;

// Everything an author's client sends for a cable.
struct CableSubmission {
  domain::CableHeader header;
  crypto::Bytes envelope;   // candor-env-v1 encoding
  crypto::Bytes signature;  // candor-lrs-v1, event = cable id
  std::uint64_t quota_slot = 0;
  crypto::Bytes quota_signature;                        // candor-lrs-v1, event = CableQuotaEvent
  std::optional<crypto::Signature64> author_signature;  // named cables only
};

// One event of a cable as a viewer may see it.
struct CableEventView {
  std::int64_t seq = 0;
  domain::CableAction action = domain::CableAction::kSubmitted;
  domain::Date date;
  crypto::Digest32 digest;
  std::optional<std::int64_t> log_index;
  std::optional<std::string> reviewer;           // username; reviewers' views only
  std::vector<crypto::BoxPublicKey> recipients;  // for a message
  std::optional<crypto::Bytes> envelope;         // for a message (nullopt once purged)
  std::optional<crypto::Bytes>
      grant;  // for "granted": domain::CableGrantBytes (nullopt once purged)
};

struct CableView {
  domain::CableId id;
  std::string organization;
  domain::CableHeader header;
  crypto::Bytes header_bytes;
  bool published = false;
  bool purged = false;
  std::string state;  // "waiting-for-batch", "submitted", "acknowledged", "closed", "purged"
  domain::Date received;
  domain::CableClock clock;
  std::string acknowledge_unit, answer_unit;  // the units of the days left ("working-days", …)
  // The organization's IANA time zone: every date of the view is a day in it.
  std::string time_zone = "UTC";
  std::string policy;  // the deadline policy's name
  crypto::Digest32 submission_digest;
  // The ciphertext and signatures (nullopt once purged; left out of inbox listings).
  std::optional<crypto::Bytes> envelope, signature, quota_signature;
  std::optional<crypto::Bytes> author_signature;
  std::uint64_t quota_slot = 0;
  std::vector<CableEventView> events;
};

// The organization and holidays a cable's deadlines depend on (cable_service.cc).
struct DeadlineContext;

struct CableStats {
  std::int64_t open = 0, overdue = 0, closed = 0;
};

class CableService {
 public:
  explicit CableService(ServiceCore& core)
      : core_(core), store_(core.store()), clock_(core.clock()), config_(core.config()) {}

  // Public: the reviewers a cable must be encrypted to (enabled reviewer accounts with a key,
  // by account id), and the quota window now.
  Result<std::vector<CableRecipient>> CableRecipients(std::string_view slug);
  Result<CableQuotaView> CableQuota(std::string_view slug);
  // Anonymous: checks the header, the recipients, the ring, both ring signatures and the quota
  // tag, stores the cable durably and returns its view (the author's). Its "submitted" log
  // entry goes out with the next batch; reviewers see it from then on.
  Result<CableView> SubmitCable(const CableSubmission& submission);
  // The author, with the access value from the receipt: status, deadlines, and the messages
  // that reach the author (not the reviewers' notes). kNotFound for a wrong id or value alike.
  Result<CableView> CableForAuthor(const domain::CableId& id, const crypto::Digest32& access);
  // The author, with the access value: a follow-up message (docs/PROTOCOL.md, "Follow-ups"),
  // sealed by the author's client to the author's reply key first, then to every current
  // reviewer in the order the server lists them. Stored durably before this returns; its log
  // entry goes out with the next batch, like the cable, and reviewers see it from then on. It
  // changes no deadline. Refused while the cable waits for its batch, once it is closed, and
  // beyond kMaxFollowUpsPerDay a day or kMaxFollowUps in all. Returns the event's sequence
  // number. kNotFound for a wrong id or access value alike.
  Result<std::int64_t> AddFollowUp(const domain::CableId& id, const crypto::Digest32& access,
                                   const std::vector<crypto::BoxPublicKey>& recipients,
                                   const crypto::Bytes& envelope);
  // Reviewers of the organization. `overdue_only` lists only late cables. Overdue first, then
  // by deadline. Listings carry no ciphertext.
  Result<std::vector<CableView>> ListCables(const Principal& who, std::string_view slug,
                                            bool overdue_only);
  Result<CableView> GetCable(const Principal& who, std::string_view slug,
                             const domain::CableId& id);
  Status AcknowledgeCable(const Principal& who, std::string_view slug, const domain::CableId& id);
  // A reviewer withdraws from a cable (a conflict of interest): a logged "recused" event naming
  // their key; from then on they are not among its readers (no inbox entry, 404, no messages
  // sealed to them). Refused for a closed cable, and for its last reader.
  Status RecuseFromCable(const Principal& who, std::string_view slug, const domain::CableId& id);
  // A reader gives the cable to a reviewer who joined later: `grant` (domain::CableGrantBytes)
  // wraps, on the reader's device, the content key of each envelope the reader can open. The
  // reviewer must hold a current key, not read the cable yet, not have withdrawn from it, have
  // become a reviewer after the cable's "submitted" entry (so the author never left them out),
  // and be in the cable's channel, if any. Logged ("granted"); refused once purged.
  Status GrantCable(const Principal& who, std::string_view slug, const domain::CableId& id,
                    const crypto::Bytes& grant);
  // A reply, note, extension (its reason) or closing response, encrypted by the reviewer's
  // client to `recipients` (the author's reply key first, then the cable's readers now; for a
  // note, the readers only). Returns the event's sequence number.
  Result<std::int64_t> AddCableMessage(const Principal& who, std::string_view slug,
                                       const domain::CableId& id, domain::CableAction action,
                                       const std::vector<crypto::BoxPublicKey>& recipients,
                                       const crypto::Bytes& envelope);
  // Public counts for the organization's members and the press.
  Result<CableStats> CableCounts(std::string_view slug);
  // Administrators: compliance statistics of the cables received from `from` to `to` (both
  // included; domain/cable_statistics.h), from the days cables were received, acknowledged
  // and closed, and their deadlines as the cables' own policies and the holidays give them.
  // Cables still waiting for their batch are left out, as the log does not show them yet.
  Result<domain::CableStatistics> Statistics(const Principal& who, std::string_view slug,
                                             const domain::Date& from, const domain::Date& to);
  // The notification outbox (reviewers).
  Result<std::vector<store::NotificationRecord>> Notifications(const Principal& who,
                                                               std::string_view slug,
                                                               bool undelivered_only);
  Status MarkNotificationsDelivered(const Principal& who, std::string_view slug,
                                    std::int64_t up_to_id);
  // Reminders ahead of deadlines and notices of overdue cables into the outbox; the retention
  // purge of closed cables. Run by the batch publisher's thread; idempotent.
  struct CableJobsReport {
    std::size_t notifications = 0, purged = 0;
  };
  Result<CableJobsReport> RunCableJobs();

  // At a batch, inside its transaction: puts every waiting cable's "submitted" entry into the
  // log in a random order, and rewrites the cables and their quota tags in that order. Returns
  // how many it published; signs no head.
  Result<std::size_t> PublishWaiting(store::Transaction& tx);
  // At a batch, after PublishWaiting: logs the authors' waiting follow-ups, in a random order.
  // Returns how many; signs no head.
  Result<std::size_t> PublishFollowUps(store::Transaction& tx);

 private:
  // A cable as a reviewer may act on it: its header, the organization's reviewers now (as
  // ServiceCore::RecipientsIn lists them), the keys that can read it now, and the reviewer's
  // own key among them.
  struct Readable {
    domain::CableHeader header;
    std::vector<CableRecipient> reviewers;
    std::vector<crypto::BoxPublicKey> readers;
    crypto::BoxPublicKey mine;
  };
  // kNotFound, as for a cable that does not exist, unless `who`'s key is among the cable's
  // readers now: a reviewer the author excluded does not learn which cable it is.
  Result<Readable> ReadableBy(store::Transaction& tx, const Principal& who,
                              const store::CableRecord& rec);
  // A reviewer's transaction on one published cable of their organization that they read now:
  // kNotFound (NoSuchCable) otherwise, whatever the reason.
  struct ReviewerCable {
    std::unique_ptr<store::Transaction> tx;
    store::OrganizationRecord org;
    store::CableRecord rec;
    Readable readable;
  };
  Result<ReviewerCable> OpenForReviewer(const Principal& who, std::string_view slug,
                                        const domain::CableId& id, store::TxMode mode);

  Result<CableView> CableViewOf(store::Transaction& tx, const store::CableRecord& rec,
                                const DeadlineContext& ctx, bool for_author, bool with_payload);

  ServiceCore& core_;
  store::Store& store_;
  const Clock& clock_;
  const ServiceConfig& config_;
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_CABLE_SERVICE_H_
