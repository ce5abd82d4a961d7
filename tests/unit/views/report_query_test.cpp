// The report query shared by the admin's reports and a caller's GET /v1/usage: what each
// accepts, and every refusal names the parameter.
#include "creditgate/views/report_query.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

const ReportQueryRules kCaller{
    {EntryGrouping::model, EntryGrouping::endpoint, EntryGrouping::day, EntryGrouping::key}, false};
const ReportQueryRules kAdmin{{EntryGrouping::model, EntryGrouping::account, EntryGrouping::key},
                              true};
constexpr std::int64_t kNow = 1'795'000'000'000;  // 2026-11-18

TEST(ReportQuery, AcceptsThePeriodAGroupingAndAnAccountWhereAllowed) {
    auto parsed = parse_report_query(
        "/admin/usage?from=2026-11-01&to=2026-11-02&group_by=key&"
        "account_id=7",
        kAdmin, kNow);
    ASSERT_TRUE(std::holds_alternative<ReportQuery>(parsed));
    const auto& query = std::get<ReportQuery>(parsed);
    EXPECT_EQ(query.period.to_ms - query.period.from_ms, 86'400'000);
    EXPECT_EQ(query.group_by, EntryGrouping::key);
    EXPECT_EQ(query.account_id, 7);
}

TEST(ReportQuery, DefaultsToGroupingByModelThisMonth) {
    auto parsed = parse_report_query("/v1/usage", kCaller, kNow);
    ASSERT_TRUE(std::holds_alternative<ReportQuery>(parsed));
    const auto& query = std::get<ReportQuery>(parsed);
    EXPECT_EQ(query.group_by, EntryGrouping::model);
    EXPECT_EQ(query.period.to_ms, kNow);
    EXPECT_FALSE(query.account_id.has_value());
}

TEST(ReportQuery, RefusalsNameTheParameter) {
    const std::pair<const char*, const char*> cases[] = {
        {"/v1/usage?group_by=account", "group_by"},  // not the caller's to ask
        {"/v1/usage?account_id=3", "account_id"},    // a key sees its own account only
        {"/v1/usage?from=yesterday", "from"},
        {"/v1/usage?to=2026-13-01", "to"},
        {"/v1/usage?limit=5", "limit"},
        {"/v1/usage?from=2026-11-01&from=2026-11-02", "from"},
        {"/v1/usage?from=2026-11-02&to=2026-11-01", "from"},
        {"/v1/usage?from=2020-01-01&to=2026-01-01", "from"},  // more than 366 days
    };
    for (const auto& [target, param] : cases) {
        auto parsed = parse_report_query(target, kCaller, kNow);
        ASSERT_TRUE(std::holds_alternative<ApiError>(parsed)) << target;
        EXPECT_EQ(std::get<ApiError>(parsed).param, param) << target;
        EXPECT_EQ(std::get<ApiError>(parsed).code, ErrorCode::invalid_request) << target;
    }
    auto bad_account = parse_report_query("/admin/usage?account_id=0", kAdmin, kNow);
    ASSERT_TRUE(std::holds_alternative<ApiError>(bad_account));
    EXPECT_EQ(std::get<ApiError>(bad_account).param, "account_id");
}

}  // namespace
}  // namespace creditgate
