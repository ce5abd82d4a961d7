#pragma once
// Incremental Server-Sent Events framing: bytes in, whole events out, raw bytes preserved.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace creditgate {

struct SseEvent {
    std::string raw;   // the event's exact bytes, including its terminating blank line
    std::string data;  // the "data:" lines joined with '\n' (one leading space stripped each)
    std::string name;  // the "event:" field, empty when absent
};

// Feed bytes as they arrive; complete events are appended to `out`. Handles \n, \r\n and \r
// line endings, comment lines (":" prefix), multi-line data, and events split across feeds
// at any byte. Bytes of an unfinished event stay buffered until the next feed or finish().
class SseParser {
public:
    explicit SseParser(std::size_t max_event_bytes = 8 * 1024 * 1024) : max_event_bytes_(max_event_bytes) {}

    // Returns false if a single event grew beyond max_event_bytes (the stream is malformed).
    bool feed(std::string_view bytes, std::vector<SseEvent>& out);

    // The bytes of an unterminated final event (stream ended without a blank line), if any.
    std::string take_remainder();

private:
    std::size_t max_event_bytes_;
    // implementation state: chosen by the implementer
    std::string pending_;
    bool last_was_cr_ = false;
};

}  // namespace creditgate
