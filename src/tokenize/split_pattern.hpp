#pragma once
// Private to the tokenize module: an encoding's pre-tokenising regex (PCRE2, UTF + UCP, JIT),
// which cuts text into the pieces the byte pair merge then works on.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace creditgate::tokenize_detail {

class SplitPattern {
  public:
    // Throws std::runtime_error when the pattern does not compile (a bug of ours, at start-up).
    explicit SplitPattern(const std::string& pattern);

    // Calls on_piece for every piece of `text`, in order. False when the text is not valid
    // UTF-8 or the regex engine fails (a resource limit): the caller then counts bytes instead.
    bool split(std::string_view text, const std::function<void(std::string_view)>& on_piece) const;

  private:
    struct Compiled;
    std::shared_ptr<const Compiled> compiled_;
};

}  // namespace creditgate::tokenize_detail
