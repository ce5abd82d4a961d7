#pragma once
// The one place where the result codes of the modules below (ledger, auth, reports, pricing)
// become the errors a client sees (DESIGN.md's error table). It sits above those modules and
// `http`, so none of them needs to know about the others.
#include <string>
#include <variant>

#include "creditgate/auth/key_scope.hpp"
#include "creditgate/auth/results.hpp"
#include "creditgate/http/api_error.hpp"
#include "creditgate/ledger/reports.hpp"
#include "creditgate/ledger/results.hpp"
#include "creditgate/pricing/cost.hpp"

namespace creditgate {

// Maps a result that is not ok to its error. `message`, when not empty, replaces the default
// text (a caller that knows more, e.g. the quote and the available amount, says so); the status,
// code and param stay those of the result. `ok` maps to `unavailable`: a caller that reports
// success as an error has a bug, and 503 is the safe answer.
ApiError api_error_from(LedgerResult result, std::string message = {});
ApiError api_error_from(AuthResult result, std::string message = {});
ApiError api_error_from(ReportResult result, std::string message = {});
ApiError api_error_from(CostResult result, std::string message = {});

// A key's scope from a request body (a JSON object; auth/key_scope.hpp), fields absent from it
// kept as in `base`; 400 invalid_request naming the field otherwise.
std::variant<KeyScope, ApiError> key_scope_from_body(const std::string& body,
                                                     const KeyScope& base = {});

}  // namespace creditgate
