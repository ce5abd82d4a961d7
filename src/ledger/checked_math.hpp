#pragma once
// Overflow-checked int64 arithmetic for balances: true when the result does not fit.
#include <cstdint>

namespace creditgate {

inline bool checked_add(std::int64_t a, std::int64_t b, std::int64_t& out) {
    return __builtin_add_overflow(a, b, &out);
}
inline bool checked_sub(std::int64_t a, std::int64_t b, std::int64_t& out) {
    return __builtin_sub_overflow(a, b, &out);
}

}  // namespace creditgate
