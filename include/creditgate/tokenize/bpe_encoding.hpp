#pragma once
// An OpenAI byte-level BPE encoding (o200k_base, cl100k_base): counts the tokens of text exactly
// as tiktoken's encode_ordinary does (special-token text such as "<|endoftext|>" is ordinary
// text, as the API treats a user's text).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "creditgate/tokenize/encoding_name.hpp"

namespace creditgate {

namespace tokenize_detail {
class RankTable;
class SplitPattern;
}  // namespace tokenize_detail

class BpeEncoding {
  public:
    // Reads a `.tiktoken` rank file (one "<base64 token> <rank>" per line). An error names the
    // file and the line. Takes tens of milliseconds: done once at start-up.
    static std::variant<BpeEncoding, std::string> load(EncodingName name,
                                                       const std::filesystem::path& rank_file);

    EncodingName name() const { return name_; }
    std::size_t vocabulary_size() const;

    // Tokens of `text`. Text that is not valid UTF-8 (or that the regex engine gives up on)
    // counts one token per byte: byte-level BPE never yields more tokens than bytes, so the
    // count stays an upper bound. Thread-safe; allocates only for pieces over 64 bytes.
    std::int64_t count(std::string_view text) const;

  private:
    BpeEncoding(EncodingName name, std::shared_ptr<const tokenize_detail::RankTable> ranks,
                std::shared_ptr<const tokenize_detail::SplitPattern> pattern);

    EncodingName name_;
    std::shared_ptr<const tokenize_detail::RankTable> ranks_;
    std::shared_ptr<const tokenize_detail::SplitPattern> pattern_;
};

}  // namespace creditgate
