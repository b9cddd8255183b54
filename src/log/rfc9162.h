// RFC 9162 §2.1 Merkle tree hashing (candor-log-v1): SHA-256 with domain-separation
// prefixes 0x00 for leaves and 0x01 for interior nodes. Pure functions, thread-safe.
#ifndef CANDOR_LOG_RFC9162_H_
#define CANDOR_LOG_RFC9162_H_

#include "crypto/bytes.h"

namespace candor::tlog {

using Hash = crypto::Digest32;

// MTH({}) = SHA-256() — the root of the empty tree.
Hash EmptyRoot();
// SHA-256(0x00 || entry).
Hash HashLeaf(crypto::ByteSpan entry);
// SHA-256(0x01 || left || right).
Hash HashChildren(const Hash& left, const Hash& right);

}  // namespace candor::tlog

#endif  // CANDOR_LOG_RFC9162_H_
