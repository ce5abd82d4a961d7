// The chat prompt bound with a model's BPE: never below what OpenAI counts, and close to it.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "../tokenize/shared_test_encodings.hpp"
#include "creditgate/pricing/chat_quote.hpp"

namespace creditgate {
namespace {

using json = nlohmann::json;
using testing_support::test_encoding;

json tiktoken_fixture() {
    std::ifstream in(std::filesystem::path(CREDITGATE_SOURCE_DIR) /
                     "tests/unit/tokenize/fixtures/tiktoken_counts.json");
    return json::parse(in);
}

json request_of(const json& messages) {
    return json{{"model", "gpt-4o"}, {"messages", messages}};
}

TEST(PricingChatBpeBound, IsAtLeastWhatOpenAICountsAndWithinTheAllowances) {
    const json fixture = tiktoken_fixture();
    for (const EncodingName name : {EncodingName::o200k_base, EncodingName::cl100k_base}) {
        for (const json& chat : fixture.at("chats")) {
            const auto& messages = chat.at("messages");
            // tiktoken's count under the OpenAI cookbook's rule (fixtures/generate.mjs).
            const auto counted = chat.at(std::string(to_string(name))).get<std::int64_t>();
            const std::int64_t bound =
                chat_prompt_tokens_bound(request_of(messages), &test_encoding(name));
            const auto n = static_cast<std::int64_t>(messages.size());
            EXPECT_GE(bound, counted) << to_string(name) << ": " << messages.dump();
            // The slack is the allowances' margin over the 3 per message (+1 per name) and 3
            // per request that OpenAI adds: never more.
            EXPECT_LE(bound - counted,
                      (kTokensPerMessageAllowance - 3) * n + kTokensPerRequestAllowance - 3)
                << to_string(name) << ": " << messages.dump();
            EXPECT_LT(bound, chat_prompt_tokens_bound(request_of(messages)))
                << "the BPE bound should be tighter than the byte bound";
        }
    }
}

TEST(PricingChatBpeBound, TextPartsSplitAnywhereStillBoundTheJoinedText) {
    // A client may split one text into parts at any byte offset of a character; the provider
    // may join them before counting. Seeded, so a failure replays.
    const json fixture = tiktoken_fixture();
    const BpeEncoding& bpe = test_encoding(EncodingName::o200k_base);
    const unsigned seed = 20261207;
    std::mt19937 random(seed);
    for (const json& row : fixture.at("corpus")) {
        const auto& text = row.at("text").get_ref<const std::string&>();
        if (text.size() < 2) continue;
        json parts = json::array();
        std::size_t begin = 0;
        while (begin < text.size()) {
            std::size_t end = std::min(text.size(), begin + 1 + random() % 24);
            // Cut between characters only: a part is a JSON string, valid UTF-8.
            while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
                ++end;
            }
            parts.push_back({{"type", "text"}, {"text", text.substr(begin, end - begin)}});
            begin = end;
        }
        const json messages = json::array({{{"role", "user"}, {"content", parts}}});
        const json joined = json::array({{{"role", "user"}, {"content", text}}});
        EXPECT_GE(chat_prompt_tokens_bound(request_of(messages), &bpe),
                  chat_prompt_tokens_bound(request_of(joined), &bpe))
            << "seed " << seed << ", text: " << text.substr(0, 60);
    }
}

TEST(PricingChatBpeBound, WhatItCannotCountStaysInBytes) {
    const BpeEncoding& bpe = test_encoding(EncodingName::o200k_base);
    const json tools = json::parse(
        R"([{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}])");
    const json with_tools = {{"messages", json::array({{{"role", "user"}, {"content", "hi"}}})},
                             {"tools", tools}};
    const json without = {{"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}};
    EXPECT_EQ(chat_prompt_tokens_bound(with_tools, &bpe) - chat_prompt_tokens_bound(without, &bpe),
              static_cast<std::int64_t>(tools.dump().size()));

    const json image = {
        {"messages",
         json::array(
             {{{"role", "user"},
               {"content", json::array({{{"type", "image_url"},
                                         {"image_url", {{"url", "https://x/y.png"}}}}})}}})}};
    EXPECT_EQ(chat_prompt_tokens_bound(image, &bpe), kTokensPerRequestAllowance +
                                                         kTokensPerMessageAllowance +
                                                         bpe.count("user") + kTokensPerImagePart);
}

TEST(PricingChatBpeBound, WithoutAnEncodingItIsTheByteBound) {
    const json request = {
        {"messages", json::array({{{"role", "user"}, {"content", "hello world"}}})}};
    EXPECT_EQ(chat_prompt_tokens_bound(request, nullptr),
              kTokensPerRequestAllowance + kTokensPerMessageAllowance + 4 + 11);
    EXPECT_EQ(chat_prompt_tokens_bound(request, &test_encoding(EncodingName::o200k_base)),
              kTokensPerRequestAllowance + kTokensPerMessageAllowance + 1 + 2);
}

}  // namespace
}  // namespace creditgate
