#include "mock_state.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace creditgate::mock {

namespace {

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

std::string Stats::to_json_text() const {
    const nlohmann::json stats = {
        {"connections_accepted", connections_accepted.load()},
        {"connections_open", connections_open.load()},
        {"requests", requests.load()},
        {"streams_started", streams_started.load()},
        {"streams_completed", streams_completed.load()},
        {"streams_aborted_by_client", streams_aborted_by_client.load()},
        {"hangs_started", hangs_started.load()},
        {"hangs_left_by_client", hangs_left_by_client.load()},
        {"requests_dropped", requests_dropped.load()},
    };
    return stats.dump();
}

void RequestLog::record(const Request& request) {
    // Copy outside the lock: the lock only guards the deque.
    RecordedRequest entry;
    entry.method = std::string(request.method_string());
    entry.target = std::string(request.target());
    for (const auto& field : request) {
        entry.headers.emplace_back(lowercase(field.name_string()), std::string(field.value()));
    }
    entry.body = request.body();

    std::lock_guard lock(mutex_);
    entries_.push_back(std::move(entry));
    while (entries_.size() > kCapacity) entries_.pop_front();
}

std::string RequestLog::to_json_text() const {
    nlohmann::json out = nlohmann::json::array();
    std::lock_guard lock(mutex_);
    for (const auto& entry : entries_) {
        nlohmann::json headers = nlohmann::json::object();
        for (const auto& [name, value] : entry.headers) {
            // A repeated header is folded into one value, as HTTP allows.
            auto it = headers.find(name);
            if (it == headers.end()) {
                headers[name] = value;
            } else {
                *it = it->get<std::string>() + ", " + value;
            }
        }
        out.push_back({{"method", entry.method},
                       {"target", entry.target},
                       {"headers", std::move(headers)},
                       {"body", entry.body}});
    }
    // Bodies are arbitrary bytes: replace invalid UTF-8 rather than throw.
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::size_t RequestLog::clear() {
    std::lock_guard lock(mutex_);
    const std::size_t dropped = entries_.size();
    entries_.clear();
    return dropped;
}

}  // namespace creditgate::mock
