// The reviewers' daily digest (issue 15, item 5): what one reviewer has to do, as the text of
// an e-mail or the body of a webhook, made so that it leaks nothing on the way.
//
// Promises (docs/PROTOCOL.md, "Notifications"):
//  - no digest carries a cable's content, subject, author or channel: only cable ids (public
//    in the log) and deadline dates, and those only in the encrypted digest;
//  - every digest text has exactly kDigestTextBytes bytes and every webhook body exactly
//    kWebhookBodyBytes, whatever is waiting: their sizes say nothing of the counts;
//  - one digest a day per reviewer, at the organization's hour, whether or not anything is
//    waiting (the service's job), so that neither the moment nor the existence of a message
//    says that a cable arrived.
//
// Lines end in CRLF (the mail's own line ends), so that a text's length is its length on the
// wire. Pure functions; thread-safe.
#ifndef CANDOR_NOTIFY_DIGEST_H_
#define CANDOR_NOTIFY_DIGEST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/calendar.h"

namespace candor::notify {

inline constexpr std::size_t kDigestTextBytes = 4096;
inline constexpr std::size_t kWebhookBodyBytes = 512;

struct DigestItem {
  enum class Kind { kAcknowledge, kAnswer };
  std::string cable;  // the cable's id, hex (the digest shows its first 16 characters)
  Kind kind = Kind::kAcknowledge;
  domain::Date due;
  bool overdue = false;
};

struct Digest {
  std::string organization;  // its name
  domain::Date day;          // the organization's day the digest is for
  std::string time_zone;     // the organization's IANA zone
  std::string link;          // where reviewers sign in; may be empty
  std::vector<DigestItem> items;
};

// `text` followed by lines of '-' (each ending in CRLF, none longer than 74 bytes) until it is
// exactly `size` bytes. REQUIRES: text.size() + 2 <= size, or text.size() == size.
std::string PadText(std::string text, std::size_t size);

struct DigestCounts {
  std::int64_t to_acknowledge = 0, to_answer = 0, overdue = 0;
};
DigestCounts CountsOf(const std::vector<DigestItem>& items);

// The text for a reviewer with an OpenPGP key (it is encrypted before it leaves): each item
// with its cable id and date, as many as fit, then how many more. Exactly kDigestTextBytes.
std::string DetailedDigestText(const Digest& digest);
// The text sent in the clear: whether anything waits, nothing more (no count, no id, no
// date but the digest's own). Exactly kDigestTextBytes.
std::string PlainDigestText(const Digest& digest);

// The organization's webhook body: a JSON object with the organization's slug, the day, its
// open and overdue cables (the counts its public page shows), and a "padding" string that
// makes it exactly kWebhookBodyBytes.
std::string WebhookBody(const std::string& slug, const domain::Date& day, std::int64_t open,
                        std::int64_t overdue);

// A mail's envelope headers. `from` and `to` must pass ValidateMailAddress.
struct MailHeaders {
  std::string from, to;
  std::string subject;
  std::string date;        // RFC 5322 (MailDate)
  std::string message_id;  // without the angle brackets
};

// An address as Candor accepts it: local@domain, printable ASCII without spaces, angle
// brackets, commas, quotes or backslashes, at most 254 bytes; the domain has a dot or is
// "localhost". Error (kInvalidArgument) saying what is wrong otherwise.
[[nodiscard]] Status ValidateMailAddress(std::string_view address);

// "Mon, 21 Sep 2026 09:00:00 +0000" for `ms` since the epoch (UTC).
std::string MailDate(std::int64_t ms);

// A text/plain message (UTF-8, 8bit) with `text` (CRLF lines) as its body.
std::string PlainMail(const MailHeaders& headers, const std::string& text);
// The entity that is encrypted for a PGP/MIME message: a text/plain part holding `text`.
std::string EncryptedPartPlaintext(const std::string& text);
// A PGP/MIME message (RFC 3156) around `armored` (an ASCII-armored OpenPGP message);
// `boundary` is the MIME boundary (e.g. random hex).
std::string EncryptedMail(const MailHeaders& headers, const std::string& armored,
                          const std::string& boundary);

}  // namespace candor::notify

#endif  // CANDOR_NOTIFY_DIGEST_H_
