// Failed sign-ins per address: the limit, its window, and addresses kept apart.
#include "creditgate/web/sign_in_throttle.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

using boost::asio::ip::make_address;

TEST(SignInThrottle, BlocksAnAddressAfterTheLimitUntilItsWindowEnds) {
    SignInThrottle throttle;
    const auto client = make_address("203.0.113.9");
    const std::int64_t start = 1'000'000;
    for (int i = 0; i < SignInThrottle::kMaxFailures; ++i) {
        EXPECT_EQ(throttle.retry_after_s(client, start + i), 0) << "attempt " << i + 1;
        throttle.record_failure(client, start + i);
    }
    EXPECT_EQ(throttle.retry_after_s(client, start + 10), 60);
    EXPECT_EQ(throttle.retry_after_s(client, start + 59'001), 1);
    EXPECT_EQ(throttle.retry_after_s(client, start + SignInThrottle::kWindowMs), 0);
    throttle.record_failure(client, start + SignInThrottle::kWindowMs);
    EXPECT_EQ(throttle.retry_after_s(client, start + SignInThrottle::kWindowMs + 1), 0)
        << "a new window starts from one failure";
}

TEST(SignInThrottle, OneAddressFailingDoesNotBlockAnother) {
    SignInThrottle throttle;
    for (int i = 0; i < SignInThrottle::kMaxFailures; ++i) {
        throttle.record_failure(make_address("198.51.100.1"), 5'000);
    }
    EXPECT_GT(throttle.retry_after_s(make_address("198.51.100.1"), 5'001), 0);
    EXPECT_EQ(throttle.retry_after_s(make_address("198.51.100.2"), 5'001), 0);
}

}  // namespace
}  // namespace creditgate
