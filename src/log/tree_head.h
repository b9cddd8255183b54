// Signed tree heads of candor-log-v1 (CRYPTO.md "Transparency log").
//
//   sth_message = tr("candor/v1/sth", u64le(tree_size), root_hash, u64le(timestamp_ms))
//
// signed with Ed25519 by the log's key. Plain values and pure functions; thread-safe.
#ifndef CANDOR_LOG_TREE_HEAD_H_
#define CANDOR_LOG_TREE_HEAD_H_

#include <cstdint>

#include "base/result.h"
#include "crypto/bytes.h"
#include "crypto/secret.h"
#include "log/rfc9162.h"

namespace candor::tlog {

// What the log asserts at a moment: its first `size` leaves have the root `root`.
struct TreeHead {
  std::uint64_t size = 0;
  Hash root;
  std::uint64_t timestamp_ms = 0;  // ms since the Unix epoch, from the log's clock

  friend bool operator==(const TreeHead&, const TreeHead&) = default;
};

// The signed bytes: tr("candor/v1/sth", u64le(size), root, u64le(timestamp_ms)).
crypto::Bytes TreeHeadMessage(const TreeHead& head);

struct SignedTreeHead {
  TreeHead head;
  crypto::Signature64 signature;

  friend bool operator==(const SignedTreeHead&, const SignedTreeHead&) = default;
};

// Signs TreeHeadMessage(head) with the log's Ed25519 key. Deterministic (Ed25519 is).
SignedTreeHead SignTreeHead(const TreeHead& head, const crypto::SignSecretKey& log_key);

// Ok iff sth.signature is the log key's signature of TreeHeadMessage(sth.head).
// Error: kVerificationFailed otherwise. Says nothing about whether the root is right;
// check that with proofs (verify.h).
[[nodiscard]] Status VerifySignedTreeHead(const SignedTreeHead& sth,
                                          const crypto::SignPublicKey& log_public_key);

}  // namespace candor::tlog

#endif  // CANDOR_LOG_TREE_HEAD_H_
