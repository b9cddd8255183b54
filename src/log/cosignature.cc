#include "log/cosignature.h"

#include <sodium.h>

#include <algorithm>
#include <set>

#include "crypto/ed25519.h"

namespace candor::tlog {
namespace {

std::string Base64(crypto::ByteSpan bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

}  // namespace

std::string CheckpointOrigin(const crypto::SignPublicKey& log_key) {
  return "candor-log-v1/" + crypto::ToHex(log_key);
}

std::string CosignedMessage(const crypto::SignPublicKey& log_key, std::uint64_t tree_size,
                            const Hash& root, std::uint64_t timestamp_s) {
  return "cosignature/v1\ntime " + std::to_string(timestamp_s) + "\n" + CheckpointOrigin(log_key) +
         "\n" + std::to_string(tree_size) + "\n" + Base64(root.span()) + "\n";
}

Cosignature Cosign(const crypto::SignPublicKey& log_key, const TreeHead& head,
                   std::uint64_t timestamp_s, const crypto::SignPublicKey& witness,
                   const crypto::SignSecretKey& witness_secret) {
  const std::string message = CosignedMessage(log_key, head.size, head.root, timestamp_s);
  return Cosignature{witness, timestamp_s,
                     crypto::Ed25519Sign(crypto::AsBytes(message), witness_secret)};
}

Status VerifyCosignature(const crypto::SignPublicKey& log_key, const TreeHead& head,
                         const Cosignature& c) {
  const std::string message = CosignedMessage(log_key, head.size, head.root, c.timestamp_s);
  if (!crypto::Ed25519Verify(crypto::AsBytes(message), c.signature, c.witness).ok()) {
    return VerificationFailed("the cosignature of witness " + crypto::ToHex(c.witness) +
                              " does not verify");
  }
  return Status::Ok();
}

std::size_t CountWitnessed(const crypto::SignPublicKey& log_key, const TreeHead& head,
                           std::span<const Cosignature> cosignatures,
                           std::span<const crypto::SignPublicKey> witnesses) {
  std::set<crypto::SignPublicKey> counted;
  for (const auto& c : cosignatures) {
    if (std::find(witnesses.begin(), witnesses.end(), c.witness) == witnesses.end()) continue;
    if (counted.contains(c.witness)) continue;
    if (VerifyCosignature(log_key, head, c).ok()) counted.insert(c.witness);
  }
  return counted.size();
}

}  // namespace candor::tlog
