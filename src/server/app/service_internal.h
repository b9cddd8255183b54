// Helpers shared by the files that implement Service (service*.cc); not part of its API.
#ifndef CANDOR_SERVER_APP_SERVICE_INTERNAL_H_
#define CANDOR_SERVER_APP_SERVICE_INTERNAL_H_

#include <vector>

#include "crypto/bytes.h"
#include "domain/roster.h"
#include "server/app/time_zone.h"
#include "store/store.h"

namespace candor::app::internal {

store::Blob ToBlob(crypto::ByteSpan b);

// Whether the account receives cables: an enabled reviewer with a key. The one rule behind the
// server's recipient list and the reviewer entries it logs (authors' clients seal to those).
bool ReceivesCables(const store::AccountRecord& account);

// The organization's roster, replayed from the store (every version): O(n) events. Nothing on a
// request's path uses it any more (issue 12); bench/roster_bench.cc measures it as the baseline.
Result<domain::Roster> LoadRoster(store::Transaction& tx, std::int64_t org_id);

// The members present at roster `version`, in order of addition (the ring P_0 … P_{n-1} before
// the bucket rule), straight from the store without replaying the history.
Result<std::vector<crypto::Point>> RosterMembersAt(store::Transaction& tx, std::int64_t org_id,
                                                   std::int64_t version);

// The organization's IANA time zone, from its current settings (kCorrupt when they are damaged).
Result<TimeZone> ZoneOf(const store::OrganizationRecord& org);

}  // namespace candor::app::internal

#endif  // CANDOR_SERVER_APP_SERVICE_INTERNAL_H_
