#include "creditgate/usage/sse_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace creditgate {
namespace {

struct Parsed {
    std::vector<SseEvent> events;
    std::string remainder;
    bool ok = true;
};

// Feeds `stream` in pieces ending at each of `cuts` (ascending offsets), then the rest.
Parsed parse_pieces(std::string_view stream, const std::vector<std::size_t>& cuts,
                    std::size_t max_event_bytes = 8 * 1024 * 1024) {
    SseParser parser(max_event_bytes);
    Parsed parsed;
    std::size_t from = 0;
    for (std::size_t cut : cuts) {
        parsed.ok = parser.feed(stream.substr(from, cut - from), parsed.events) && parsed.ok;
        from = cut;
    }
    parsed.ok = parser.feed(stream.substr(from), parsed.events) && parsed.ok;
    parsed.remainder = parser.take_remainder();
    return parsed;
}

Parsed parse_whole(std::string_view stream, std::size_t max_event_bytes = 8 * 1024 * 1024) {
    return parse_pieces(stream, {}, max_event_bytes);
}

std::string joined_raw(const Parsed& parsed) {
    std::string all;
    for (const auto& event : parsed.events) all += event.raw;
    return all + parsed.remainder;
}

void expect_same(const Parsed& expected, const Parsed& actual, const std::string& how) {
    ASSERT_EQ(expected.events.size(), actual.events.size()) << how;
    for (std::size_t i = 0; i < expected.events.size(); ++i) {
        EXPECT_EQ(expected.events[i].raw, actual.events[i].raw) << how << " event " << i;
        EXPECT_EQ(expected.events[i].data, actual.events[i].data) << how << " event " << i;
        EXPECT_EQ(expected.events[i].name, actual.events[i].name) << how << " event " << i;
    }
    EXPECT_EQ(expected.remainder, actual.remainder) << how;
    EXPECT_EQ(expected.ok, actual.ok) << how;
}

const std::string kContentChunk =
    R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini",)"
    R"("system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":"Hi"},)"
    R"("logprobs":null,"finish_reason":null}],"usage":null})";

TEST(SseParser, SingleDataEventKeepsRawAndData) {
    const std::string stream = "data: " + kContentChunk + "\n\n";
    const Parsed parsed = parse_whole(stream);
    ASSERT_EQ(parsed.events.size(), 1u);
    EXPECT_EQ(parsed.events[0].raw, stream);
    EXPECT_EQ(parsed.events[0].data, kContentChunk);
    EXPECT_EQ(parsed.events[0].name, "");
    EXPECT_EQ(parsed.remainder, "");
    EXPECT_TRUE(parsed.ok);
}

TEST(SseParser, DataWithOrWithoutOneLeadingSpaceIsTheSame) {
    const Parsed parsed = parse_whole("data:x\n\ndata: x\n\ndata:  x\n\n");
    ASSERT_EQ(parsed.events.size(), 3u);
    EXPECT_EQ(parsed.events[0].data, "x");
    EXPECT_EQ(parsed.events[1].data, "x");
    EXPECT_EQ(parsed.events[2].data, " x");  // only one space is the separator
}

TEST(SseParser, MultipleDataLinesAreJoinedWithNewline) {
    const Parsed parsed = parse_whole("data: {\"a\":\ndata:1}\ndata\n\n");
    ASSERT_EQ(parsed.events.size(), 1u);
    EXPECT_EQ(parsed.events[0].data, "{\"a\":\n1}\n");  // a bare "data" line adds an empty line
}

TEST(SseParser, EventFieldNamesTheEventAndIsResetAfterIt) {
    const Parsed parsed = parse_whole(
        "event: message_start\ndata: {}\n\n"
        "event:ping\n\n"
        "data: {}\n\n");
    ASSERT_EQ(parsed.events.size(), 3u);
    EXPECT_EQ(parsed.events[0].name, "message_start");
    EXPECT_EQ(parsed.events[1].name, "ping");
    EXPECT_EQ(parsed.events[1].data, "");
    EXPECT_EQ(parsed.events[2].name, "");
}

TEST(SseParser, CommentLinesAreKeptInRawButIgnoredInFields) {
    const std::string stream = ": OPENROUTER PROCESSING\n\ndata: a\n: inline comment\ndata: b\n\n";
    const Parsed parsed = parse_whole(stream);
    ASSERT_EQ(parsed.events.size(), 2u);
    EXPECT_EQ(parsed.events[0].raw, ": OPENROUTER PROCESSING\n\n");
    EXPECT_EQ(parsed.events[0].data, "");
    EXPECT_EQ(parsed.events[1].data, "a\nb");
    EXPECT_EQ(joined_raw(parsed), stream);
}

TEST(SseParser, IdRetryAndUnknownFieldsDoNotChangeData) {
    const std::string stream = "id: 7\nretry: 3000\nData: shouted\nfoo: bar\ndata: x\n\n";
    const Parsed parsed = parse_whole(stream);
    ASSERT_EQ(parsed.events.size(), 1u);
    EXPECT_EQ(parsed.events[0].data, "x");  // field names are case-sensitive
    EXPECT_EQ(parsed.events[0].raw, stream);
}

TEST(SseParser, CrLfAndCrLineEndingsEndEventsLikeLf) {
    const Parsed crlf = parse_whole("data: a\r\ndata: b\r\n\r\nevent: e\r\ndata: c\r\n\r\n");
    ASSERT_EQ(crlf.events.size(), 2u);
    EXPECT_EQ(crlf.events[0].raw, "data: a\r\ndata: b\r\n\r\n");
    EXPECT_EQ(crlf.events[0].data, "a\nb");
    EXPECT_EQ(crlf.events[1].name, "e");
    EXPECT_EQ(crlf.events[1].data, "c");

    const Parsed cr = parse_whole("data: a\rdata: b\r\rdata: c\r\rdata: d\n\n");
    ASSERT_EQ(cr.events.size(), 3u);
    EXPECT_EQ(cr.events[0].raw, "data: a\rdata: b\r\r");
    EXPECT_EQ(cr.events[0].data, "a\nb");
    EXPECT_EQ(cr.events[1].data, "c");
    EXPECT_EQ(cr.events[2].data, "d");
}

TEST(SseParser, CrAtTheEndOfOneFeedAndLfAtTheStartOfTheNextAreOneLineEnding) {
    SseParser parser;
    std::vector<SseEvent> events;
    ASSERT_TRUE(parser.feed("data: a\r\n\r", events));
    EXPECT_TRUE(events.empty());  // the last \r may be half of \r\n
    ASSERT_TRUE(parser.feed("\ndata: b\r\n\r\n", events));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].raw, "data: a\r\n\r\n");
    EXPECT_EQ(events[0].data, "a");
    EXPECT_EQ(events[1].raw, "data: b\r\n\r\n");  // no stray \n at its start
    EXPECT_EQ(events[1].data, "b");
}

TEST(SseParser, CrEndedEventIsReleasedByTheNextByteOrReturnedAsRemainder) {
    SseParser parser;
    std::vector<SseEvent> events;
    ASSERT_TRUE(parser.feed("data: a\r\r", events));
    EXPECT_TRUE(events.empty());
    ASSERT_TRUE(parser.feed("d", events));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].raw, "data: a\r\r");
    EXPECT_EQ(parser.take_remainder(), "d");

    SseParser ended;
    ASSERT_TRUE(ended.feed("data: a\r\r", events));
    EXPECT_EQ(ended.take_remainder(), "data: a\r\r");  // forwarded unchanged at stream end
}

TEST(SseParser, EveryBlankLineEndsAnEventSoNoByteIsLost) {
    const std::string stream = "\n\ndata: a\n\n\n\r\n";
    const Parsed parsed = parse_whole(stream);
    ASSERT_EQ(parsed.events.size(), 5u);
    EXPECT_EQ(parsed.events[0].raw, "\n");
    EXPECT_EQ(parsed.events[2].raw, "data: a\n\n");
    EXPECT_EQ(parsed.events[4].raw, "\r\n");
    EXPECT_EQ(joined_raw(parsed), stream);
}

TEST(SseParser, UnterminatedFinalEventIsTheRemainder) {
    SseParser parser;
    std::vector<SseEvent> events;
    ASSERT_TRUE(parser.feed("data: a\n\ndata: [DO", events));
    ASSERT_TRUE(parser.feed("NE]\n", events));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(parser.take_remainder(), "data: [DONE]\n");
    EXPECT_EQ(parser.take_remainder(), "");           // taken once
    ASSERT_TRUE(parser.feed("data: b\n\n", events));  // a clean state afterwards
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[1].raw, "data: b\n\n");
    EXPECT_EQ(events[1].data, "b");
}

TEST(SseParser, LeadingBomIsKeptInRawAndIgnoredInFields) {
    const std::string stream =
        "\xEF\xBB\xBF"
        "data: a\n\ndata: \xEF\xBB\xBF"
        "b\n\n";
    const Parsed parsed = parse_whole(stream);
    ASSERT_EQ(parsed.events.size(), 2u);
    EXPECT_EQ(parsed.events[0].data, "a");
    EXPECT_EQ(parsed.events[0].raw,
              "\xEF\xBB\xBF"
              "data: a\n\n");
    EXPECT_EQ(parsed.events[1].data,
              "\xEF\xBB\xBF"
              "b");  // only at the stream's start
    expect_same(parsed, parse_pieces(stream, {1, 2}), "BOM split");
}

TEST(SseParser, OversizedEventFailsTheStreamAfterDeliveringEarlierEvents) {
    const std::string small = "data: ok\n\n";        // 10 bytes
    const std::string big = "data: 0123456789\n\n";  // 18 bytes
    for (const std::vector<std::size_t>& cuts :
         {std::vector<std::size_t>{}, {5}, {10}, {12}, {15, 20, 25}}) {
        const Parsed parsed = parse_pieces(small + big + small, cuts, 16);
        EXPECT_FALSE(parsed.ok);
        ASSERT_EQ(parsed.events.size(), 1u);
        EXPECT_EQ(parsed.events[0].raw, small);
        EXPECT_EQ(parsed.remainder, "");
    }
    SseParser parser(16);
    std::vector<SseEvent> events;
    EXPECT_FALSE(parser.feed(big, events));
    EXPECT_FALSE(parser.feed(small, events));  // spent
    EXPECT_TRUE(events.empty());
}

TEST(SseParser, OversizedUnterminatedEventFailsBeforeItIsBuffered) {
    SseParser parser(16);
    std::vector<SseEvent> events;
    EXPECT_TRUE(parser.feed("data: 0123456789", events));  // exactly 16 bytes so far
    EXPECT_FALSE(parser.feed("x", events));
    EXPECT_EQ(parser.take_remainder(), "");
}

TEST(SseParser, EventOfExactlyMaxBytesIsAccepted) {
    const std::string event = "data: 0123456789\n\n";
    const Parsed parsed = parse_pieces(event + event, {7, 18, 30}, event.size());
    EXPECT_TRUE(parsed.ok);
    EXPECT_EQ(parsed.events.size(), 2u);
}

TEST(SseParser, ByteByByteFeedOfALargeEventStaysLinear) {
    // A quadratic rescan of the buffered bytes would take minutes here.
    std::string stream = "data: ";
    stream.append(512 * 1024, 'x');
    stream += "\n\n";
    SseParser parser;
    std::vector<SseEvent> events;
    for (char c : stream) ASSERT_TRUE(parser.feed(std::string_view(&c, 1), events));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].raw, stream);
    EXPECT_EQ(events[0].data.size(), 512u * 1024u);
}

// --- Splits ----------------------------------------------------------------------------------

const std::vector<std::string>& split_streams() {
    static const std::vector<std::string> streams = {
        // A real OpenAI stream with include_usage, LF endings.
        "data: " + kContentChunk + "\n\n" +
            R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,)"
            R"("model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[],"usage":)"
            R"({"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}})"
            "\n\ndata: [DONE]\n\n",
        // CRLF endings, comments, named events, a bare data line and an unterminated tail.
        ": ping\r\n\r\nevent: delta\r\ndata: {\"a\":1}\r\ndata\r\nid: 3\r\n\r\ndata:tail",
        // CR-only endings mixed with LF and CRLF, blank-line runs.
        "data: a\rdata: b\r\r\n\ndata: c\r\n\r\rdata: d\n\r\n\r",
        // BOM at the start.
        "\xEF\xBB\xBF: c\n\ndata: x\r\n\r\n",
    };
    return streams;
}

TEST(SseSplit, EventsSplitAtEveryByteGiveTheSameResult) {
    for (const std::string& stream : split_streams()) {
        const Parsed whole = parse_whole(stream);
        EXPECT_EQ(joined_raw(whole), stream);
        for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
            expect_same(whole, parse_pieces(stream, {cut}), "cut at " + std::to_string(cut));
        }
        std::vector<std::size_t> every_byte;
        for (std::size_t cut = 1; cut < stream.size(); ++cut) every_byte.push_back(cut);
        expect_same(whole, parse_pieces(stream, every_byte), "one byte per feed");
    }
}

TEST(SseSplit, EventsSplitAtEveryPairOfBytesGiveTheSameResult) {
    for (std::size_t s = 1; s < split_streams().size(); ++s) {  // the shorter streams
        const std::string& stream = split_streams()[s];
        const Parsed whole = parse_whole(stream);
        for (std::size_t a = 0; a <= stream.size(); ++a) {
            for (std::size_t b = a; b <= stream.size(); ++b) {
                const Parsed split = parse_pieces(stream, {a, b});
                ASSERT_NO_FATAL_FAILURE(expect_same(
                    whole, split, "cuts " + std::to_string(a) + "," + std::to_string(b)));
            }
        }
    }
}

TEST(SseSplit, OversizedEventIsDetectedAtEverySplit) {
    const std::string stream = "data: ok\n\ndata: 0123456789\r\n\r\ndata: ok\n\n";
    const Parsed whole = parse_whole(stream, 16);
    ASSERT_FALSE(whole.ok);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        expect_same(whole, parse_pieces(stream, {cut}, 16), "cut at " + std::to_string(cut));
    }
}

}  // namespace
}  // namespace creditgate
