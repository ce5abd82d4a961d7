#include "creditgate/observe/access_log.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <boost/algorithm/hex.hpp>
#include <iterator>
#include <random>

namespace creditgate {

namespace {

thread_local AccessLogBatch* this_thread_batch = nullptr;

// Appends `text` as a JSON string. Fields such as path and model come from clients: quotes,
// backslashes and control bytes are escaped, invalid UTF-8 is passed through as bytes (the
// line is still one line, which is what log shippers need).
void append_json_string(fmt::memory_buffer& out, std::string_view text) {
    out.push_back('"');
    for (char c : text) {
        switch (c) {
            case '"':
                out.append(std::string_view("\\\""));
                break;
            case '\\':
                out.append(std::string_view("\\\\"));
                break;
            case '\n':
                out.append(std::string_view("\\n"));
                break;
            case '\r':
                out.append(std::string_view("\\r"));
                break;
            case '\t':
                out.append(std::string_view("\\t"));
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

void append_field(fmt::memory_buffer& out, std::string_view name, std::string_view value) {
    fmt::format_to(std::back_inserter(out), ",\"{}\":", name);
    append_json_string(out, value);
}

void append_field(fmt::memory_buffer& out, std::string_view name, std::int64_t value) {
    fmt::format_to(std::back_inserter(out), ",\"{}\":{}", name, value);
}

}  // namespace

// Formatted directly (no JSON object is built): this runs once per request on the I/O thread.
void log_access(const AccessRecord& r) {
    auto elapsed = std::chrono::steady_clock::now() - r.started;
    fmt::memory_buffer out;
    out.append(std::string_view(R"({"event":"request")"));
    append_field(out, "request_id", r.request_id);
    append_field(out, "method", r.method);
    append_field(out, "path", r.path);
    append_field(out, "status", r.status);
    append_field(out, "duration_us",
                 std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
    if (r.account_id) append_field(out, "account_id", r.account_id);
    if (r.key_id) append_field(out, "key_id", r.key_id);
    if (!r.model.empty()) {
        append_field(out, "model", r.model);
        out.append(std::string_view(r.stream ? R"(,"stream":true)" : R"(,"stream":false)"));
        append_field(out, "prompt_tokens", r.prompt_tokens);
        append_field(out, "cached_tokens", r.cached_tokens);
        append_field(out, "completion_tokens", r.completion_tokens);
        append_field(out, "cost_nanos", r.cost_nanos);
    }
    if (r.upstream_first_byte_us >= 0) {
        append_field(out, "upstream_first_byte_us", r.upstream_first_byte_us);
    }
    if (!r.flags.empty()) append_field(out, "flags", r.flags);
    if (!r.error_code.empty()) append_field(out, "error", r.error_code);
    out.push_back('}');
    const std::string_view line(out.data(), out.size());
    if (this_thread_batch) {
        this_thread_batch->add(line);
    } else {
        spdlog::info(line);
    }
}

AccessLogBatch::AccessLogBatch(boost::asio::io_context& context,
                               std::chrono::milliseconds max_delay, std::size_t max_bytes)
    : timer_(context), max_delay_(max_delay), max_bytes_(max_bytes) {
    this_thread_batch = this;
}

AccessLogBatch::~AccessLogBatch() {
    if (this_thread_batch == this) this_thread_batch = nullptr;
    flush();
}

void AccessLogBatch::add(std::string_view line) {
    if (!lines_.empty()) lines_.push_back('\n');
    lines_.append(line);
    if (lines_.size() >= max_bytes_) {
        flush();
        return;
    }
    if (!timer_armed_) {
        timer_armed_ = true;
        timer_.expires_after(max_delay_);
        // The timer lives as long as this object; a wait still pending when the io_context
        // stops is destroyed with it, never run.
        timer_.async_wait([this](const boost::system::error_code& error) {
            if (error == boost::asio::error::operation_aborted) return;
            timer_armed_ = false;
            flush();
        });
    }
}

void AccessLogBatch::flush() {
    if (lines_.empty()) return;
    // One logger call: the sink writes the lines and the final newline in one piece.
    spdlog::info(std::string_view(lines_));
    lines_.clear();
}

std::string new_request_id() {
    // One CSPRNG seed per thread, then a fast generator: ids need to be unique, not secret.
    thread_local std::mt19937_64 generator = [] {
        std::uint64_t seed = 0;
        if (RAND_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof seed) != 1) {
            seed = std::random_device{}();
        }
        return std::mt19937_64(seed);
    }();
    const std::uint64_t high = generator();
    const auto low = static_cast<std::uint32_t>(generator());
    std::string id = "req_";
    id.reserve(4 + 24);
    boost::algorithm::hex_lower(&high, &high + 1, std::back_inserter(id));  // 16 digits
    boost::algorithm::hex_lower(&low, &low + 1, std::back_inserter(id));    // 8 digits
    return id;
}

}  // namespace creditgate
