// Helpers shared by the files that implement Service (service*.cc); not part of its API.
#ifndef CANDOR_SERVER_APP_SERVICE_INTERNAL_H_
#define CANDOR_SERVER_APP_SERVICE_INTERNAL_H_

#include "crypto/bytes.h"
#include "domain/roster.h"
#include "store/store.h"

namespace candor::app::internal {

store::Blob ToBlob(crypto::ByteSpan b);

// The organization's roster, replayed from the store (every version).
Result<domain::Roster> LoadRoster(store::Transaction& tx, std::int64_t org_id);

}  // namespace candor::app::internal

#endif  // CANDOR_SERVER_APP_SERVICE_INTERNAL_H_
