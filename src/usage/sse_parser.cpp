#include "creditgate/usage/sse_parser.hpp"

#include <cstring>
#include <utility>

namespace creditgate {

namespace {

constexpr std::size_t npos = std::string_view::npos;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

// memchr is vectorised; the caller caches the result so each byte is searched once per feed.
std::size_t find_byte(std::string_view buf, std::size_t from, char c) {
    if (from >= buf.size()) return npos;
    const void* hit = std::memchr(buf.data() + from, c, buf.size() - from);
    return hit == nullptr ? npos
                          : static_cast<std::size_t>(static_cast<const char*>(hit) - buf.data());
}

}  // namespace

bool SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
    if (failed_) return false;
    std::size_t consumed = 0;
    if (pending_.empty()) {
        // Fast path: nothing buffered, so scan the caller's bytes in place and keep only the tail.
        consumed = scan(bytes, out);
        if (!failed_) {
            const std::string_view tail = bytes.substr(consumed);
            if (tail.size() > max_event_bytes_) {
                failed_ = true;
            } else {
                pending_.assign(tail);
            }
        }
    } else {
        pending_.append(bytes);
        consumed = scan(pending_, out);
        if (!failed_) {
            pending_.erase(0, consumed);
            if (pending_.size() > max_event_bytes_) failed_ = true;
        }
    }
    if (failed_) {
        pending_.clear();
        pending_.shrink_to_fit();
        reset_event();
        return false;
    }
    line_start_ -= consumed;
    search_from_ -= consumed;
    // One huge event must not pin its buffer for the rest of a long stream.
    if (pending_.capacity() > 256 * 1024 && pending_.size() < 16 * 1024) pending_.shrink_to_fit();
    return true;
}

std::size_t SseParser::scan(std::string_view buf, std::vector<SseEvent>& out) {
    std::size_t event_start = 0;
    std::size_t pos = search_from_;
    std::size_t next_lf = find_byte(buf, pos, '\n');
    std::size_t next_cr = find_byte(buf, pos, '\r');
    while (true) {
        if (next_lf != npos && next_lf < pos) next_lf = find_byte(buf, pos, '\n');
        if (next_cr != npos && next_cr < pos) next_cr = find_byte(buf, pos, '\r');
        const std::size_t eol = next_lf < next_cr ? next_lf : next_cr;
        if (eol == npos) {
            search_from_ = buf.size();
            break;
        }
        std::size_t after = eol + 1;
        if (buf[eol] == '\r') {
            // "\r" then "\n" in the next feed is one line ending: wait for the next byte.
            if (after == buf.size()) {
                search_from_ = eol;
                break;
            }
            if (buf[after] == '\n') ++after;
        }
        std::string_view line = buf.substr(line_start_, eol - line_start_);
        if (at_stream_start_) {
            at_stream_start_ = false;
            if (line.starts_with(kBom)) line.remove_prefix(kBom.size());
        }
        if (line.empty()) {
            const std::size_t length = after - event_start;
            if (length > max_event_bytes_) {
                failed_ = true;
                return event_start;
            }
            SseEvent& event = out.emplace_back();
            event.raw.assign(buf.data() + event_start, length);
            event.data = std::move(data_);
            event.name = std::move(name_);
            reset_event();
            event_start = after;
        } else {
            take_line(line);
        }
        line_start_ = after;
        pos = after;
    }
    return event_start;
}

void SseParser::take_line(std::string_view line) {
    if (line.front() == ':') return;  // comment
    std::string_view field = line;
    std::string_view value;
    if (const std::size_t colon = line.find(':'); colon != npos) {
        field = line.substr(0, colon);
        value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
        if (has_data_) data_.push_back('\n');
        data_.append(value);
        has_data_ = true;
    } else if (field == "event") {
        name_.assign(value);
    }
    // "id", "retry" and unknown fields: nothing the proxy needs; the bytes stay in raw.
}

void SseParser::reset_event() {
    data_.clear();
    name_.clear();
    has_data_ = false;
    line_start_ = 0;
    search_from_ = 0;
}

std::string SseParser::take_remainder() {
    std::string remainder = std::move(pending_);
    pending_.clear();
    reset_event();
    return remainder;
}

}  // namespace creditgate
