#include "creditgate/usage/openai_usage.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "creditgate/usage/sse_parser.hpp"

namespace creditgate {
namespace {

using nlohmann::json;

// Real gpt-4o-mini chunks (stream_options.include_usage=true), one per line of the stream.
const std::string kHead =
    R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini",)"
    R"("system_fingerprint":"fp_1",)";
const std::string kRoleChunk =
    kHead + R"("choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},)"
            R"("logprobs":null,"finish_reason":null}],"usage":null})";
const std::string kContentChunk =
    kHead +
    R"("choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}],)"
    R"("usage":null})";
const std::string kFinishChunk =
    kHead + R"("choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],)"
            R"("usage":null})";
const std::string kUsageObject =
    R"({"prompt_tokens":12,"completion_tokens":7,"total_tokens":19,)"
    R"("prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},)"
    R"("completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,)"
    R"("accepted_prediction_tokens":0,"rejected_prediction_tokens":0}})";
const std::string kUsageChunk = kHead + R"("choices":[],"usage":)" + kUsageObject + "}";

std::string content_chunk(std::string_view json_string_body) {
    return kHead + R"("choices":[{"index":0,"delta":{"content":")" + std::string(json_string_body) +
           R"("},"logprobs":null,"finish_reason":null}],"usage":null})";
}

// Without include_usage the provider sends the same chunks without the trailing member.
std::string without_null_usage(const std::string& chunk) {
    const std::string suffix = R"(,"usage":null})";
    return chunk.substr(0, chunk.size() - suffix.size()) + "}";
}

// --- inspect_chat_chunk -----------------------------------------------------------------------

TEST(ChatChunk, ContentChunkCountsItsContentBytesAndHasNoUsage) {
    const ChunkView view = inspect_chat_chunk(kContentChunk);
    EXPECT_FALSE(view.is_done);
    EXPECT_FALSE(view.is_usage_only);
    EXPECT_FALSE(view.usage.has_value());
    EXPECT_EQ(view.output_bytes, 2);
    EXPECT_TRUE(view.ends_with_null_usage);
}

TEST(ChatChunk, RoleAndFinishChunksHaveNoOutput) {
    EXPECT_EQ(inspect_chat_chunk(kRoleChunk).output_bytes, 0);
    EXPECT_TRUE(inspect_chat_chunk(kRoleChunk).ends_with_null_usage);
    EXPECT_EQ(inspect_chat_chunk(kFinishChunk).output_bytes, 0);
}

TEST(ChatChunk, DoneMarksTheEnd) {
    EXPECT_TRUE(inspect_chat_chunk("[DONE]").is_done);
    EXPECT_TRUE(inspect_chat_chunk(" [DONE]\n").is_done);
    EXPECT_FALSE(inspect_chat_chunk("[DONE]x").is_done);
    EXPECT_FALSE(inspect_chat_chunk(R"("[DONE]")").is_done);
}

TEST(ChatChunk, UsageChunkIsRecognisedOnlyWhenChoicesAreEmpty) {
    const ChunkView usage_only = inspect_chat_chunk(kUsageChunk);
    EXPECT_TRUE(usage_only.is_usage_only);
    ASSERT_TRUE(usage_only.usage.has_value());
    EXPECT_FALSE(usage_only.ends_with_null_usage);

    // Some providers put usage on the last content chunk: it must reach the client.
    const std::string with_choices =
        kHead +
        R"("choices":[{"index":0,"delta":{"content":"!"},"finish_reason":"stop"}],)"
        R"("usage":)" +
        kUsageObject + "}";
    const ChunkView mixed = inspect_chat_chunk(with_choices);
    EXPECT_FALSE(mixed.is_usage_only);
    ASSERT_TRUE(mixed.usage.has_value());
    EXPECT_EQ(mixed.usage->completion_tokens, 7);
    EXPECT_EQ(mixed.output_bytes, 1);

    // Null usage on a chunk with empty choices is not a usage chunk.
    EXPECT_FALSE(inspect_chat_chunk(kHead + R"("choices":[],"usage":null})").is_usage_only);
    // A usage chunk that leaves "choices" out entirely carries nothing else for the client.
    EXPECT_TRUE(
        inspect_chat_chunk(R"({"id":"x","usage":{"prompt_tokens":1,"completion_tokens":2}})")
            .is_usage_only);
}

TEST(ChatChunk, UsageChunkGivesEveryCount) {
    const std::string chunk =
        kHead + R"("choices":[],"usage":{"prompt_tokens":2006,"completion_tokens":300,)"
                R"("total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920},)"
                R"("completion_tokens_details":{"reasoning_tokens":192}}})";
    const ChunkView view = inspect_chat_chunk(chunk);
    ASSERT_TRUE(view.usage.has_value());
    EXPECT_EQ(view.usage->prompt_tokens, 2006);
    EXPECT_EQ(view.usage->completion_tokens, 300);
    EXPECT_EQ(view.usage->cached_tokens, 1920);
    EXPECT_EQ(view.usage->reasoning_tokens, 192);
    EXPECT_TRUE(view.usage->billable());
}

TEST(ChatChunk, UsageRawIsTheProvidersOwnBytes) {
    const ChunkView view = inspect_chat_chunk(kUsageChunk);
    ASSERT_TRUE(view.usage.has_value());
    EXPECT_EQ(view.usage->raw, kUsageObject);  // key order as sent, not re-sorted
}

TEST(ChatChunk, NullOrNestedUsageIsNotUsage) {
    EXPECT_FALSE(inspect_chat_chunk(kContentChunk).usage.has_value());
    // A "usage" key below the top level (here inside a delta) is not the stream's usage.
    const std::string nested =
        kHead + R"("choices":[{"index":0,"delta":{"usage":{"prompt_tokens":5}}}]})";
    const ChunkView view = inspect_chat_chunk(nested);
    EXPECT_FALSE(view.usage.has_value());
    EXPECT_FALSE(view.is_usage_only);
}

TEST(ChatChunk, EndsWithNullUsageOnlyWhenNullUsageIsTheLastMember) {
    EXPECT_TRUE(inspect_chat_chunk(kContentChunk + " \n").ends_with_null_usage);
    EXPECT_FALSE(inspect_chat_chunk(without_null_usage(kContentChunk)).ends_with_null_usage);
    EXPECT_FALSE(inspect_chat_chunk(R"({"usage":null,"choices":[{"delta":{"content":"a"}}]})")
                     .ends_with_null_usage);
    EXPECT_FALSE(inspect_chat_chunk(R"({"id":"a", "usage": null })").ends_with_null_usage);
    // Malformed data never claims it: the proxy forwards it untouched.
    EXPECT_FALSE(inspect_chat_chunk(R"({"choices":[,"usage":null})").ends_with_null_usage);
}

TEST(ChatChunk, EscapedQuotesAndKeyTextInsideStringsDoNotConfuseTheScan) {
    // Content that mentions usage: "usage":{"prompt_tokens":1} and "content":"x", quoted.
    const std::string tricky =
        R"(\"usage\":{\"prompt_tokens\":1} and \"content\":\"x\",\"usage\":null}\\)";
    const ChunkView view = inspect_chat_chunk(content_chunk(tricky));
    EXPECT_FALSE(view.usage.has_value());
    EXPECT_FALSE(view.is_usage_only);
    EXPECT_TRUE(view.ends_with_null_usage);
    EXPECT_EQ(view.output_bytes, static_cast<std::int64_t>(
                                     json::parse("\"" + tricky + "\"").get<std::string>().size()));

    // A string *value* that spells a counted key is not a key.
    const std::string value_is_key_text =
        kHead + R"("choices":[{"index":0,"delta":{"role":"content"},"finish_reason":"usage"}]})";
    EXPECT_EQ(inspect_chat_chunk(value_is_key_text).output_bytes, 0);
}

TEST(ChatChunk, OutputBytesAreCountedDecoded) {
    EXPECT_EQ(inspect_chat_chunk(content_chunk(R"(a\nb)")).output_bytes, 3);
    EXPECT_EQ(inspect_chat_chunk(content_chunk(R"(\u00e9)")).output_bytes, 2);
    EXPECT_EQ(inspect_chat_chunk(content_chunk("\xC3\xA9")).output_bytes, 2);
    EXPECT_EQ(inspect_chat_chunk(content_chunk(R"(\u20ac)")).output_bytes, 3);
    EXPECT_EQ(inspect_chat_chunk(content_chunk(R"(\ud83d\ude00)")).output_bytes, 4);
}

TEST(ChatChunk, ToolCallNamesAndArgumentsAreOutput) {
    const std::string first =
        kHead +
        R"("choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":)"
        R"([{"index":0,"id":"call_abc","type":"function","function":{"name":"get_weather",)"
        R"("arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}],"usage":null})";
    const std::string next =
        kHead + R"("choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":)"
                R"({"arguments":"{\"location\":"}}]},"logprobs":null,"finish_reason":null}],)"
                R"("usage":null})";
    EXPECT_EQ(inspect_chat_chunk(first).output_bytes, 11);  // "get_weather"
    EXPECT_EQ(inspect_chat_chunk(next).output_bytes, 12);   // {"location":
    const std::string legacy =
        kHead +
        R"("choices":[{"index":0,"delta":{"function_call":{"name":"f","arguments":"{}"}}}]})";
    EXPECT_EQ(inspect_chat_chunk(legacy).output_bytes, 3);
}

TEST(ChatChunk, RefusalAndReasoningAreOutput) {
    EXPECT_EQ(inspect_chat_chunk(kHead + R"("choices":[{"index":0,"delta":{"refusal":"No."}}]})")
                  .output_bytes,
              3);
    EXPECT_EQ(inspect_chat_chunk(
                  kHead + R"("choices":[{"index":0,"delta":{"reasoning_content":"Let me"}}]})")
                  .output_bytes,
              6);
    EXPECT_EQ(inspect_chat_chunk(
                  kHead + R"("choices":[{"index":0,"delta":{"reasoning":"Hmm","content":"A"}}]})")
                  .output_bytes,
              4);
}

TEST(ChatChunk, FieldsOutsideTheDeltaAreNotOutput) {
    // logprobs repeats the token text; top-level fields are metadata.
    const std::string chunk =
        R"({"id":"chatcmpl-1","name":"xyz","model":"gpt-4o","choices":[{"index":0,)"
        R"("delta":{"content":"Hi"},"logprobs":{"content":[{"token":"Hi","logprob":-0.1,)"
        R"("bytes":[72,105],"top_logprobs":[]}],"refusal":null},"finish_reason":null}]})";
    EXPECT_EQ(inspect_chat_chunk(chunk).output_bytes, 2);
}

TEST(ChatChunk, EscapedKeysAreReadAsAParserWould) {
    const ChunkView view =
        inspect_chat_chunk(R"({"choices":[{"d\u0065lta":{"cont\u0065nt":"abc"}}],)"
                           R"("us\u0061ge":{"prompt_tokens":1,"completion_tokens":2}})");
    EXPECT_EQ(view.output_bytes, 3);
    ASSERT_TRUE(view.usage.has_value());
    EXPECT_EQ(view.usage->completion_tokens, 2);
}

TEST(ChatChunk, MalformedChunkIsForwardedNotThrown) {
    const std::vector<std::string> malformed = {
        "",
        "   ",
        "{",
        "[]",
        "\"text\"",
        "42",
        "null",
        R"({"choices":[{"delta":{"content":"Hi)",              // cut off mid-string
        R"({"choices":[{"delta":{"content":"Hi"}}])",          // missing brace
        R"({"choices":[{"delta":{"content":"Hi"}}]}})",        // extra brace
        R"({"choices":[{"delta":{"content":"Hi"}}]} x)",       // trailing garbage
        R"({"choices":[{"delta":{"content":"H\qi"}}]})",       // bad escape
        R"({"choices":[{"delta":{"content":"\ud83d"}}]})",     // lone surrogate
        R"({"choices":[{"delta":{"content":"\u12"}}]})",       // short \u
        "{\"choices\":[{\"delta\":{\"content\":\"\xC3\"}}]}",  // broken UTF-8
        "{\"choices\":[{\"delta\":{\"content\":\"a\tb\"}}]}",  // raw control character
        R"({"created":01,"choices":[]})",                      // leading zero
        R"({"created":1.,"choices":[]})",
        R"({"created":-,"choices":[]})",
        R"({"ok":tru})",
        R"({"a" 1})",
        R"({"a":1,})",
        R"({,"a":1})",
        R"({"a":[1,]})",
        R"({"a":[1 2]})",
        R"({"a":1]})",
        R"({"a":{"b":1]})",
        R"({1:2})",
        R"({"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7})",  // cut usage chunk
        R"({"choices":[],"usage":{"prompt_tokens":12,},"x":1})",
        std::string(1000, '{') + std::string(1000, '}'),  // too deep for a chunk
        std::string("{\"a\":1}\0,\"usage\":null}", 22),   // NUL: not the end of the data
        R"({"created":1e400,"choices":[]})",              // beyond double, as a parser says
    };
    for (const std::string& data : malformed) {
        ChunkView view;
        EXPECT_NO_THROW(view = inspect_chat_chunk(data)) << data;
        EXPECT_FALSE(view.is_done) << data;
        EXPECT_FALSE(view.is_usage_only) << data;
        EXPECT_FALSE(view.usage.has_value()) << data;
        EXPECT_EQ(view.output_bytes, 0) << data;
        EXPECT_FALSE(view.ends_with_null_usage) << data;
    }
}

TEST(ChatChunk, EveryPrefixOfAUsageChunkIsMalformedNotAThrow) {
    for (std::size_t n = 0; n < kUsageChunk.size(); ++n) {
        const ChunkView view = inspect_chat_chunk(std::string_view(kUsageChunk).substr(0, n));
        EXPECT_FALSE(view.usage.has_value()) << n;
    }
}

TEST(ChatChunk, ValidJsonOdditiesAreAccepted) {
    const ChunkView view = inspect_chat_chunk(
        " \t{ \"created\" : -1.5e+3 , \"big\":1.7e308, \"tiny\":1e-400, "
        "\"x\":[true,false,null,{},[]], \"choices\" : [ { \"delta\" "
        ": { \"content\" : \"\\u0000\\/\" } } ] }\r\n");
    EXPECT_EQ(view.output_bytes, 2);
}

// --- The proxy's use of a whole stream ----------------------------------------------------------

TEST(ChatChunkRelay, ClientThatDidNotAskForUsageSeesTheProviderBytesAndUsageIsBilled) {
    const std::vector<std::string> chunks = {kRoleChunk, kContentChunk, content_chunk(" there"),
                                             kFinishChunk};
    std::string with_usage;     // what the provider sends when the proxy injected include_usage
    std::string without_usage;  // what the provider would have sent to the client directly
    for (const std::string& chunk : chunks) {
        with_usage += "data: " + chunk + "\n\n";
        without_usage += "data: " + without_null_usage(chunk) + "\n\n";
    }
    with_usage += "data: " + kUsageChunk + "\n\ndata: [DONE]\n\n";
    without_usage += "data: [DONE]\n\n";

    std::mt19937 random(20240601);  // fixed seed: the test is deterministic
    for (int round = 0; round < 50; ++round) {
        SseParser parser;
        std::string to_client;
        std::optional<ReportedUsage> usage;
        std::int64_t output_bytes = 0;
        bool done = false;
        std::size_t at = 0;
        while (at < with_usage.size()) {
            const std::size_t piece = std::uniform_int_distribution<std::size_t>(1, 90)(random);
            std::vector<SseEvent> events;
            ASSERT_TRUE(parser.feed(std::string_view(with_usage).substr(at, piece), events));
            at += piece;
            for (const SseEvent& event : events) {
                const ChunkView view = inspect_chat_chunk(event.data);
                done = done || view.is_done;
                output_bytes += view.output_bytes;
                if (view.usage) {
                    if (!usage) usage.emplace();
                    merge_usage(*usage, *view.usage);
                }
                if (view.is_usage_only) continue;
                to_client += view.ends_with_null_usage ? strip_null_usage(event.raw) : event.raw;
            }
        }
        to_client += parser.take_remainder();
        ASSERT_EQ(to_client, without_usage) << "round " << round;
        EXPECT_TRUE(done);
        EXPECT_EQ(output_bytes, 8);  // "Hi" + " there"
        ASSERT_TRUE(usage.has_value());
        EXPECT_TRUE(usage->billable());
        EXPECT_EQ(usage->to_counts().prompt_tokens, 12);
        EXPECT_EQ(usage->to_counts().completion_tokens, 7);
    }
}

// --- strip_null_usage --------------------------------------------------------------------------

TEST(NullUsageStrip, NullUsageSuffixIsStrippedByteExact) {
    EXPECT_EQ(strip_null_usage("data: " + kContentChunk + "\n\n"),
              "data: " + without_null_usage(kContentChunk) + "\n\n");
    EXPECT_EQ(strip_null_usage("data:" + kContentChunk + "\r\n\r\n"),
              "data:" + without_null_usage(kContentChunk) + "\r\n\r\n");
    EXPECT_EQ(strip_null_usage("data: " + kContentChunk + "\r\r"),
              "data: " + without_null_usage(kContentChunk) + "\r\r");
    EXPECT_EQ(strip_null_usage("data: " + kContentChunk + "  \n\n"),
              "data: " + without_null_usage(kContentChunk) + "  \n\n");
    EXPECT_EQ(strip_null_usage(": note\nid: 4}\ndata: " + kContentChunk + "\nid: 5}\n\n"),
              ": note\nid: 4}\ndata: " + without_null_usage(kContentChunk) + "\nid: 5}\n\n");
    EXPECT_EQ(strip_null_usage("event: chunk\ndata: " + kContentChunk + "\ndata:\ndata:  \n\n"),
              "event: chunk\ndata: " + without_null_usage(kContentChunk) + "\ndata:\ndata:  \n\n");
}

TEST(NullUsageStrip, OnlyTheLastNullUsageBeforeTheFinalBraceIsRemoved) {
    // The content itself quotes the suffix; only the real member goes.
    const std::string chunk = content_chunk(R"(,\"usage\":null})");
    EXPECT_EQ(strip_null_usage("data: " + chunk + "\n\n"),
              "data: " + without_null_usage(chunk) + "\n\n");
}

TEST(NullUsageStrip, EventWithoutTheSuffixIsLeftUnchanged) {
    for (const std::string& raw :
         {"data: " + kUsageChunk + "\n\n", std::string("data: [DONE]\n\n"), std::string(": c\n\n"),
          std::string("\n"), std::string(""), "data: " + kContentChunk + "\ndata: x\n\n",
          std::string("data: {\"usage\":null\ndata: }\n\n")}) {
        EXPECT_EQ(strip_null_usage(raw), raw);
    }
}

TEST(NullUsageStrip, StrippedEventParsesToTheChunkWithoutUsage) {
    const std::string raw = "data: " + kFinishChunk + "\n\n";
    SseParser parser;
    std::vector<SseEvent> events;
    ASSERT_TRUE(parser.feed(strip_null_usage(raw), events));
    ASSERT_EQ(events.size(), 1u);
    const json chunk = json::parse(events[0].data);
    EXPECT_FALSE(chunk.contains("usage"));
    EXPECT_EQ(chunk["choices"][0]["finish_reason"], "stop");
}

// --- usage_from_json, to_counts, merge_usage ---------------------------------------------------

TEST(UsageFromJson, ReadsPromptCompletionCachedAndReasoning) {
    const json body = json::parse(
        R"({"id":"chatcmpl-2","object":"chat.completion","usage":{"prompt_tokens":2006,)"
        R"("completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":)"
        R"({"cached_tokens":1920,"audio_tokens":0},"completion_tokens_details":)"
        R"({"reasoning_tokens":192,"audio_tokens":0}}})");
    const auto usage = usage_from_json(body);
    ASSERT_TRUE(usage.has_value());
    EXPECT_EQ(usage->prompt_tokens, 2006);
    EXPECT_EQ(usage->completion_tokens, 300);
    EXPECT_EQ(usage->cached_tokens, 1920);
    EXPECT_EQ(usage->reasoning_tokens, 192);
    EXPECT_EQ(usage->raw, body["usage"].dump());
}

TEST(UsageFromJson, CachedTokensAreNotCountedTwice) {
    ReportedUsage usage;
    usage.prompt_tokens = 2006;
    usage.cached_tokens = 1920;
    usage.completion_tokens = 300;
    const TokenCounts counts = usage.to_counts();
    EXPECT_EQ(counts.prompt_tokens, 2006);  // cached stay inside prompt, priced apart by pricing
    EXPECT_EQ(counts.cached_tokens, 1920);
    EXPECT_EQ(counts.completion_tokens, 300);
}

TEST(UsageFromJson, ReasoningTokensAreNotAddedToCompletionTokens) {
    const auto usage =
        usage_from_json(json::parse(R"({"usage":{"prompt_tokens":10,"completion_tokens":300,)"
                                    R"("completion_tokens_details":{"reasoning_tokens":192}}})"));
    ASSERT_TRUE(usage.has_value());
    EXPECT_EQ(usage->to_counts().completion_tokens, 300);
}

TEST(UsageFromJson, AbsentCachedTokensCountAsZeroCached) {
    const auto usage =
        usage_from_json(json::parse(R"({"usage":{"prompt_tokens":10,"completion_tokens":3}})"));
    ASSERT_TRUE(usage.has_value());
    EXPECT_TRUE(usage->billable());
    EXPECT_FALSE(usage->cached_tokens.has_value());
    EXPECT_FALSE(usage->reasoning_tokens.has_value());
    EXPECT_EQ(usage->to_counts().cached_tokens, 0);
    EXPECT_EQ(usage->to_counts().prompt_tokens, 10);
}

TEST(UsageFromJson, WrongTypeOrNegativeCountIsAbsentNotZero) {
    for (const char* bad : {R"("12")", "-1", "1.5", "12.0", "true", "null", "[]", "{}",
                            "9223372036854775808", "18446744073709551615"}) {
        const auto usage = usage_from_json(json::parse(
            std::string(R"({"usage":{"prompt_tokens":)") + bad + R"(,"completion_tokens":)" + bad +
            R"(,"prompt_tokens_details":{"cached_tokens":)" + bad +
            R"(},"completion_tokens_details":{"reasoning_tokens":)" + bad + "}}}"));
        ASSERT_TRUE(usage.has_value()) << bad;
        EXPECT_FALSE(usage->prompt_tokens.has_value()) << bad;
        EXPECT_FALSE(usage->completion_tokens.has_value()) << bad;
        EXPECT_FALSE(usage->cached_tokens.has_value()) << bad;
        EXPECT_FALSE(usage->reasoning_tokens.has_value()) << bad;
        EXPECT_FALSE(usage->billable()) << bad;
    }
    const auto largest =
        usage_from_json(json::parse(R"({"usage":{"prompt_tokens":9223372036854775807}})"));
    ASSERT_TRUE(largest.has_value());
    EXPECT_EQ(largest->prompt_tokens, INT64_MAX);
}

TEST(UsageFromJson, MissingCompletionTokensIsNotBillable) {
    const auto usage = usage_from_json(json::parse(R"({"usage":{"prompt_tokens":10}})"));
    ASSERT_TRUE(usage.has_value());
    EXPECT_FALSE(usage->billable());
}

TEST(UsageFromJson, NoUsageObjectGivesNothing) {
    EXPECT_FALSE(usage_from_json(json::parse(R"({"id":"x"})")).has_value());
    EXPECT_FALSE(usage_from_json(json::parse(R"({"usage":null})")).has_value());
    EXPECT_FALSE(usage_from_json(json::parse(R"({"usage":[1,2]})")).has_value());
    EXPECT_FALSE(usage_from_json(json::parse(R"({"usage":7})")).has_value());
    EXPECT_FALSE(usage_from_json(json::parse("[]")).has_value());
    EXPECT_FALSE(usage_from_json(json()).has_value());
    // Details of the wrong shape leave the main counts alone.
    const auto odd = usage_from_json(json::parse(
        R"({"usage":{"prompt_tokens":1,"completion_tokens":2,"prompt_tokens_details":null,)"
        R"("completion_tokens_details":[3]}})"));
    ASSERT_TRUE(odd.has_value());
    EXPECT_TRUE(odd->billable());
    EXPECT_FALSE(odd->cached_tokens.has_value());
}

TEST(UsageFromJson, RawNeverThrowsOnInvalidUtf8) {
    json body;
    body["usage"]["prompt_tokens"] = 1;
    body["usage"]["note"] = std::string("\xFF\xFE");
    std::optional<ReportedUsage> usage;
    EXPECT_NO_THROW(usage = usage_from_json(body));
    ASSERT_TRUE(usage.has_value());
    EXPECT_FALSE(usage->raw.empty());
}

TEST(UsageMerge, MergeKeepsTheLargerValueOfEveryField) {
    ReportedUsage into;
    into.prompt_tokens = 100;
    into.completion_tokens = 1;
    into.raw = "first";
    ReportedUsage from;
    from.prompt_tokens = 90;
    from.completion_tokens = 50;
    from.cached_tokens = 64;
    from.raw = "second";
    merge_usage(into, from);
    EXPECT_EQ(into.prompt_tokens, 100);
    EXPECT_EQ(into.completion_tokens, 50);
    EXPECT_EQ(into.cached_tokens, 64);
    EXPECT_FALSE(into.reasoning_tokens.has_value());
    EXPECT_EQ(into.raw, "second");
}

TEST(UsageMerge, RepeatedCumulativeUsageIsNotAdded) {
    ReportedUsage total;
    const auto usage = inspect_chat_chunk(kUsageChunk).usage;
    ASSERT_TRUE(usage.has_value());
    merge_usage(total, *usage);
    merge_usage(total, *usage);  // a duplicated event must not bill twice
    EXPECT_EQ(total.prompt_tokens, 12);
    EXPECT_EQ(total.completion_tokens, 7);
    EXPECT_EQ(total.raw, kUsageObject);
}

TEST(UsageMerge, EmptyRawKeepsTheEarlierRaw) {
    ReportedUsage into;
    into.raw = "kept";
    ReportedUsage from;
    from.completion_tokens = 3;
    merge_usage(into, from);
    EXPECT_EQ(into.raw, "kept");
    EXPECT_EQ(into.completion_tokens, 3);
}

// --- chat_completion_output_bytes --------------------------------------------------------------

TEST(UsageOutputBytes, CountsContentRefusalReasoningAndToolCallsOfEveryChoice) {
    const json body = json::parse(R"({"id":"chatcmpl-3","object":"chat.completion","choices":[
        {"index":0,"message":{"role":"assistant","content":"Hello","refusal":null,
         "reasoning_content":"think","annotations":[]},"finish_reason":"stop"},
        {"index":1,"message":{"role":"assistant","content":null,"tool_calls":[
          {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"c\":1}"}}]},
         "finish_reason":"tool_calls"},
        {"index":2,"message":{"role":"assistant","content":null,"refusal":"No."}},
        {"index":3,"message":{"content":null,"function_call":{"name":"f","arguments":"{}"}}}],
        "usage":{"prompt_tokens":1,"completion_tokens":2}})");
    EXPECT_EQ(chat_completion_output_bytes(body), 5 + 5 + 11 + 7 + 3 + 1 + 2);
}

TEST(UsageOutputBytes, ContentPartsAreCounted) {
    const json body =
        json::parse(R"({"choices":[{"message":{"content":[{"type":"text","text":"ab"},)"
                    R"({"type":"refusal","refusal":"cd"},{"type":"image_url"},"odd"]}}]})");
    EXPECT_EQ(chat_completion_output_bytes(body), 4);
}

TEST(UsageOutputBytes, OddShapesCountZeroAndNeverThrow) {
    for (
        const char* text :
        {"null", "[]", "7", R"({"choices":null})", R"({"choices":{}})",
         R"({"choices":[1,"x",null]})", R"({"choices":[{"message":"text"}]})",
         R"({"choices":[{"message":{"content":5}}]})",
         R"({"choices":[{"message":{"tool_calls":{"a":1}}}]})",
         R"({"choices":[{"message":{"tool_calls":[1,{"function":"f"},{"function":{"name":3}}]}}]})",
         R"({"choices":[{"message":{"function_call":[]}}]})"}) {
        std::int64_t bytes = -1;
        EXPECT_NO_THROW(bytes = chat_completion_output_bytes(json::parse(text))) << text;
        EXPECT_EQ(bytes, 0) << text;
    }
}

TEST(UsageOutputBytes, StreamedAndNonStreamedRepliesCountTheSame) {
    // The same answer must cost the same estimate streamed or not.
    const json message =
        json::parse(R"({"role":"assistant","content":"Caf\u00e9 \"ok\"","reasoning_content":"r1",)"
                    R"("reasoning":"r2","refusal":"no","tool_calls":[{"id":"c","type":"function",)"
                    R"("function":{"name":"lookup","arguments":"{\"q\":\"x\"}"}}]})");
    json body;
    body["choices"] = json::array({{{"index", 0}, {"message", message}}});

    std::int64_t streamed = 0;
    for (const auto& [key, value] : message.items()) {
        json delta;
        delta[key] = value;
        json chunk = {{"id", "c"}, {"choices", json::array({{{"index", 0}, {"delta", delta}}})}};
        streamed += inspect_chat_chunk(chunk.dump()).output_bytes;
    }
    EXPECT_EQ(streamed, chat_completion_output_bytes(body));
    EXPECT_EQ(streamed, 10 + 2 + 2 + 2 + 6 + 9);
}

TEST(ChatChunk, AnErrorEventsMessageCountsAsOutput) {
    // A provider that fails mid-stream sends {"error":{...}} after the 200: that text reached the
    // client, so the estimate must not treat the stream as empty.
    const std::string message(2048, 'e');
    const auto view = inspect_chat_chunk(R"({"error":{"message":")" + message +
                                         R"(","type":"server_error","param":null,"code":null}})");
    EXPECT_EQ(view.output_bytes, 2048);
    EXPECT_FALSE(view.usage.has_value());
}

TEST(ChatChunk, OnlyTheTopLevelErrorsMessageCounts) {
    EXPECT_EQ(
        inspect_chat_chunk(R"({"error":{"type":"x","message":"abc","code":"ab"}})").output_bytes,
        3);
    // Not an error event: a nested "error" or a "message" outside it.
    EXPECT_EQ(inspect_chat_chunk(R"({"x":{"error":{"message":"abc"}}})").output_bytes, 0);
    EXPECT_EQ(inspect_chat_chunk(R"({"error":{"inner":{"message":"abc"}}})").output_bytes, 0);
    EXPECT_EQ(inspect_chat_chunk(R"({"error":"abc","message":"abc"})").output_bytes, 0);
    EXPECT_EQ(inspect_chat_chunk(R"({"error":{"message":null}})").output_bytes, 0);
}

TEST(UsageFromJson, TotalTokensIsKept) {
    const auto usage = usage_from_json(
        json::parse(R"({"usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":40}})"));
    ASSERT_TRUE(usage.has_value());
    EXPECT_EQ(usage->total_tokens, 40);
    const auto absent =
        usage_from_json(json::parse(R"({"usage":{"prompt_tokens":10,"completion_tokens":3}})"));
    EXPECT_FALSE(absent->total_tokens.has_value());
}

TEST(UsageMerge, TotalTokensKeepsTheLargerValue) {
    ReportedUsage into;
    into.total_tokens = 50;
    ReportedUsage from;
    from.total_tokens = 40;
    merge_usage(into, from);
    EXPECT_EQ(into.total_tokens, 50);
    from.total_tokens = 60;
    merge_usage(into, from);
    EXPECT_EQ(into.total_tokens, 60);
}

}  // namespace
}  // namespace creditgate
