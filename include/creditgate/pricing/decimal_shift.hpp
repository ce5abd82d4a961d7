#pragma once
// Moves the decimal point of a JSON number's source text, exactly and in text: a price list's
// per-token cost ("1.5e-07") becomes our per-million-token decimal string ("0.15"). Never goes
// through double, so what the file says is what the config gets.
#include <string>
#include <string_view>

namespace creditgate {

enum class DecimalShiftStatus {
    ok,
    not_a_number,  // not a JSON number literal ("1.", ".5", "01", "1e", " 1", "0x1")
    negative,      // a leading '-' (also "-0": a price list has no use for it)
    too_precise,   // more than 9 decimal places after the shift: not exact in nano-units
    too_large,     // does not fit our int64 nano-units (parse_decimal_nanos would refuse it)
};

struct DecimalShift {
    DecimalShiftStatus status = DecimalShiftStatus::not_a_number;
    std::string decimal;  // when ok: the shortest decimal string parse_decimal_nanos accepts
};

// number_text × 10^places, for number_text in the JSON number grammar
//   ( '0' | [1-9][0-9]* ) [ '.' [0-9]+ ] [ ('e'|'E') ['+'|'-'] [0-9]+ ]
// The result has no exponent, no leading or trailing zeros and at most 9 decimal places:
// ("1.5e-07", 6) -> "0.15", ("0.000015", 6) -> "15", ("3E-6", 6) -> "3", ("0.0", 6) -> "0".
DecimalShift shift_decimal_point(std::string_view number_text, int places);

// A message fragment for a status that is not ok, e.g. "has more than 9 decimal places ...".
std::string_view describe(DecimalShiftStatus status);

}  // namespace creditgate
