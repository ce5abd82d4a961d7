// Token counts of OpenAI's BPE encodings, compared exactly with tiktoken's.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "creditgate/tokenize/bpe_encoding.hpp"
#include "shared_test_encodings.hpp"

namespace creditgate {
namespace {

using json = nlohmann::json;
using testing_support::test_encoding;

json tiktoken_fixture() {
    std::ifstream in(std::filesystem::path(CREDITGATE_SOURCE_DIR) /
                     "tests/unit/tokenize/fixtures/tiktoken_counts.json");
    return json::parse(in);
}

TEST(TokenizeBpeEncoding, CountsMatchTiktokenOnAVariedCorpus) {
    const json fixture = tiktoken_fixture();
    ASSERT_GE(fixture.at("corpus").size(), 50U);
    for (const EncodingName name : {EncodingName::o200k_base, EncodingName::cl100k_base}) {
        const BpeEncoding& encoding = test_encoding(name);
        for (const json& row : fixture.at("corpus")) {
            const auto& text = row.at("text").get_ref<const std::string&>();
            EXPECT_EQ(encoding.count(text),
                      row.at(std::string(to_string(name))).get<std::int64_t>())
                << to_string(name) << " on: " << text.substr(0, 80);
        }
    }
}

TEST(TokenizeBpeEncoding, KnownCountsOfShortTexts) {
    EXPECT_EQ(test_encoding(EncodingName::o200k_base).count("hello world"), 2);
    EXPECT_EQ(test_encoding(EncodingName::cl100k_base).count("hello world"), 2);
    EXPECT_EQ(test_encoding(EncodingName::o200k_base).count(""), 0);
}

TEST(TokenizeBpeEncoding, BothVocabulariesAreComplete) {
    EXPECT_EQ(test_encoding(EncodingName::o200k_base).vocabulary_size(), 199'998U);
    EXPECT_EQ(test_encoding(EncodingName::cl100k_base).vocabulary_size(), 100'256U);
}

TEST(TokenizeBpeEncoding, InvalidUtf8CountsOneTokenPerByte) {
    const std::string invalid = "abc \xFF\xFE def";
    EXPECT_EQ(test_encoding(EncodingName::o200k_base).count(invalid),
              static_cast<std::int64_t>(invalid.size()));
}

TEST(TokenizeBpeEncoding, AMegabyteSinglePieceIsCountedWithoutQuadraticCost) {
    // One piece of 1 MB: tiktoken's quadratic merge would take hours here; the heap merge takes
    // about a second. A run of one letter merges into long tokens: far fewer than its bytes.
    const std::string word(1024 * 1024, 'x');
    const std::int64_t tokens = test_encoding(EncodingName::o200k_base).count(word);
    EXPECT_GT(tokens, 0);
    EXPECT_LT(tokens, static_cast<std::int64_t>(word.size()) / 2);
}

TEST(TokenizeBpeEncoding, LongWhitespaceRunsAreCountedNotGivenUpOn) {
    // The split regex's lookahead and backtracking over long runs stay within PCRE2's limits:
    // the count is the BPE's, far below the byte fallback.
    for (const std::string& text :
         {std::string(256 * 1024, ' '), std::string(256 * 1024, '\n'), [] {
              std::string mixed;
              for (int i = 0; i < 64 * 1024; ++i) mixed += " \n\t ";
              return mixed + "x";
          }()}) {
        for (const EncodingName name : {EncodingName::o200k_base, EncodingName::cl100k_base}) {
            EXPECT_LT(test_encoding(name).count(text), static_cast<std::int64_t>(text.size()) / 2)
                << to_string(name) << ", " << text.size() << " bytes";
        }
    }
}

TEST(TokenizeBpeEncoding, LoadNamesTheLineOfAMalformedRankFile) {
    const auto path = std::filesystem::temp_directory_path() / "creditgate_bad_ranks.tiktoken";
    std::ofstream(path) << "IQ== 0\nnot-base64! 1\n";
    const auto loaded = BpeEncoding::load(EncodingName::o200k_base, path);
    ASSERT_TRUE(std::holds_alternative<std::string>(loaded));
    EXPECT_NE(std::get<std::string>(loaded).find(":2: the token is not base64"), std::string::npos)
        << std::get<std::string>(loaded);
    std::filesystem::remove(path);
}

TEST(TokenizeBpeEncoding, LoadRefusesARankFileMissingSingleBytes) {
    const auto path = std::filesystem::temp_directory_path() / "creditgate_short_ranks.tiktoken";
    std::ofstream(path) << "IQ== 0\nIg== 1\n";
    const auto loaded = BpeEncoding::load(EncodingName::cl100k_base, path);
    ASSERT_TRUE(std::holds_alternative<std::string>(loaded));
    EXPECT_NE(std::get<std::string>(loaded).find("is not a token"), std::string::npos);
    std::filesystem::remove(path);
}

TEST(TokenizeBpeEncoding, LoadReportsAMissingFile) {
    const auto loaded = BpeEncoding::load(EncodingName::o200k_base, "/nonexistent/o200k.tiktoken");
    ASSERT_TRUE(std::holds_alternative<std::string>(loaded));
    EXPECT_NE(std::get<std::string>(loaded).find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace creditgate
