#pragma once
// Failed sign-ins per client address (a wrong key, an unknown or used link): past the limit in
// one window, that address may not try again until the window ends (a 429 page with
// Retry-After). Shared by every I/O thread.
#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace creditgate {

class SignInThrottle {
  public:
    static constexpr int kMaxFailures = 10;
    static constexpr std::int64_t kWindowMs = 60'000;
    // Addresses remembered at most; past it, windows that ended are forgotten first and, if
    // that is not enough, all of them (an attacker with that many addresses gains one window).
    static constexpr std::size_t kMaxAddresses = 100'000;

    // Seconds the address must wait before it may try again; 0 when it may try now.
    int retry_after_s(const boost::asio::ip::address& client, std::int64_t now_ms);
    void record_failure(const boost::asio::ip::address& client, std::int64_t now_ms);

  private:
    struct Window {
        std::int64_t started_ms = 0;
        int failures = 0;
    };
    void forget_ended(std::int64_t now_ms);

    std::mutex mutex_;
    std::unordered_map<std::string, Window> windows_;
};

}  // namespace creditgate
