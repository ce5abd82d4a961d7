#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <boost/beast/http.hpp>

namespace creditgate::mock {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

// Counters served by GET /__mock/stats; tests assert that they moved.
struct Stats {
    std::atomic<std::uint64_t> connections_accepted{0};
    std::atomic<std::int64_t> connections_open{0};
    std::atomic<std::uint64_t> requests{0};  // requests received on /v1/*
    std::atomic<std::uint64_t> streams_started{0};
    std::atomic<std::uint64_t> streams_completed{0};
    std::atomic<std::uint64_t> streams_aborted_by_client{0};
    std::atomic<std::uint64_t> hangs_started{0};         // mock-hang requests received
    std::atomic<std::uint64_t> hangs_left_by_client{0};  // ... whose client closed the connection
    std::atomic<std::uint64_t> requests_dropped{0};      // mock-drop-reused: closed, not answered

    std::string to_json_text() const;
};

struct RecordedRequest {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;  // lowercase names, wire order
    std::string body;
};

// The last kCapacity requests received on /v1/*, oldest first (GET/DELETE /__mock/requests).
class RequestLog {
  public:
    static constexpr std::size_t kCapacity = 200;

    void record(const Request& request);
    std::string to_json_text() const;
    std::size_t clear();  // returns how many entries were dropped

  private:
    mutable std::mutex mutex_;
    std::deque<RecordedRequest> entries_;
};

// Everything shared by all connections of one mock process.
struct MockState {
    Stats stats;
    RequestLog requests;
};

}  // namespace creditgate::mock
