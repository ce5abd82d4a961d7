// The light chunk scan: one pass over the bytes, no allocation. It validates the JSON grammar
// (strings, escapes, UTF-8, numbers, literals, nesting) so malformed data gives a default view
// without a full parse, and it notes just what the proxy needs from an ordinary content chunk.
#include "chunk_scanner.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace creditgate::usage_detail {

namespace {

// Keys the scan reacts to. A key's text is compared after decoding its escapes, as a parser would.
// counted: a string counted inside "delta"; counted_here: counted wherever it is (an error's
// message, a legacy completion choice's text).
enum class Key : std::uint8_t { other, usage, error, delta, counted, counted_here, choices };

// Output text of a chunk: string values of these keys inside "delta" (or "message") count
// towards the output estimate, and "text" of a choice (legacy completions). Keep in step with
// chat_completion_output_bytes and completion_output_bytes (openai_usage.cpp).
Key classify_key(std::string_view key, int depth) {
    if (depth == 1) {
        if (key == "usage") return Key::usage;
        if (key == "choices") return Key::choices;
        return key == "error" ? Key::error : Key::other;
    }
    switch (key.size()) {
        case 4:
            return key == "name" || key == "text" ? Key::counted : Key::other;
        case 5:
            return key == "delta" ? Key::delta : Key::other;
        case 7:
            if (key == "message") return Key::delta;
            return key == "content" || key == "refusal" ? Key::counted : Key::other;
        case 9:
            return key == "reasoning" || key == "arguments" ? Key::counted : Key::other;
        case 17:
            return key == "reasoning_content" ? Key::counted : Key::other;
        default:
            return Key::other;
    }
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Length of the well-formed UTF-8 sequence at p (RFC 3629, as nlohmann's lexer checks), or 0.
std::size_t utf8_sequence(const unsigned char* p, std::size_t n) {
    const auto in = [](unsigned char c, unsigned char lo, unsigned char hi) {
        return c >= lo && c <= hi;
    };
    const unsigned char c = p[0];
    if (in(c, 0xC2, 0xDF)) return n >= 2 && in(p[1], 0x80, 0xBF) ? 2 : 0;
    if (in(c, 0xE0, 0xEF)) {
        if (n < 3 || !in(p[2], 0x80, 0xBF)) return 0;
        const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
        const unsigned char hi = c == 0xED ? 0x9F : 0xBF;
        return in(p[1], lo, hi) ? 3 : 0;
    }
    if (in(c, 0xF0, 0xF4)) {
        if (n < 4 || !in(p[2], 0x80, 0xBF) || !in(p[3], 0x80, 0xBF)) return 0;
        const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
        const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
        return in(p[1], lo, hi) ? 4 : 0;
    }
    return 0;
}

// Length of the run of plain string bytes at p: printable ASCII other than '"' and '\\'. Chunks
// are mostly such text, so this is the scan's hot loop: 16 bytes per step where SSE2 exists.
std::size_t plain_run(const char* p, std::size_t n) {
    std::size_t k = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    for (; k + 16 <= n; k += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k));
        // Signed compare: bytes >= 0x80 are negative, so "< 0x20" also flags non-ASCII.
        const __m128i special =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                         _mm_cmplt_epi8(v, space));
        const int mask = _mm_movemask_epi8(special);
        if (mask != 0)
            return k + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
#endif
    for (; k < n; ++k) {
        const auto c = static_cast<unsigned char>(p[k]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
    }
    return k;
}

class ChunkScanner {
  public:
    explicit ChunkScanner(std::string_view s) : p_(s.data()), n_(s.size()) {}

    ChunkScan run();

  private:
    // Deeper data is not a chat chunk; refusing it also bounds the full parse that may follow.
    static constexpr int kMaxDepth = 128;
    enum class State : std::uint8_t {
        value,
        first_value_or_end,
        first_key_or_end,
        key,
        colon,
        comma_or_end,
        done
    };

    void skip_space() {
        while (i_ < n_ && is_json_space(p_[i_])) ++i_;
    }
    bool string(std::int64_t& decoded_bytes, bool& has_escape);
    bool hex4(std::size_t at, std::uint32_t& code) const;
    bool number();
    bool literal(std::string_view word);
    std::string_view decode_key(std::size_t begin, std::size_t end,
                                std::array<char, 24>& buf) const;

    const char* p_;
    std::size_t n_;
    std::size_t i_ = 0;
};

bool ChunkScanner::hex4(std::size_t at, std::uint32_t& code) const {
    if (at > n_ || n_ - at < 4) return false;
    code = 0;
    for (std::size_t k = 0; k < 4; ++k) {
        const int d = hex_digit(p_[at + k]);
        if (d < 0) return false;
        code = code * 16 + static_cast<std::uint32_t>(d);
    }
    return true;
}

// At an opening quote; on success i_ is past the closing quote and decoded_bytes is the length
// of the string once its escapes are decoded to UTF-8.
bool ChunkScanner::string(std::int64_t& decoded_bytes, bool& has_escape) {
    ++i_;
    std::int64_t decoded = 0;
    while (i_ < n_) {
        const std::size_t run = plain_run(p_ + i_, n_ - i_);
        i_ += run;
        decoded += static_cast<std::int64_t>(run);
        if (i_ == n_) break;
        const auto c = static_cast<unsigned char>(p_[i_]);
        if (c == '"') {
            ++i_;
            decoded_bytes = decoded;
            return true;
        }
        if (c == '\\') {
            has_escape = true;
            if (i_ + 1 >= n_) return false;
            switch (p_[i_ + 1]) {
                case '"':
                case '\\':
                case '/':
                case 'b':
                case 'f':
                case 'n':
                case 'r':
                case 't':
                    i_ += 2;
                    decoded += 1;
                    continue;
                case 'u': {
                    std::uint32_t code = 0;
                    if (!hex4(i_ + 2, code)) return false;
                    i_ += 6;
                    if (code >= 0xD800 && code <= 0xDBFF) {
                        std::uint32_t low = 0;
                        if (n_ - i_ < 6 || p_[i_] != '\\' || p_[i_ + 1] != 'u' ||
                            !hex4(i_ + 2, low) || low < 0xDC00 || low > 0xDFFF) {
                            return false;  // a high surrogate needs its low half
                        }
                        i_ += 6;
                        decoded += 4;
                    } else if (code >= 0xDC00 && code <= 0xDFFF) {
                        return false;
                    } else {
                        decoded += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
                    }
                    continue;
                }
                default:
                    return false;
            }
        }
        if (c < 0x20) return false;
        const std::size_t len =
            utf8_sequence(reinterpret_cast<const unsigned char*>(p_ + i_), n_ - i_);
        if (len == 0) return false;
        i_ += len;
        decoded += static_cast<std::int64_t>(len);
    }
    return false;
}

bool ChunkScanner::number() {
    const std::size_t begin = i_;
    const auto digit = [this] { return i_ < n_ && p_[i_] >= '0' && p_[i_] <= '9'; };
    if (p_[i_] == '-') ++i_;
    if (!digit()) return false;
    const std::size_t int_begin = i_;
    if (p_[i_] == '0') {
        ++i_;
    } else {
        while (digit()) ++i_;
    }
    std::int64_t magnitude = static_cast<std::int64_t>(i_ - int_begin) - 1;  // decimal exponent
    if (i_ < n_ && p_[i_] == '.') {
        ++i_;
        if (!digit()) return false;
        while (digit()) ++i_;
    }
    if (i_ < n_ && (p_[i_] == 'e' || p_[i_] == 'E')) {
        ++i_;
        bool negative = false;
        if (i_ < n_ && (p_[i_] == '+' || p_[i_] == '-')) negative = p_[i_++] == '-';
        if (!digit()) return false;
        std::int64_t exponent = 0;
        for (; digit(); ++i_) {
            if (exponent < 1'000'000) exponent = exponent * 10 + (p_[i_] - '0');
        }
        magnitude += negative ? -exponent : exponent;
    }
    // A parser rejects numbers beyond double's range (1e400); only those near it are checked.
    if (magnitude > 300) {
        double value = 0;
        const auto [end, ec] = std::from_chars(p_ + begin, p_ + i_, value);
        if (ec == std::errc::result_out_of_range || end != p_ + i_) return false;
    }
    return true;
}

bool ChunkScanner::literal(std::string_view word) {
    if (n_ - i_ < word.size()) return false;
    for (std::size_t k = 0; k < word.size(); ++k) {
        if (p_[i_ + k] != word[k]) return false;
    }
    i_ += word.size();
    return true;
}

// Keys with escapes never occur in real chunks, but a parser would decode them, so do we. Only
// ASCII keys can match, so anything else (or anything long) decodes to "not interesting".
std::string_view ChunkScanner::decode_key(std::size_t begin, std::size_t end,
                                          std::array<char, 24>& buf) const {
    std::size_t out = 0;
    for (std::size_t k = begin; k < end; ++k) {
        if (out == buf.size()) return {};
        char c = p_[k];
        if (c == '\\') {
            const char e = p_[++k];
            switch (e) {
                case 'b':
                    c = '\b';
                    break;
                case 'f':
                    c = '\f';
                    break;
                case 'n':
                    c = '\n';
                    break;
                case 'r':
                    c = '\r';
                    break;
                case 't':
                    c = '\t';
                    break;
                case 'u': {
                    std::uint32_t code = 0;
                    if (!hex4(k + 1, code) || code >= 0x80) return {};
                    c = static_cast<char>(code);
                    k += 4;
                    break;
                }
                default:
                    c = e;
                    break;  // '"', '\\', '/'
            }
        }
        buf[out++] = c;
    }
    return {buf.data(), out};
}

ChunkScan ChunkScanner::run() {
    ChunkScan result;
    if (std::string_view(p_, n_).starts_with(kBom)) i_ = kBom.size();  // as nlohmann skips it
    skip_space();
    if (i_ >= n_ || p_[i_] != '{') return result;  // a chunk is an object

    std::array<bool, kMaxDepth + 1> is_object{};  // per open container, 1-based
    int depth = 0;
    int delta_depth = -1;    // depth of the outermost open delta/message object
    int error_depth = -1;    // depth of the top-level "error" object while it is open
    int choices_depth = -1;  // depth of the top-level "choices" array while it is open
    bool in_usage = false;
    Key key = Key::other;  // the key of the value that comes next
    State state = State::value;

    while (true) {
        skip_space();
        if (state == State::done) {
            result.ok = i_ == n_;
            return result;
        }
        if (i_ >= n_) return result;
        const char c = p_[i_];
        bool closing = false;
        switch (state) {
            case State::first_value_or_end:
                if (c == ']') {
                    closing = true;
                    break;
                }
                [[fallthrough]];
            case State::value: {
                const Key this_key = key;
                key = Key::other;
                if (this_key == Key::usage) {
                    result.usage_is_object = c == '{';
                    result.usage_begin = i_;
                    in_usage = result.usage_is_object;
                }
                if (c == '{' || c == '[') {
                    if (depth == kMaxDepth) return result;
                    is_object[static_cast<std::size_t>(++depth)] = c == '{';
                    if (this_key == Key::delta && c == '{' && delta_depth < 0) delta_depth = depth;
                    if (this_key == Key::error && c == '{') error_depth = depth;
                    if (this_key == Key::choices && c == '[') choices_depth = depth;
                    ++i_;
                    state = c == '{' ? State::first_key_or_end : State::first_value_or_end;
                    continue;
                }
                bool valid = false;
                if (c == '"') {
                    std::int64_t decoded = 0;
                    bool has_escape = false;
                    const std::size_t open = i_;
                    valid = string(decoded, has_escape);
                    // A provider's error event after a 200 is text it generated for the client:
                    // counted like output, so an error stream is not free.
                    if (valid && ((this_key == Key::counted && delta_depth >= 0) ||
                                  this_key == Key::counted_here)) {
                        result.output_bytes += decoded;
                        if (result.counted_strings < kMaxCountedStrings) {
                            result.counted[result.counted_strings] = {open + 1, i_ - 1, has_escape};
                        }
                        ++result.counted_strings;
                    }
                } else if (c == 't') {
                    valid = literal("true");
                } else if (c == 'f') {
                    valid = literal("false");
                } else if (c == 'n') {
                    valid = literal("null");
                } else if (c == '-' || (c >= '0' && c <= '9')) {
                    valid = number();
                }
                if (!valid) return result;
                state = State::comma_or_end;
                continue;
            }
            case State::first_key_or_end:
                if (c == '}') {
                    closing = true;
                    break;
                }
                [[fallthrough]];
            case State::key: {
                if (c != '"') return result;
                const std::size_t begin = i_ + 1;
                std::int64_t decoded = 0;
                bool has_escape = false;
                if (!string(decoded, has_escape)) return result;
                std::string_view text(p_ + begin, i_ - 1 - begin);
                std::array<char, 24> buf;
                if (has_escape) text = decode_key(begin, i_ - 1, buf);
                if (depth == error_depth && text == "message") {
                    key = Key::counted_here;
                } else if (depth == choices_depth + 1 && choices_depth > 0 && text == "text") {
                    key = Key::counted_here;  // a legacy completion choice's text
                } else {
                    key = classify_key(text, depth);
                }
                state = State::colon;
                continue;
            }
            case State::colon:
                if (c != ':') return result;
                ++i_;
                state = State::value;
                continue;
            case State::comma_or_end: {
                const bool object = is_object[static_cast<std::size_t>(depth)];
                if (c == ',') {
                    ++i_;
                    state = object ? State::key : State::value;
                    continue;
                }
                if (c != (object ? '}' : ']')) return result;
                closing = true;
                break;
            }
            case State::done:
                return result;
        }
        if (closing) {
            ++i_;
            if (depth == delta_depth) delta_depth = -1;
            if (depth == error_depth) error_depth = -1;
            if (depth == choices_depth) choices_depth = -1;
            --depth;
            if (depth == 1 && in_usage) {
                result.usage_end = i_;
                in_usage = false;
            }
            state = depth == 0 ? State::done : State::comma_or_end;
        }
    }
}

}  // namespace

ChunkScan scan_chat_chunk(std::string_view data) {
    return ChunkScanner(data).run();
}

}  // namespace creditgate::usage_detail
