// At most so many password verifications at once, in all and per source address (issue 12:
// sixty parallel sign-ins, half a CPU-second of Argon2id each, stalled every public read for
// 12 seconds). A sign-in that finds no free slot is refused at once ("busy, try again"), so it
// neither holds a server thread while it waits nor queues behind an attacker's.
//
//   PasswordGate gate(1, 1);
//   if (auto ticket = gate.TryEnter(source)) { … VerifyPassword … }   // released with ticket
//
// Thread-safe.
#ifndef CANDOR_SERVER_APP_PASSWORD_GATE_H_
#define CANDOR_SERVER_APP_PASSWORD_GATE_H_

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace candor::app {

class PasswordGate {
 public:
  // `global`, `per_source` ≥ 1. An empty source (unknown, or behind a proxy that hides it)
  // is one source.
  PasswordGate(std::size_t global, std::size_t per_source)
      : global_(global), per_source_(per_source) {}
  PasswordGate(const PasswordGate&) = delete;
  PasswordGate& operator=(const PasswordGate&) = delete;

  // A slot held until destroyed.
  class Ticket {
   public:
    Ticket(Ticket&& other) noexcept : gate_(other.gate_), source_(std::move(other.source_)) {
      other.gate_ = nullptr;
    }
    Ticket& operator=(Ticket&&) = delete;
    Ticket(const Ticket&) = delete;
    ~Ticket() {
      if (gate_ != nullptr) gate_->Leave(source_);
    }

   private:
    friend class PasswordGate;
    Ticket(PasswordGate* gate, std::string source) : gate_(gate), source_(std::move(source)) {}
    PasswordGate* gate_;
    std::string source_;
  };

  // A slot, or nullopt when `global` verifications run already, or `per_source` for `source`.
  std::optional<Ticket> TryEnter(std::string_view source) {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_ >= global_) return std::nullopt;
    std::size_t& mine = by_source_[std::string(source)];
    if (mine >= per_source_) {
      if (mine == 0) by_source_.erase(std::string(source));
      return std::nullopt;
    }
    ++mine;
    ++running_;
    return Ticket(this, std::string(source));
  }

  std::size_t running() const {
    std::lock_guard<std::mutex> lock(mu_);
    return running_;
  }

 private:
  void Leave(const std::string& source) {
    std::lock_guard<std::mutex> lock(mu_);
    --running_;
    auto it = by_source_.find(source);
    if (--it->second == 0) by_source_.erase(it);
  }

  const std::size_t global_;
  const std::size_t per_source_;
  mutable std::mutex mu_;
  std::size_t running_ = 0;                       // guarded by mu_
  std::map<std::string, std::size_t> by_source_;  // guarded by mu_; no zero entries
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_PASSWORD_GATE_H_
