#include "cli/witness.h"

#include <fmt/core.h>

#include <filesystem>
#include <optional>

#include "cli/io.h"
#include "cli/log_check.h"
#include "crypto/receipt.h"  // Wipe
#include "crypto/rng.h"
#include "domain/bundle.h"
#include "domain/strict_json.h"
#include "log/cosignature.h"
#include "log/verify.h"

namespace candor::cli {
namespace {

using Json = nlohmann::json;

struct WitnessState {
  std::optional<crypto::SignPublicKey> log_key;
  std::optional<tlog::TreeHead> head;  // the last head cosigned
};

Result<WitnessState> LoadState(const std::string& path) {
  WitnessState st;
  if (!std::filesystem::exists(path)) return st;
  CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
  Json j = domain::ParseStrictJsonOrDiscarded(text);
  const auto damaged = [&] {
    return Error(ErrorCode::kCorrupt, "the witness state '" + path + "' is damaged");
  };
  if (j.is_discarded() || !j.is_object() || !j.contains("log_public_key") ||
      !j["log_public_key"].is_string()) {
    return damaged();
  }
  auto key = crypto::FixedFromHex<crypto::SignPublicKey>(j["log_public_key"].get<std::string>(),
                                                         "log_public_key");
  if (!key.ok()) return damaged();
  st.log_key = *key;
  if (j.contains("tree_size") && !j["tree_size"].is_null()) {
    if (!j["tree_size"].is_number_unsigned() || !j.contains("root") || !j["root"].is_string() ||
        !j.contains("timestamp_ms") || !j["timestamp_ms"].is_number_unsigned()) {
      return damaged();
    }
    auto root = crypto::FixedFromHex<tlog::Hash>(j["root"].get<std::string>(), "root");
    if (!root.ok()) return damaged();
    st.head = tlog::TreeHead{j["tree_size"].get<std::uint64_t>(), *root,
                             j["timestamp_ms"].get<std::uint64_t>()};
  }
  return st;
}

Status SaveState(const std::string& path, const ServerUrl& log, const WitnessState& st) {
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  Json j{{"log", log.ToString()}, {"log_public_key", crypto::ToHex(*st.log_key)}};
  if (st.head) {
    j["tree_size"] = st.head->size;
    j["root"] = crypto::ToHex(st.head->root);
    j["timestamp_ms"] = st.head->timestamp_ms;
  }
  // WriteFileAtomic fsyncs before the rename: the head is durable before it is cosigned.
  return WriteFileAtomic(path, crypto::AsBytes(j.dump(2) + "\n"), /*overwrite=*/true, 0600);
}

}  // namespace

Result<WitnessRound> WitnessOnce(const ServerUrl& log, const crypto::SignKeyPair& witness,
                                 const WitnessOptions& o, std::uint64_t now_s) {
  CANDOR_ASSIGN_OR_RETURN(WitnessState st, LoadState(o.state_file));
  if (!o.log_key_hex.empty()) {
    CANDOR_ASSIGN_OR_RETURN(
        auto given, crypto::FixedFromHex<crypto::SignPublicKey>(o.log_key_hex, "--log-key"));
    if (st.log_key && *st.log_key != given) {
      return VerificationFailed("--log-key is not the key this witness has followed (" +
                                crypto::ToHex(*st.log_key) + ")");
    }
    st.log_key = given;
  }
  if (!st.log_key) {
    CANDOR_ASSIGN_OR_RETURN(Json key_json, GetJson(log, "/api/v1/log/key", o.ca_file));
    if (!key_json.contains("public_key") || !key_json["public_key"].is_string())
      return BadReply("no log key");
    auto key = crypto::FixedFromHex<crypto::SignPublicKey>(
        key_json["public_key"].get<std::string>(), "log key");
    if (!key.ok()) return BadReply("a malformed log key");
    st.log_key = *key;
  }
  CANDOR_ASSIGN_OR_RETURN(Json reply, GetJson(log, "/api/v1/log/checkpoints", o.ca_file));
  if (!reply.contains("checkpoints") || !reply["checkpoints"].is_array() ||
      reply["checkpoints"].empty()) {
    return BadReply("no checkpoint to cosign");
  }
  CANDOR_ASSIGN_OR_RETURN(const tlog::SignedTreeHead sth,
                          TreeHeadFromReply(reply["checkpoints"][0]));
  if (!tlog::VerifySignedTreeHead(sth, *st.log_key).ok()) {
    return VerificationFailed(
        "the log's checkpoint is not signed by the key this witness follows (" +
        crypto::ToHex(*st.log_key) + "): not cosigned");
  }
  constexpr std::uint64_t kFutureS = std::uint64_t{5} * 60;
  if (sth.head.timestamp_ms / 1000 > now_s + kFutureS) {
    return VerificationFailed("the log's checkpoint is dated in the future: not cosigned");
  }
  WitnessRound round{sth.head.size, true};
  if (st.head) {
    const tlog::TreeHead& old = *st.head;
    if (sth.head.size < old.size) {
      return VerificationFailed(fmt::format(
          "the log shows {} entries after this witness cosigned {}: a rollback; not cosigned",
          sth.head.size, old.size));
    }
    if (sth.head.size == old.size) {
      if (sth.head.root != old.root) {
        return VerificationFailed(fmt::format(
            "the log shows another root for the {} entries this witness cosigned: a fork; "
            "not cosigned",
            old.size));
      }
      round.new_head = false;
    } else if (old.size > 0) {
      // Both sizes are checkpoints: the witness names no size of its own.
      CANDOR_ASSIGN_OR_RETURN(std::vector<tlog::Hash> proof,
                              FetchConsistencyProof(log, old.size, sth.head.size, o.ca_file));
      if (!tlog::VerifyConsistency(old.size, sth.head.size, old.root, sth.head.root, proof).ok()) {
        return VerificationFailed(
            fmt::format("the log of {} entries does not extend the {} entries this witness "
                        "cosigned: a fork; not cosigned",
                        sth.head.size, old.size));
      }
    }
  }
  st.head = sth.head;
  CANDOR_RETURN_IF_ERROR(SaveState(o.state_file, log, st));
  const tlog::Cosignature c =
      tlog::Cosign(*st.log_key, sth.head, now_s, witness.public_key, witness.secret_key);
  auto posted = PostJson(log, "/api/v1/log/cosignatures",
                         Json{{"tree_size", sth.head.size},
                              {"witness", crypto::ToHex(c.witness)},
                              {"timestamp", c.timestamp_s},
                              {"signature", crypto::ToHex(c.signature)}},
                         o.ca_file);
  if (!posted.ok()) return posted.error();
  return round;
}

Result<crypto::SignKeyPair> LoadWitnessKey(const std::string& path) {
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes raw, ReadFileBytes(path));
  if (raw.size() != crypto::SignSecretKey::kSize) {
    crypto::Wipe(raw);
    return InvalidArgument("'" + path +
                           "' is not a witness key (create one with `candor witness keygen`)");
  }
  crypto::SignSecretKey secret;
  std::copy(raw.begin(), raw.end(), secret.data());
  crypto::Wipe(raw);
  return crypto::SignKeyPairFromSecret(std::move(secret));
}

Result<crypto::SignKeyPair> CreateWitnessKey(const std::string& path) {
  crypto::SignKeyPair kp = crypto::GenerateSignKeyPair(crypto::DefaultRng());
  CANDOR_RETURN_IF_ERROR(WriteFileAtomic(path, kp.secret_key.span(), /*overwrite=*/false, 0600));
  return kp;
}

}  // namespace candor::cli
