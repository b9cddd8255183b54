// Fuzzes the API's wire codecs (server/app/wire_*.h), which the command line reads every server
// answer with, and through them domain::FieldReader. Input: one selector byte, then JSON text.
// Each reader must refuse or accept without crashing, and what it accepts must be a fixed point
// of its writer: ToJson(FromJson(ToJson(x))) == ToJson(x), so nothing is half read or read
// differently the second time.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/app/wire_cables.h"
#include "server/app/wire_letters.h"
#include "server/app/wire_log.h"
#include "server/app/wire_notify.h"
#include "server/app/wire_staff.h"

namespace {

using candor::Result;
using Json = nlohmann::json;

// FromJson, then ToJson, twice: the two texts must agree.
template <typename T, typename From, typename To>
void FixedPoint(const Json& j, From from, To to) {
  Result<T> first = from(j);
  if (!first.ok()) return;
  const Json written = to(*first);
  Result<T> second = from(Json::parse(written.dump()));
  if (!second.ok() || to(*second).dump() != written.dump()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace candor::app;       // NOLINT(google-build-using-namespace)
  using namespace candor::app::api;  // NOLINT(google-build-using-namespace)
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  const Json j = Json::parse(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1),
                             nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  switch (selector % 13) {
    case 0:
      FixedPoint<CableView>(j, CableViewFromJson, CableViewToJson);
      break;
    case 1:
      FixedPoint<CableQuotaView>(
          j, [](const Json& x) { return QuotaFromJson(x, 1024); }, QuotaToJson);
      break;
    case 2:
      FixedPoint<LetterSummary>(j, LetterSummaryFromJson, LetterSummaryToJson);
      break;
    case 3:
      FixedPoint<InclusionProofJson>(j, InclusionProofFromJson, InclusionProofToJson);
      break;
    case 4:
      FixedPoint<ConsistencyProofJson>(j, ConsistencyProofFromJson, ConsistencyProofToJson);
      break;
    case 5:
      FixedPoint<IncludedJson>(j, IncludedFromJson, IncludedToJson);
      break;
    case 6:
      FixedPoint<std::vector<candor::store::NotificationRecord>>(j, NotificationsFromJson,
                                                                 NotificationsToJson);
      break;
    case 7:
      FixedPoint<SessionReply>(j, SessionFromJson, [](const SessionReply& s) {
        Principal p;
        p.account = s.account;
        p.organization_slug = s.organization;
        p.csrf_token = s.csrf_token;
        return SessionToJson(p);
      });
      break;
    case 8:
      FixedPoint<StaffService::ReviewerKeyChallenge>(j, ReviewerKeyChallengeFromJson,
                                                     ReviewerKeyChallengeToJson);
      (void)CableSubmissionFromJson(j);
      break;
    case 9:
      FixedPoint<NotifySettingsView>(j, NotifySettingsFromJson, NotifySettingsToJson);
      break;
    case 10:
      FixedPoint<NotifySettingsChange>(j, NotifySettingsChangeFromJson, NotifySettingsChangeToJson);
      break;
    case 11:
      FixedPoint<std::optional<NotifyAddressView>>(j, NotifyAddressFromJson, NotifyAddressToJson);
      break;
    case 12:
      FixedPoint<std::vector<DeliveryView>>(j, DeliveriesFromJson, DeliveriesToJson);
      break;
  }
  return 0;
}
