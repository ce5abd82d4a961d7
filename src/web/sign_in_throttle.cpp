#include "creditgate/web/sign_in_throttle.hpp"

#include <algorithm>
#include <iterator>

namespace creditgate {

int SignInThrottle::retry_after_s(const boost::asio::ip::address& client, std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    auto it = windows_.find(client.to_string());
    if (it == windows_.end() || it->second.failures < kMaxFailures) return 0;
    const auto left_ms = it->second.started_ms + kWindowMs - now_ms;
    if (left_ms <= 0) return 0;
    return static_cast<int>((left_ms + 999) / 1000);
}

void SignInThrottle::record_failure(const boost::asio::ip::address& client, std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    if (windows_.size() >= kMaxAddresses) forget_ended(now_ms);
    auto& window = windows_[client.to_string()];
    if (now_ms - window.started_ms >= kWindowMs) window = Window{now_ms, 0};
    ++window.failures;
}

void SignInThrottle::forget_ended(std::int64_t now_ms) {
    std::erase_if(windows_, [now_ms](const auto& entry) {
        return now_ms - entry.second.started_ms >= kWindowMs;
    });
    if (windows_.size() >= kMaxAddresses) windows_.clear();
}

}  // namespace creditgate
