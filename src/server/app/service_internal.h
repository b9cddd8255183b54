// Helpers shared by the files that implement Service (service*.cc); not part of its API.
#ifndef CANDOR_SERVER_APP_SERVICE_INTERNAL_H_
#define CANDOR_SERVER_APP_SERVICE_INTERNAL_H_

#include "crypto/bytes.h"
#include "domain/roster.h"
#include "store/store.h"

namespace candor::app::internal {

store::Blob ToBlob(crypto::ByteSpan b);

// Whether the account receives cables: an enabled reviewer with a key. The one rule behind the
// server's recipient list and the reviewer entries it logs (authors' clients seal to those).
bool ReceivesCables(const store::AccountRecord& account);

// The organization's roster, replayed from the store (every version).
Result<domain::Roster> LoadRoster(store::Transaction& tx, std::int64_t org_id);

}  // namespace candor::app::internal

#endif  // CANDOR_SERVER_APP_SERVICE_INTERNAL_H_
