// `candor serve --onion`: the server published as a Tor onion service (issue 16, item 4), so
// members can reach it from Tor Browser without their network seeing which site they visit,
// and without the server learning their address (every visitor arrives from Tor, on loopback).
//
// Candor writes DATA_DIR/tor/torrc — its own Tor instance, no SOCKS port, one onion service
// forwarding port 80 to the server's address — starts Debian's `tor` with it, and reads the
// onion address Tor writes (DATA_DIR/tor/onion/hostname; the service's key stays beside it, so
// the address survives restarts and backups of the data directory). Tor is stopped with the
// server.
#ifndef CANDOR_CLI_ONION_H_
#define CANDOR_CLI_ONION_H_

#include <sys/types.h>

#include <string>

#include "base/result.h"

namespace candor::cli {

class OnionService {
 public:
  OnionService() = default;
  ~OnionService() { Stop(); }
  OnionService(const OnionService&) = delete;
  OnionService& operator=(const OnionService&) = delete;

  // Starts Tor for an onion service forwarding to host:port, and waits (up to 60 s) for its
  // address. Tor builds the service's key and address without the network; it publishes the
  // service once it reaches the Tor network. Error: kUnavailable when `tor` cannot be run or
  // gives no address (its log is DATA_DIR/tor/tor.log).
  Result<std::string> Start(const std::string& data_dir, const std::string& host, int port,
                            const std::string& tor_binary = "tor");
  void Stop();

 private:
  pid_t pid_ = 0;
};

// Whether `address` is a v3 onion address: 56 base32 characters (a–z, 2–7) and ".onion".
bool IsOnionAddress(const std::string& address);

}  // namespace candor::cli

#endif  // CANDOR_CLI_ONION_H_
