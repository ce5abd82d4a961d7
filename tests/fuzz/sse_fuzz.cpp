// libFuzzer target for the usage module: SSE framing and chat chunk inspection.
//
// Input: byte 0 picks max_event_bytes, byte 1 seeds where the stream is cut into feeds, the rest
// is the upstream stream. Checked on every input (a failed check aborts, which libFuzzer reports):
// - any split of the stream gives the same events, remainder and failure as one feed;
// - the raw bytes of the events plus the remainder are exactly the input;
// - inspect_chat_chunk agrees with nlohmann's strict SAX parser, used as an oracle: valid chunk
//   objects give the output bytes and usage the oracle computes, anything else a default view;
// - strip_null_usage removes exactly `,"usage":null` and nothing else.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "creditgate/usage/openai_usage.hpp"
#include "creditgate/usage/sse_parser.hpp"

namespace {

using creditgate::ChunkView;
using creditgate::SseEvent;
using creditgate::SseParser;
using nlohmann::json;

void check(bool condition, const char* what) {
    if (!condition) {
        std::fprintf(stderr, "check failed: %s\n", what);
        std::abort();
    }
}

struct Parsed {
    std::vector<SseEvent> events;
    std::string remainder;
    bool ok = true;
};

Parsed parse(std::string_view stream, std::size_t max_event_bytes, std::uint32_t seed) {
    SseParser parser(max_event_bytes);
    Parsed parsed;
    std::size_t at = 0;
    while (at < stream.size()) {
        std::size_t piece = stream.size() - at;
        if (seed != 0) {
            seed = seed * 1103515245u + 12345u;
            piece = std::min<std::size_t>(piece, 1 + (seed >> 16) % 24);
        }
        parsed.ok = parser.feed(stream.substr(at, piece), parsed.events) && parsed.ok;
        at += piece;
    }
    parsed.remainder = parser.take_remainder();
    return parsed;
}

bool json_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The rules inspect_chat_chunk documents, computed from a real parser's events.
class Oracle {
  public:
    using string_t = json::string_t;
    enum class Key { other, usage, delta, counted };

    bool null() { return value(false); }
    bool boolean(bool) { return value(false); }
    bool number_integer(json::number_integer_t) { return value(false); }
    bool number_unsigned(json::number_unsigned_t) { return value(false); }
    bool number_float(json::number_float_t, const string_t&) { return value(false); }
    bool binary(json::binary_t&) { return value(false); }
    bool string(string_t& text) {
        const Key key = pending_;
        value(false);
        if (key == Key::counted && delta_depth_ >= 0)
            output_bytes += static_cast<std::int64_t>(text.size());
        return true;
    }
    bool start_object(std::size_t) {
        if (depth_ == 0 && !started_) top_is_object = true;
        const Key key = pending_;
        value(true);
        ++depth_;
        if (depth_ > max_depth) max_depth = depth_;
        if (key == Key::delta && delta_depth_ < 0) delta_depth_ = depth_;
        return true;
    }
    bool start_array(std::size_t) {
        value(false);
        ++depth_;
        if (depth_ > max_depth) max_depth = depth_;
        return true;
    }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(string_t& name) {
        if (depth_ == 1) {
            pending_ = name == "usage" ? Key::usage : Key::other;
        } else if (name == "delta" || name == "message") {
            pending_ = Key::delta;
        } else if (name == "content" || name == "refusal" || name == "reasoning_content" ||
                   name == "reasoning" || name == "arguments" || name == "name" || name == "text") {
            pending_ = Key::counted;
        } else {
            pending_ = Key::other;
        }
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
        return false;
    }

    bool top_is_object = false;
    bool last_usage_is_object = false;
    int max_depth = 0;
    std::int64_t output_bytes = 0;

  private:
    bool value(bool is_object) {
        started_ = true;
        if (pending_ == Key::usage) last_usage_is_object = is_object;
        pending_ = Key::other;
        return true;
    }
    bool close() {
        if (depth_ == delta_depth_) delta_depth_ = -1;
        --depth_;
        return true;
    }

    Key pending_ = Key::other;
    int depth_ = 0;
    int delta_depth_ = -1;
    bool started_ = false;
};

bool is_default(const ChunkView& view) {
    return !view.is_done && !view.is_usage_only && !view.usage && view.output_bytes == 0 &&
           !view.ends_with_null_usage;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && json_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && json_space(s.back())) s.remove_suffix(1);
    return s;
}

void check_chunk(std::string_view data) {
    const ChunkView view = creditgate::inspect_chat_chunk(data);
    if (trimmed(data) == "[DONE]") {
        check(view.is_done && !view.usage && view.output_bytes == 0, "[DONE] view");
        return;
    }
    check(!view.is_done, "only [DONE] is done");
    Oracle oracle;
    // nlohmann's lexer takes a NUL byte for the end of input; JSON has no raw NUL anywhere.
    const bool valid = data.find('\0') == std::string_view::npos &&
                       json::sax_parse(data.begin(), data.end(), &oracle);
    if (!valid || !oracle.top_is_object || oracle.max_depth > 128) {
        check(is_default(view), "malformed or non-object data gives a default view");
        return;
    }
    check(view.output_bytes == oracle.output_bytes, "output bytes match the oracle");
    check(view.usage.has_value() == oracle.last_usage_is_object, "usage presence matches");
    check(view.ends_with_null_usage == trimmed(data).ends_with(",\"usage\":null}"),
          "null usage suffix");
    const json dom = json::parse(data.begin(), data.end());
    const auto usage = creditgate::usage_from_json(dom);
    check(usage.has_value() == view.usage.has_value(), "usage agrees with usage_from_json");
    if (usage) {
        check(usage->prompt_tokens == view.usage->prompt_tokens &&
                  usage->completion_tokens == view.usage->completion_tokens &&
                  usage->cached_tokens == view.usage->cached_tokens &&
                  usage->reasoning_tokens == view.usage->reasoning_tokens,
              "usage counts agree");
        check(json::parse(view.usage->raw) == dom["usage"], "usage raw is the usage object");
        const auto choices = dom.find("choices");
        const bool empty =
            choices == dom.end() || choices->is_null() || (choices->is_array() && choices->empty());
        check(view.is_usage_only == empty, "usage-only iff choices empty");
    } else {
        check(!view.is_usage_only, "no usage, not usage-only");
    }
    (void)creditgate::chat_completion_output_bytes(dom);
}

void check_strip(const SseEvent& event, bool first_event) {
    const std::string stripped = creditgate::strip_null_usage(event.raw);
    const std::string_view member = ",\"usage\":null";
    bool one_member_removed = false;
    for (std::size_t at = event.raw.find(member); at != std::string::npos && !one_member_removed;
         at = event.raw.find(member, at + 1)) {
        std::string expected = event.raw;
        expected.erase(at, member.size());
        one_member_removed = expected == stripped;
    }
    check(one_member_removed, "strip removes one member and keeps every other byte");
    // The fields of the stripped event: the same data without the final member.
    if (!first_event && stripped.starts_with("\xEF\xBB\xBF")) return;  // a BOM only counts first
    SseParser parser;
    std::vector<SseEvent> events;
    parser.feed(stripped, events);
    if (events.size() != 1) return;  // a \r-ended event waits for its next byte
    const std::string_view data = event.data;
    const std::size_t cut = data.find_last_not_of(" \t\n\r") - member.size();
    std::string expected(data.substr(0, cut));
    expected += data.substr(cut + member.size());
    check(events[0].data == expected, "stripped event's data lacks the member only");
    check(events[0].name == event.name, "stripped event keeps its name");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    if (size < 2) return 0;
    static constexpr std::size_t kLimits[] = {1, 8, 16, 64, 256, 8 * 1024 * 1024};
    const std::size_t max_event_bytes = kLimits[bytes[0] % std::size(kLimits)];
    const std::uint32_t seed = bytes[1] + 1u;
    const std::string_view stream(reinterpret_cast<const char*>(bytes) + 2, size - 2);

    const Parsed whole = parse(stream, max_event_bytes, 0);
    const Parsed split = parse(stream, max_event_bytes, seed);
    check(whole.ok == split.ok, "split gives the same failure");
    check(whole.events.size() == split.events.size(), "split gives the same event count");
    for (std::size_t i = 0; i < whole.events.size(); ++i) {
        check(whole.events[i].raw == split.events[i].raw, "split gives the same raw");
        check(whole.events[i].data == split.events[i].data, "split gives the same data");
        check(whole.events[i].name == split.events[i].name, "split gives the same name");
        check(whole.events[i].raw.size() <= max_event_bytes, "events respect the limit");
    }
    check(whole.remainder == split.remainder, "split gives the same remainder");
    if (whole.ok) {
        std::string all;
        for (const auto& event : whole.events) all += event.raw;
        all += whole.remainder;
        check(all == stream, "raw bytes plus remainder are the stream");
    }

    for (std::size_t i = 0; i < whole.events.size(); ++i) {
        const SseEvent& event = whole.events[i];
        check_chunk(event.data);
        if (creditgate::inspect_chat_chunk(event.data).ends_with_null_usage)
            check_strip(event, i == 0);
    }
    check_chunk(stream);  // the whole input as one chunk's data: JSON-shaped inputs reach here
    return 0;
}
