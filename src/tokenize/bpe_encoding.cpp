#include "creditgate/tokenize/bpe_encoding.hpp"

#include <openssl/evp.h>

#include <charconv>
#include <fstream>
#include <limits>

#include "byte_pair_merge.hpp"
#include "rank_table.hpp"
#include "split_pattern.hpp"

namespace creditgate {

namespace {

using tokenize_detail::Rank;
using tokenize_detail::RankTable;
using tokenize_detail::SplitPattern;

// tiktoken's pre-tokenising patterns (tiktoken_ext/openai_public.py), verbatim.
constexpr const char* kCl100kPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kO200kPattern =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

const char* pattern_of(EncodingName name) {
    return name == EncodingName::o200k_base ? kO200kPattern : kCl100kPattern;
}

// Standard base64 with padding, as in the rank files; false on anything else.
bool decode_base64(std::string_view text, std::string& out) {
    if (text.empty() || text.size() % 4 != 0 || text.size() > 4096) return false;
    out.resize(text.size() / 4 * 3);
    const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                        reinterpret_cast<const unsigned char*>(text.data()),
                                        static_cast<int>(text.size()));
    if (written < 0) return false;
    std::size_t padding = 0;
    if (text.back() == '=') ++padding;
    if (text[text.size() - 2] == '=') ++padding;
    out.resize(static_cast<std::size_t>(written) - padding);
    return !out.empty();
}

}  // namespace

BpeEncoding::BpeEncoding(EncodingName name, std::shared_ptr<const RankTable> ranks,
                         std::shared_ptr<const SplitPattern> pattern)
    : name_(name), ranks_(std::move(ranks)), pattern_(std::move(pattern)) {}

std::variant<BpeEncoding, std::string> BpeEncoding::load(EncodingName name,
                                                         const std::filesystem::path& rank_file) {
    std::ifstream in(rank_file, std::ios::binary);
    if (!in) return "cannot open " + rank_file.string();
    RankTable::Builder builder;
    std::string line;
    std::string token;
    std::size_t line_number = 0;
    const auto error_at = [&](const char* what) {
        return rank_file.string() + ":" + std::to_string(line_number) + ": " + what;
    };
    while (std::getline(in, line)) {
        ++line_number;
        if (line.empty()) continue;
        const auto space = line.find(' ');
        if (space == std::string::npos) return error_at("expected \"<base64 token> <rank>\"");
        if (!decode_base64(std::string_view(line).substr(0, space), token)) {
            return error_at("the token is not base64");
        }
        Rank rank = 0;
        const char* first = line.data() + space + 1;
        const char* last = line.data() + line.size();
        const auto [end, ec] = std::from_chars(first, last, rank);
        if (ec != std::errc{} || end != last || first == last || rank == tokenize_detail::kNoRank) {
            return error_at("the rank is not a number");
        }
        builder.add(token, rank);
    }
    auto ranks = std::make_shared<RankTable>();
    if (!builder.build(*ranks)) return rank_file.string() + ": a token is listed twice";
    if (ranks->size() == 0) return rank_file.string() + ": no tokens";
    // Byte-level BPE needs every single byte to be a token.
    for (int byte = 0; byte < 256; ++byte) {
        const char c = static_cast<char>(byte);
        if (ranks->find(std::string_view(&c, 1)) == tokenize_detail::kNoRank) {
            return rank_file.string() + ": byte " + std::to_string(byte) + " is not a token";
        }
    }
    return BpeEncoding(name, std::move(ranks), std::make_shared<SplitPattern>(pattern_of(name)));
}

std::size_t BpeEncoding::vocabulary_size() const {
    return ranks_->size();
}

std::int64_t BpeEncoding::count(std::string_view text) const {
    std::int64_t tokens = 0;
    const bool split = pattern_->split(text, [&](std::string_view piece) {
        tokens += tokenize_detail::count_piece_tokens(*ranks_, piece);
    });
    if (!split) return static_cast<std::int64_t>(text.size());
    return tokens;
}

}  // namespace creditgate
