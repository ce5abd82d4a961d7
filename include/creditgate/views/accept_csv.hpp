#pragma once
// Content negotiation for the admin reports, which come as JSON or, when asked, as CSV.
#include <string_view>

namespace creditgate {

// True when an Accept header prefers text/csv over application/json: a higher q, or the same q
// with text/csv named first. Wildcards and media types other than these two do not ask for CSV;
// an unreadable q counts as 0.
bool wants_csv(std::string_view accept);

}  // namespace creditgate
