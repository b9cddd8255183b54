#include "notify/digest.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

namespace candor::notify {
namespace {

constexpr std::string_view kCrlf = "\r\n";

std::string Line(std::string_view s) { return std::string(s) + std::string(kCrlf); }

std::string Heading(const Digest& d) {
  std::string out;
  out += Line(fmt::format("Candor: your daily digest for {}, {} ({})",
                          d.organization.substr(0, 200), domain::FormatDate(d.day), d.time_zone));
  out += Line("");
  return out;
}

std::string Footer(const Digest& d) {
  std::string out = Line("");
  if (!d.link.empty()) out += Line("Sign in to read and answer: " + d.link.substr(0, 400));
  out += Line("This digest comes every day, the same length, whether or not anything waits.");
  out += Line("It never carries what a cable says, its subject or who wrote it.");
  out += Line("");
  return out;
}

constexpr std::size_t kPlainBudget = kDigestTextBytes - 64;  // room left for one padding line

}  // namespace

std::string PadText(std::string text, std::size_t size) {
  constexpr std::size_t kFullLine = 74;  // 72 dashes and CRLF
  while (text.size() + kCrlf.size() <= size) {
    const std::size_t room = size - text.size();
    std::size_t line = std::min(kFullLine, room);
    if (room - line == 1) --line;  // never leave one byte, which no line can fill
    text.append(line - kCrlf.size(), '-');
    text.append(kCrlf);
  }
  return text;
}

DigestCounts CountsOf(const std::vector<DigestItem>& items) {
  DigestCounts c;
  for (const auto& i : items) {
    if (i.kind == DigestItem::Kind::kAcknowledge) {
      ++c.to_acknowledge;
    } else {
      ++c.to_answer;
    }
    if (i.overdue) ++c.overdue;
  }
  return c;
}

std::string DetailedDigestText(const Digest& d) {
  std::string head = Heading(d);
  const std::string foot = Footer(d);
  if (d.items.empty()) {
    head += Line("Nothing is waiting for you.");
  } else {
    const DigestCounts c = CountsOf(d.items);
    head += Line(fmt::format("Waiting for you: {} to acknowledge, {} to answer, {} overdue.",
                             c.to_acknowledge, c.to_answer, c.overdue));
    head += Line("");
  }
  std::string body;
  std::size_t shown = 0;
  for (const auto& i : d.items) {
    const std::string what =
        i.kind == DigestItem::Kind::kAcknowledge ? "acknowledge by" : "answer by";
    std::string line = Line(fmt::format("  cable {}  {} {}{}", i.cable.substr(0, 16), what,
                                        domain::FormatDate(i.due), i.overdue ? "  OVERDUE" : ""));
    // Keep room for the "more" line, the footer and one padding line.
    if (head.size() + body.size() + line.size() + foot.size() + 80 > kPlainBudget) break;
    body += line;
    ++shown;
  }
  if (shown < d.items.size()) {
    body += Line(fmt::format("  … and {} more: sign in to see them.", d.items.size() - shown));
  }
  return PadText(head + body + foot, kDigestTextBytes);
}

std::string PlainDigestText(const Digest& d) {
  std::string text = Heading(d);
  text += Line(d.items.empty() ? "Nothing is waiting for you in Candor today."
                               : "Something is waiting for you in Candor.");
  text += Line("");
  text += Line("This digest is not encrypted, so it says no more than that. Register an");
  text += Line("OpenPGP key with Candor to receive the cables' ids and deadlines here.");
  text += Footer(d);
  return PadText(text, kDigestTextBytes);
}

std::string WebhookBody(const std::string& slug, const domain::Date& day, std::int64_t open,
                        std::int64_t overdue) {
  nlohmann::ordered_json j{{"organization", slug},
                           {"day", domain::FormatDate(day)},
                           {"open", open},
                           {"overdue", overdue},
                           {"padding", ""}};
  const std::size_t bare = j.dump().size();
  j["padding"] = std::string(kWebhookBodyBytes > bare ? kWebhookBodyBytes - bare : 0, '0');
  return j.dump();
}

Status ValidateMailAddress(std::string_view a) {
  if (a.empty() || a.size() > 254) return InvalidArgument("an e-mail address has 1 to 254 bytes");
  const auto at = a.find('@');
  if (at == std::string_view::npos || at == 0 || a.find('@', at + 1) != std::string_view::npos ||
      at + 1 == a.size()) {
    return InvalidArgument("'" + std::string(a) + "' is not an e-mail address (name@domain)");
  }
  for (char ch : a) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f ||
        std::string_view("<>,;:\"\\()[]").find(ch) != std::string_view::npos) {
      return InvalidArgument(
          "an e-mail address is printable ASCII without spaces, brackets, "
          "commas, quotes or backslashes");
    }
  }
  const std::string_view domain = a.substr(at + 1);
  if (domain != "localhost" &&
      (domain.find('.') == std::string_view::npos || domain.front() == '.' ||
       domain.back() == '.' || domain.find("..") != std::string_view::npos)) {
    return InvalidArgument("'" + std::string(domain) + "' is not a mail domain");
  }
  return Status::Ok();
}

std::string MailDate(std::int64_t ms) {
  static constexpr std::array<const char*, 7> kDays{"Thu", "Fri", "Sat", "Sun",
                                                    "Mon", "Tue", "Wed"};  // 1970-01-01: Thu
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  const std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  const std::int64_t in_day = secs - days * 86400;
  const domain::Date d = domain::CivilFromDays(days);
  const auto weekday = static_cast<std::size_t>(((days % 7) + 7) % 7);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays.at(weekday), d.day,
                     kMonths.at(static_cast<std::size_t>(d.month - 1)), d.year, in_day / 3600,
                     (in_day / 60) % 60, in_day % 60);
}

namespace {
std::string Headers(const MailHeaders& h) {
  std::string out;
  out += "From: " + h.from + "\r\n";
  out += "To: " + h.to + "\r\n";
  out += "Subject: " + h.subject + "\r\n";
  out += "Date: " + h.date + "\r\n";
  out += "Message-ID: <" + h.message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  return out;
}
}  // namespace

std::string PlainMail(const MailHeaders& h, const std::string& text) {
  return Headers(h) +
         "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
         text;
}

std::string EncryptedPartPlaintext(const std::string& text) {
  return "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
         text;
}

std::string EncryptedMail(const MailHeaders& h, const std::string& armored,
                          const std::string& boundary) {
  std::string armored_crlf;
  for (std::size_t i = 0; i < armored.size(); ++i) {
    if (armored[i] == '\n' && (i == 0 || armored[i - 1] != '\r')) armored_crlf += '\r';
    armored_crlf += armored[i];
  }
  std::string out = Headers(h);
  out += "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n";
  out += " boundary=\"" + boundary + "\"\r\n\r\n";
  out += "This is an OpenPGP/MIME encrypted message (RFC 3156).\r\n";
  out += "--" + boundary + "\r\n";
  out += "Content-Type: application/pgp-encrypted\r\n";
  out += "Content-Description: PGP/MIME version identification\r\n\r\n";
  out += "Version: 1\r\n\r\n";
  out += "--" + boundary + "\r\n";
  out += "Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n";
  out += "Content-Description: OpenPGP encrypted message\r\n";
  out += "Content-Disposition: inline; filename=\"encrypted.asc\"\r\n\r\n";
  out += armored_crlf;
  if (!armored_crlf.ends_with("\r\n")) out += "\r\n";
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace candor::notify
