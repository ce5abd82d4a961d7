#include "creditgate/errors/result_errors.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

using boost::beast::http::status;

struct Row {
    const char* why;
    ApiError error;
    status expected_status;
    ErrorCode expected_code;
};

TEST(ResultErrors, EveryResultMapsToTheErrorTableOfTheDesign) {
    const Row rows[] = {
        {"no money", api_error_from(LedgerResult::insufficient_credits), status::payment_required,
         ErrorCode::insufficient_credits},
        {"a concurrency limit is not money", api_error_from(LedgerResult::too_many_holds),
         status::too_many_requests, ErrorCode::rate_limited},
        {"unknown account", api_error_from(LedgerResult::account_not_found), status::not_found,
         ErrorCode::not_found},
        {"replayed key, other body", api_error_from(LedgerResult::idempotency_conflict),
         status::conflict, ErrorCode::idempotency_conflict},
        {"store failed", api_error_from(LedgerResult::unavailable), status::service_unavailable,
         ErrorCode::unavailable},
        {"the key limit is the client's to fix", api_error_from(AuthResult::too_many_keys),
         status::bad_request, ErrorCode::invalid_request},
        {"revoked or unknown key", api_error_from(AuthResult::key_not_found), status::not_found,
         ErrorCode::not_found},
        {"report too long", api_error_from(ReportResult::too_many_entries), status::bad_request,
         ErrorCode::invalid_request},
        {"quote overflow", api_error_from(CostResult::overflow), status::bad_request,
         ErrorCode::invalid_request},
    };
    for (const auto& row : rows) {
        EXPECT_EQ(row.error.status, row.expected_status) << row.why;
        EXPECT_EQ(row.error.code, row.expected_code) << row.why;
        EXPECT_FALSE(row.error.message.empty()) << row.why;
    }
}

TEST(ResultErrors, ACallerMessageReplacesTheDefaultTextOnly) {
    auto plain = api_error_from(LedgerResult::invalid_amount);
    auto told = api_error_from(LedgerResult::invalid_amount, "The adjustment is too large.");
    EXPECT_EQ(told.message, "The adjustment is too large.");
    EXPECT_NE(plain.message, told.message);
    EXPECT_EQ(told.status, plain.status);
    EXPECT_EQ(told.code, plain.code);
    EXPECT_EQ(told.param, "amount");
}

TEST(ResultErrors, OkIsNeverReportedAsSuccessByMistake) {
    EXPECT_EQ(api_error_from(LedgerResult::ok).code, ErrorCode::unavailable);
    EXPECT_EQ(api_error_from(AuthResult::ok).code, ErrorCode::unavailable);
}

}  // namespace
}  // namespace creditgate
