#include "log/tree_head.h"

#include "crypto/ed25519.h"
#include "crypto/transcript.h"

namespace candor::tlog {

crypto::Bytes TreeHeadMessage(const TreeHead& head) {
  const auto size = crypto::U64Le(head.size);
  const auto timestamp = crypto::U64Le(head.timestamp_ms);
  return crypto::Tr("candor/v1/sth",
                    {crypto::ByteSpan(size), head.root.span(), crypto::ByteSpan(timestamp)});
}

SignedTreeHead SignTreeHead(const TreeHead& head, const crypto::SignSecretKey& log_key) {
  return SignedTreeHead{head, crypto::Ed25519Sign(TreeHeadMessage(head), log_key)};
}

Status VerifySignedTreeHead(const SignedTreeHead& sth,
                            const crypto::SignPublicKey& log_public_key) {
  Status status = crypto::Ed25519Verify(TreeHeadMessage(sth.head), sth.signature, log_public_key);
  if (!status.ok()) return status.error().WithContext("signed tree head");
  return Status::Ok();
}

}  // namespace candor::tlog
