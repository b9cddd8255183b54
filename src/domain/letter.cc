#include "domain/letter.h"

#include <set>

#include "crypto/transcript.h"

namespace candor::domain {
namespace {
constexpr std::size_t kMaxTitleBytes = 512;
constexpr std::size_t kMaxBodyBytes = 256 * 1024;
constexpr std::size_t kMaxOrganizations = 1000;
}  // namespace

Status ValidateLetter(const Letter& letter) {
  if (letter.title.empty()) return InvalidArgument("the letter needs a title");
  if (letter.title.size() > kMaxTitleBytes) {
    return InvalidArgument("the title is longer than " + std::to_string(kMaxTitleBytes) + " bytes");
  }
  if (letter.body.empty()) return InvalidArgument("the letter needs a text");
  if (letter.body.size() > kMaxBodyBytes) {
    return InvalidArgument("the text is longer than " + std::to_string(kMaxBodyBytes) + " bytes");
  }
  if (letter.organizations.empty()) {
    return InvalidArgument("name at least one organization whose members may sign");
  }
  if (letter.organizations.size() > kMaxOrganizations) {
    return InvalidArgument("a letter may name at most " + std::to_string(kMaxOrganizations) +
                           " organizations");
  }
  std::set<std::string_view> seen;
  for (const auto& org : letter.organizations) {
    if (org.empty()) return InvalidArgument("an organization name is empty");
    if (!seen.insert(org).second) return InvalidArgument("organization '" + org + "' is named twice");
  }
  if (letter.quorum && *letter.quorum == 0) return InvalidArgument("a quorum must be at least 1");
  return Status::Ok();
}

crypto::Bytes LetterCanonicalBytes(const Letter& letter) {
  using crypto::AsBytes;
  using crypto::ByteSpan;
  crypto::Bytes out = crypto::Tr("candor/v1/letter", {AsBytes(letter.title), AsBytes(letter.body)});
  auto append_part = [&out](ByteSpan p) {
    auto len = crypto::U64Le(p.size());
    out.insert(out.end(), len.begin(), len.end());
    out.insert(out.end(), p.begin(), p.end());
  };
  auto count = crypto::U64Le(letter.organizations.size());
  append_part(count);
  for (const auto& org : letter.organizations) append_part(AsBytes(org));
  auto optional_u64 = [&](const std::optional<std::uint64_t>& v) {
    if (v) {
      auto le = crypto::U64Le(*v);
      append_part(le);
    } else {
      append_part({});
    }
  };
  optional_u64(letter.closes_at_ms);
  optional_u64(letter.quorum);
  if (letter.supersedes) {
    append_part(letter.supersedes->span());
  } else {
    append_part({});
  }
  return out;
}

LetterId ComputeLetterId(const Letter& letter) {
  return crypto::Sha256(LetterCanonicalBytes(letter));
}

std::string_view SignatureActionName(SignatureAction action) {
  return action == SignatureAction::kSign ? "sign" : "withdraw";
}

Result<SignatureAction> ParseSignatureAction(std::string_view name) {
  if (name == "sign") return SignatureAction::kSign;
  if (name == "withdraw") return SignatureAction::kWithdraw;
  return InvalidArgument("action must be 'sign' or 'withdraw', got '" + std::string(name) + "'");
}

crypto::Bytes LetterStatement(const LetterId& letter_id, SignatureAction action) {
  return crypto::Tr("candor/v1/letter/statement",
                    {letter_id.span(), crypto::AsBytes(SignatureActionName(action))});
}

}  // namespace candor::domain
