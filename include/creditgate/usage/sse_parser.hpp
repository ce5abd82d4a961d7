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
// at any byte. Bytes of an unfinished event stay buffered until the next feed or
// take_remainder().
//
// Invariants the proxy relies on:
// - Every byte fed ends up in exactly one event's `raw` or in the remainder, in order, so
//   forwarding every `raw` and then the remainder reproduces the upstream stream exactly.
// - Any split of the same bytes into feeds gives the same events. A '\r' that is the last byte
//   fed and ends a blank line is therefore held until the next byte shows whether a '\n'
//   belongs to it (one line ending); with \n or \r\n streams events are never held.
// - Every blank line ends an event, so a comment-only block (": keep-alive\n\n") or a stray
//   blank line is an event with empty `data`: its bytes must be forwarded too.
// - A UTF-8 BOM at the very start of the stream is kept in `raw` and ignored in the fields.
// - "id:" and "retry:" are accepted and ignored (not needed to relay or meter a stream);
//   unknown fields are ignored as the SSE specification says.
class SseParser {
  public:
    explicit SseParser(std::size_t max_event_bytes = 8 * 1024 * 1024)
        : max_event_bytes_(max_event_bytes) {}

    // Returns false if a single event grew beyond max_event_bytes (the stream is malformed).
    // Events completed before the oversized one are still appended to `out`. After false the
    // parser is spent: it drops its buffer, and every later feed returns false.
    bool feed(std::string_view bytes, std::vector<SseEvent>& out);

    // The bytes of an unterminated final event (stream ended without a blank line), if any.
    // Resets the parser's buffer; empty after a failed feed.
    std::string take_remainder();

  private:
    // Scans `buf` (whose byte 0 starts the current event) for complete lines, appends the
    // finished events and returns the offset where the unfinished event begins.
    std::size_t scan(std::string_view buf, std::vector<SseEvent>& out);
    void take_line(std::string_view line);
    void reset_event();

    std::size_t max_event_bytes_;
    std::string pending_;          // bytes of the unfinished event (nothing else)
    std::size_t line_start_ = 0;   // offset in pending_ of the current, incomplete line
    std::size_t search_from_ = 0;  // offset in pending_ to resume looking for a line end
    std::string data_;             // data lines of the current event so far
    std::string name_;             // event: field of the current event so far
    bool has_data_ = false;        // a data line was seen (the next one is joined with '\n')
    bool at_stream_start_ = true;  // the next line is the stream's first (may carry a BOM)
    bool failed_ = false;
};

}  // namespace creditgate
