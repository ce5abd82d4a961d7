#define PCRE2_CODE_UNIT_WIDTH 8
#include "split_pattern.hpp"

#include <pcre2.h>

#include <stdexcept>

namespace creditgate::tokenize_detail {

namespace {

// One match-data block per thread, reused by every split: one pair of offsets is all we read,
// so it fits any pattern, and no request allocates one.
pcre2_match_data* thread_match_data() {
    struct Holder {
        pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
        ~Holder() { pcre2_match_data_free(data); }
    };
    thread_local Holder holder;
    return holder.data;
}

}  // namespace

struct SplitPattern::Compiled {
    pcre2_code* code = nullptr;
    bool jit = false;
    ~Compiled() { pcre2_code_free(code); }
};

SplitPattern::SplitPattern(const std::string& pattern) {
    auto compiled = std::make_shared<Compiled>();
    int error = 0;
    PCRE2_SIZE error_offset = 0;
    compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_UCP, &error, &error_offset, nullptr);
    if (compiled->code == nullptr) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error, message, sizeof message);
        throw std::runtime_error("tokenizer pattern does not compile at offset " +
                                 std::to_string(error_offset) + ": " +
                                 reinterpret_cast<const char*>(message));
    }
    // JIT where the platform has it; the interpreter gives the same pieces, slower.
    compiled->jit = pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE) == 0;
    compiled_ = std::move(compiled);
}

bool SplitPattern::split(std::string_view text,
                         const std::function<void(std::string_view)>& on_piece) const {
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    pcre2_match_data* match = thread_match_data();
    // The first call checks the whole subject is valid UTF-8 (and the pattern's sanity); later
    // calls take the JIT's fast path, which skips both.
    bool checked = false;
    PCRE2_SIZE offset = 0;
    while (offset < text.size()) {
        const int rc =
            checked && compiled_->jit
                ? pcre2_jit_match(compiled_->code, subject, text.size(), offset, 0, match, nullptr)
                : pcre2_match(compiled_->code, subject, text.size(), offset,
                              checked ? PCRE2_NO_UTF_CHECK : 0, match, nullptr);
        if (rc == PCRE2_ERROR_NOMATCH) {
            // No encoding's pattern leaves a character unmatched; should one, it is one piece.
            on_piece(text.substr(offset));
            return true;
        }
        if (rc < 0) return false;
        checked = true;
        const PCRE2_SIZE* range = pcre2_get_ovector_pointer(match);
        if (range[0] == range[1]) return false;  // an empty match would make no progress
        if (range[0] > offset) on_piece(text.substr(offset, range[0] - offset));
        on_piece(text.substr(range[0], range[1] - range[0]));
        offset = range[1];
    }
    return true;
}

}  // namespace creditgate::tokenize_detail
