// Upper bound of prompt tokens of a chat completion request, from its bytes.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <random>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "creditgate/pricing/chat_quote.hpp"

namespace creditgate {
namespace {

using json = nlohmann::json;

constexpr std::int64_t R = kTokensPerRequestAllowance;
constexpr std::int64_t M = kTokensPerMessageAllowance;

// Bytes of a literal, so the expected values below read as "which bytes are counted".
constexpr std::int64_t b(std::string_view text) {
    return static_cast<std::int64_t>(text.size());
}

struct BoundRow {
    const char* name;
    const char* request;  // JSON text
    std::int64_t expected;
};

// gtest prints a failing row by its name rather than as raw bytes.
void PrintTo(const BoundRow& row, std::ostream* os) {
    *os << row.name;
}

class PricingChatPromptBound : public testing::TestWithParam<BoundRow> {};

TEST_P(PricingChatPromptBound, Case) {
    const BoundRow& row = GetParam();
    const json request = json::parse(row.request);
    EXPECT_EQ(chat_prompt_tokens_bound(request), row.expected) << row.request;
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Rows, PricingChatPromptBound,
    testing::Values(
        BoundRow{"NoMessagesIsTheRequestAllowance", R"({"model":"m","messages":[]})", R},
        BoundRow{"MissingMessagesIsTheRequestAllowance", R"({"model":"m"})", R},
        BoundRow{"StringContentCountsRoleAndContentBytes",
                 R"({"messages":[{"role":"user","content":"hello"}]})", R + M + b("user") + b("hello")},
        BoundRow{"EachMessageAddsItsAllowance",
                 R"({"messages":[{"role":"user","content":""},{"role":"user","content":""}]})",
                 R + 2 * (M + b("user"))},
        BoundRow{"NullContentCountsNothing",
                 R"({"messages":[{"role":"assistant","content":null}]})", R + M + b("assistant")},
        BoundRow{"Utf8ContentCountsBytesNotCharacters",
                 R"({"messages":[{"role":"user","content":"h\u00e9\u65e5"}]})",
                 R + M + b("user") + b("h\xc3\xa9\xe6\x97\xa5")},
        BoundRow{"EscapedQuotesCountOnceAsRawBytes",
                 R"({"messages":[{"role":"user","content":"a\"b"}]})", R + M + b("user") + b("a\"b")},
        BoundRow{"TextPartsCountTheirText",
                 R"({"messages":[{"role":"user","content":[{"type":"text","text":"abc"},{"type":"text","text":"de"}]}]})",
                 R + M + b("user") + b("abc") + b("de")},
        BoundRow{"ImagePartCountsTheImageAllowanceNotItsUrl",
                 R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"high"}}]}]})",
                 R + M + b("user") + kTokensPerImagePart},
        BoundRow{"InputAudioPartCountsItsSerializedBytes",
                 R"({"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"QUJD","format":"wav"}}]}]})",
                 R + M + b("user") + b(R"({"input_audio":{"data":"QUJD","format":"wav"},"type":"input_audio"})")},
        BoundRow{"UnknownPartTypeCountsItsSerializedBytes",
                 R"({"messages":[{"role":"user","content":[{"type":"file","file":{"file_data":"xyz"}}]}]})",
                 R + M + b("user") + b(R"({"file":{"file_data":"xyz"},"type":"file"})")},
        BoundRow{"TextPartWithNonStringTextCountsTheWholePart",
                 R"({"messages":[{"role":"user","content":[{"type":"text","text":42}]}]})",
                 R + M + b("user") + b(R"({"text":42,"type":"text"})")},
        BoundRow{"PartWithoutTypeCountsItsSerializedBytes",
                 R"({"messages":[{"role":"user","content":[{"text":"abc"}]}]})",
                 R + M + b("user") + b(R"({"text":"abc"})")},
        BoundRow{"PartWithNonStringTypeCountsItsSerializedBytes",
                 R"({"messages":[{"role":"user","content":[{"type":1,"text":"abc"}]}]})",
                 R + M + b("user") + b(R"({"text":"abc","type":1})")},
        BoundRow{"NonObjectPartCountsItsSerializedBytes",
                 R"({"messages":[{"role":"user","content":["abc",7]}]})",
                 R + M + b("user") + b(R"("abc")") + b("7")},
        BoundRow{"ObjectContentCountsItsSerializedBytes",
                 R"({"messages":[{"role":"user","content":{"a":"b"}}]})",
                 R + M + b("user") + b(R"({"a":"b"})")},
        BoundRow{"NameRefusalAndToolCallIdAreCounted",
                 R"({"messages":[{"role":"tool","tool_call_id":"call_1","name":"fn","refusal":"no","content":"42"}]})",
                 R + M + b("tool") + b("call_1") + b("fn") + b("no") + b("42")},
        BoundRow{"ToolCallsCountIdTypeNameAndArguments",
                 R"({"messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get","arguments":"{\"a\":1}"}}]}]})",
                 R + M + b("assistant") + b("call_1") + b("function") + b("get") + b(R"({"a":1})")},
        BoundRow{"ToolCallsOfTheWrongTypeCountTheirSerializedBytes",
                 R"({"messages":[{"role":"assistant","tool_calls":"x"}]})",
                 R + M + b("assistant") + b(R"("x")")},
        BoundRow{"ToolCallThatIsNotAnObjectCountsItsSerializedBytes",
                 R"({"messages":[{"role":"assistant","tool_calls":[[1,2]]}]})",
                 R + M + b("assistant") + b("[1,2]")},
        BoundRow{"ToolCallFunctionOfTheWrongTypeCountsItsSerializedBytes",
                 R"({"messages":[{"role":"assistant","tool_calls":[{"function":[1]}]}]})",
                 R + M + b("assistant") + b("[1]")},
        BoundRow{"NonStringArgumentsCountTheirSerializedBytes",
                 R"({"messages":[{"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":{"a":1}}}]}]})",
                 R + M + b("assistant") + b("f") + b(R"({"a":1})")},
        BoundRow{"WrongTypeOptionalFieldsCountTheirSerializedBytes",
                 R"({"messages":[{"role":null,"name":12345,"refusal":true}]})",
                 R + M + b("null") + b("12345") + b("true")},
        BoundRow{"UnknownMessageFieldCountsKeyAndValue",
                 R"({"messages":[{"role":"assistant","function_call":{"name":"f","arguments":"{}"}}]})",
                 R + M + b("assistant") + b("function_call") + b(R"({"arguments":"{}","name":"f"})")},
        BoundRow{"ToolsCountTheirSerializedBytes",
                 R"({"messages":[],"tools":[{"type":"function","function":{"name":"f","parameters":{}}}]})",
                 R + b(R"([{"function":{"name":"f","parameters":{}},"type":"function"}])")},
        BoundRow{"FunctionsResponseFormatAndPredictionCount",
                 R"({"messages":[],"functions":[{"name":"f"}],"response_format":{"type":"json_object"},"prediction":{"type":"content","content":"abc"}})",
                 R + b(R"([{"name":"f"}])") + b(R"({"type":"json_object"})") +
                     b(R"({"content":"abc","type":"content"})")},
        BoundRow{"ToolChoiceNamingAFunctionCounts",
                 R"({"messages":[],"tool_choice":{"type":"function","function":{"name":"f"}}})",
                 R + b(R"({"function":{"name":"f"},"type":"function"})")},
        BoundRow{"NullToolsCountNothing", R"({"messages":[],"tools":null})", R},
        BoundRow{"SerializedFieldsKeepUtf8AsRawBytes",
                 R"({"messages":[],"response_format":{"d":"\u00e9"}})",
                 R + b("{\"d\":\"\xc3\xa9\"}")},
        BoundRow{"FieldsThatAreNotPromptAreNotCounted",
                 R"({"model":"gpt-4o","messages":[],"temperature":0.5,"max_tokens":100,"n":3,"stream":true})", R},
        BoundRow{"MessagesThatAreNotAnArrayCountTheirSerializedBytes",
                 R"({"messages":"hi"})", R + b(R"("hi")")},
        BoundRow{"MessageThatIsNotAnObjectCountsItsSerializedBytes",
                 R"({"messages":[1,"x"]})", R + 2 * M + b("1") + b(R"("x")")},
        BoundRow{"RequestThatIsNotAnObjectCountsItsSerializedBytes", R"([1,2])", R + b("[1,2]")}),
    [](const testing::TestParamInfo<BoundRow>& row_info) { return std::string(row_info.param.name); });
// clang-format on

TEST(PricingChatPromptBound, InvalidUtf8BuiltInMemoryIsCountedNotThrown) {
    // The parser rejects invalid UTF-8, but a json built in code can hold it; dump would throw.
    json part = {{"type", "input_audio"}, {"input_audio", std::string("\xff\xfe")}};
    json request = {
        {"messages", json::array({json{{"role", "user"}, {"content", json::array({part})}}})},
        {"tools", std::string("\xc3")}};
    std::int64_t bound = 0;
    ASSERT_NO_THROW(bound = chat_prompt_tokens_bound(request));
    EXPECT_GE(bound, R + M + b("user") + 2 + 1);
}

TEST(PricingChatPromptBound, ABigPromptBoundsItsBytes) {
    const std::string text(3'000'000, 'x');
    const json request = {{"messages", json::array({json{{"role", "user"}, {"content", text}}})}};
    EXPECT_EQ(chat_prompt_tokens_bound(request), R + M + b("user") + 3'000'000);
}

std::uint64_t test_seed() {
    std::uint64_t seed = std::random_device{}();
    if (const char* env = std::getenv("CREDITGATE_TEST_SEED"))
        seed = std::strtoull(env, nullptr, 10);
    std::printf("[   SEED   ] %llu\n", static_cast<unsigned long long>(seed));
    return seed;
}

// Any JSON value, biased toward the field names and part types the bound looks at.
json random_value(std::mt19937_64& rng, int depth) {
    static const char* const kKeys[] = {"type",    "text",      "content",     "role",
                                        "name",    "function",  "arguments",   "tool_calls",
                                        "refusal", "image_url", "input_audio", "id"};
    static const char* const kStrings[] = {"text", "image_url", "input_audio",
                                           "user", "",          "\xc3\xa9"};
    const int kind = std::uniform_int_distribution<int>(0, depth > 3 ? 5 : 7)(rng);
    switch (kind) {
        case 0:
            return nullptr;
        case 1:
            return std::uniform_int_distribution<int>(0, 1)(rng) == 1;
        case 2:
            return std::uniform_int_distribution<std::int64_t>(-5, 5)(rng);
        case 3:
            return 0.5;
        case 4:
        case 5:
            return kStrings[std::uniform_int_distribution<int>(0, 5)(rng)];
        case 6: {
            json array = json::array();
            const int n = std::uniform_int_distribution<int>(0, 3)(rng);
            for (int i = 0; i < n; ++i) array.push_back(random_value(rng, depth + 1));
            return array;
        }
        default: {
            json object = json::object();
            const int n = std::uniform_int_distribution<int>(0, 4)(rng);
            for (int i = 0; i < n; ++i) {
                object[kKeys[std::uniform_int_distribution<int>(0, 11)(rng)]] =
                    random_value(rng, depth + 1);
            }
            return object;
        }
    }
}

TEST(PricingChatPromptBound, OddButValidShapesNeverThrowAndNeverCountBelowTheAllowances) {
    const std::uint64_t seed = test_seed();
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 5'000; ++i) {
        json request = json::object();
        json messages = json::array();
        const int n = std::uniform_int_distribution<int>(0, 4)(rng);
        for (int m = 0; m < n; ++m) messages.push_back(random_value(rng, 1));
        request["messages"] = messages;
        if (std::uniform_int_distribution<int>(0, 3)(rng) == 0)
            request["tools"] = random_value(rng, 1);
        std::int64_t bound = 0;
        ASSERT_NO_THROW(bound = chat_prompt_tokens_bound(request))
            << "seed=" << seed << " request=" << request.dump();
        ASSERT_GE(bound, R + n * M) << "seed=" << seed << " request=" << request.dump();
    }
}

}  // namespace
}  // namespace creditgate
