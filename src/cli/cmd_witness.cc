// candor witness keygen | run — an independent witness of a Candor log (cli/witness.h).
//
//   candor witness keygen --key witness.key
//   candor witness run --log https://candor.example.org --key witness.key --state witness.json
//       [--log-key HEX] [--interval 60] [--once]
#include <fmt/core.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/io.h"
#include "cli/witness.h"

namespace candor::cli {
namespace {

volatile std::sig_atomic_t g_witness_stop = 0;
extern "C" void StopWitness(int) { g_witness_stop = 1; }

struct WitnessRunOptions {
  std::string log, key;
  WitnessOptions witness;
  double interval_s = 60;
  bool once = false;
};

std::uint64_t NowS() { return static_cast<std::uint64_t>(std::time(nullptr)); }

Status RunWitness(const WitnessRunOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl log, ServerUrl::Parse(o.log));
  CANDOR_ASSIGN_OR_RETURN(crypto::SignKeyPair key, LoadWitnessKey(o.key));
  if (o.interval_s < 1) return InvalidArgument("--interval is at least 1 second");
  Say("Witness {} following {}.\n", crypto::ToHex(key.public_key), log.ToString());
  (void)std::signal(SIGINT, StopWitness);
  (void)std::signal(SIGTERM, StopWitness);
  for (;;) {
    auto round = WitnessOnce(log, key, o.witness, NowS());
    if (round.ok()) {
      if (round->new_head) Say("Cosigned the checkpoint of {} entries.\n", round->tree_size);
    } else if (round.error().code() == ErrorCode::kVerificationFailed) {
      // A fork, a rollback or another key: stop, loudly; the state file is the evidence.
      return round.error();
    } else {
      Say(stderr, "candor witness: {} (will retry)\n", round.error().message());
      if (o.once) return round.error();
    }
    (void)std::fflush(stdout);
    if (o.once) return Status::Ok();
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<std::int64_t>(o.interval_s * 1000));
    while (!g_witness_stop && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (g_witness_stop) return Status::Ok();
  }
}

}  // namespace

void RegisterWitnessCommands(CLI::App& app, int* exit_code) {
  CLI::App* w =
      app.add_subcommand("witness", "Witness a Candor log: follow it and cosign its checkpoints");
  w->require_subcommand(1);

  auto keygen = std::make_shared<std::string>();
  CLI::App* k = w->add_subcommand(
      "keygen", "Create a witness key file (Ed25519, mode 0600) and print its public key");
  k->add_option("--key", *keygen, "Where to write the new key file")->required();
  OnRun(k, exit_code, [keygen]() -> Status {
    CANDOR_ASSIGN_OR_RETURN(crypto::SignKeyPair kp, CreateWitnessKey(*keygen));
    Say("Witness public key: {}\nGive it to the log's operator (candor serve --witness NAME=KEY) "
        "and to the "
        "people who rely on you (--witness KEY).\n",
        crypto::ToHex(kp.public_key));
    return Status::Ok();
  });

  auto run = std::make_shared<WitnessRunOptions>();
  CLI::App* r = w->add_subcommand(
      "run", "Follow a log and cosign each new checkpoint that extends the last one");
  r->add_option("--log", run->log, "The Candor server whose log to witness")->required();
  r->add_option("--key", run->key, "The witness key file (from `candor witness keygen`)")
      ->required();
  r->add_option("--state", run->witness.state_file, "Where to keep the last head cosigned")
      ->required();
  r->add_option("--log-key", run->witness.log_key_hex,
                "The log's public key as its organization publishes it");
  r->add_option("--interval", run->interval_s, "Seconds between looks at the log")
      ->capture_default_str();
  r->add_flag("--once", run->once, "Look once and stop");
  r->add_option("--ca-file", run->witness.ca_file,
                "Trust this PEM certificate authority for HTTPS");
  OnRun(r, exit_code, [run] { return RunWitness(*run); });
}

}  // namespace candor::cli
