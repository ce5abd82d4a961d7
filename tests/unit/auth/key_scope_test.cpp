// A key's scope as the APIs read and write it, what it allows, and whether a sub-key's scope
// stays within its parent's.
#include "creditgate/auth/key_scope.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace creditgate {
namespace {

using nlohmann::json;

KeyScope scope_of(const json& body, const KeyScope& base = {}) {
    auto parsed = parse_key_scope(body, base);
    if (auto* error = std::get_if<ScopeError>(&parsed)) {
        ADD_FAILURE() << body.dump() << " refused: " << error->field << ": " << error->message;
        return {};
    }
    return std::get<KeyScope>(parsed);
}

const json kFullScope = json::parse(R"({
    "name": "my app", "models": ["gpt-4o-mini", "claude-*"], "endpoints": ["chat", "responses"],
    "budgets": {"day": "1", "week": "5", "month": "20", "lifetime": "100.5"},
    "expires_at": "2027-01-01T00:00:00Z", "rpm": 60, "tpm": 100000, "max_concurrent": 4,
    "cidrs": ["203.0.113.0/24", "::1/128"], "scopes": ["keys:manage"]})");

TEST(KeyScope, AnEmptyObjectLimitsNothing) {
    const auto scope = scope_of(json::object());
    EXPECT_EQ(scope, KeyScope{});
    EXPECT_TRUE(allows_model(scope, "anything"));
    EXPECT_TRUE(allows_endpoint(scope, "images"));
    EXPECT_TRUE(allows_address(scope, boost::asio::ip::make_address("198.51.100.1")));
    EXPECT_FALSE(expired(scope, 4'000'000'000'000));
    EXPECT_FALSE(has_right(scope, kManageKeysScope));
    EXPECT_EQ(key_scope_json(scope), json({{"name", ""}}));
}

TEST(KeyScope, ReadsEveryFieldExactly) {
    const auto scope = scope_of(kFullScope);
    EXPECT_EQ(scope.name, "my app");
    EXPECT_EQ(scope.limits.budgets[index_of(BudgetPeriod::day)], 1'000'000'000);
    EXPECT_EQ(scope.limits.budgets[index_of(BudgetPeriod::lifetime)], 100'500'000'000);
    EXPECT_EQ(scope.expires_at_ms, 1'798'761'600'000);
    EXPECT_EQ(scope.limits.rpm, 60);
    EXPECT_EQ(scope.limits.tpm, 100'000);
    EXPECT_EQ(scope.limits.max_concurrent, 4);
    ASSERT_TRUE(scope.cidrs);
    EXPECT_EQ(scope.cidrs->size(), 2u);
    EXPECT_TRUE(has_right(scope, kManageKeysScope));
}

TEST(KeyScope, JsonToScopeToJsonIsTheSame) {
    EXPECT_EQ(key_scope_json(scope_of(kFullScope)), kFullScope);
    // And the stored form reads back to the same scope.
    const auto scope = scope_of(kFullScope);
    EXPECT_EQ(key_scope_from_stored(key_scope_json(scope).dump()), scope);
}

TEST(KeyScope, ExpiryIsWrittenInSecondsUnlessItHasMilliseconds) {
    EXPECT_EQ(key_scope_json(scope_of({{"expires_at", "2027-01-01T01:00:00+01:00"}}))["expires_at"],
              "2027-01-01T00:00:00Z");
    EXPECT_EQ(key_scope_json(scope_of({{"expires_at", "2027-01-01T00:00:00.250Z"}}))["expires_at"],
              "2027-01-01T00:00:00.250Z");
}

struct ErrorCase {
    const char* name;
    json body;
    std::string field;
    std::string message_part;
};
void PrintTo(const ErrorCase& c, std::ostream* os) {
    *os << c.name;
}

class KeyScopeErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(KeyScopeErrors, NameTheField) {
    const auto& c = GetParam();
    auto parsed = parse_key_scope(c.body);
    ASSERT_TRUE(std::holds_alternative<ScopeError>(parsed));
    const auto& error = std::get<ScopeError>(parsed);
    EXPECT_EQ(error.field, c.field);
    EXPECT_NE(error.message.find(c.message_part), std::string::npos) << error.message;
}

INSTANTIATE_TEST_SUITE_P(
    EachRule, KeyScopeErrors,
    ::testing::Values(
        ErrorCase{"not_an_object", json::array(), "", "expected an object"},
        ErrorCase{
            "unknown_field", {{"model", json::array({"x"})}}, "model", "did you mean \"models\""},
        ErrorCase{"name_not_string", {{"name", 5}}, "name", "expected a string"},
        ErrorCase{"name_too_long", {{"name", std::string(201, 'a')}}, "name", "200"},
        ErrorCase{"name_control_character", {{"name", "a\nb"}}, "name", "control"},
        ErrorCase{"models_empty", {{"models", json::array()}}, "models", "1 to 100"},
        ErrorCase{"models_too_many",
                  {{"models", json(std::vector<std::string>(101, "m"))}},
                  "models",
                  "1 to 100"},
        ErrorCase{"models_not_array", {{"models", "gpt-4o"}}, "models", "expected an array"},
        ErrorCase{"model_empty", {{"models", {"a", "b", ""}}}, "models[2]", "empty"},
        ErrorCase{"model_star_inside", {{"models", {"gpt-*-mini"}}}, "models[0]", "'*'"},
        ErrorCase{"model_too_long", {{"models", {std::string(201, 'm')}}}, "models[0]", "200"},
        ErrorCase{"endpoint_unknown",
                  {{"endpoints", {"chat", "audio"}}},
                  "endpoints[1]",
                  "unknown endpoint \"audio\""},
        ErrorCase{"budgets_not_object", {{"budgets", "20"}}, "budgets", "expected an object"},
        ErrorCase{"budget_unknown_period",
                  {{"budgets", {{"year", "1"}}}},
                  "budgets.year",
                  "unknown field"},
        ErrorCase{
            "budget_number", {{"budgets", {{"month", 20}}}}, "budgets.month", "decimal string"},
        ErrorCase{"budget_zero", {{"budgets", {{"month", "0"}}}}, "budgets.month", "above zero"},
        ErrorCase{"budget_too_precise",
                  {{"budgets", {{"day", "0.0000000001"}}}},
                  "budgets.day",
                  "decimal string"},
        ErrorCase{"budget_negative", {{"budgets", {{"week", "-1"}}}}, "budgets.week", "above zero"},
        ErrorCase{"expiry_not_a_time", {{"expires_at", "tomorrow"}}, "expires_at", "RFC 3339"},
        ErrorCase{"expiry_impossible_date",
                  {{"expires_at", "2027-02-30T00:00:00Z"}},
                  "expires_at",
                  "RFC 3339"},
        ErrorCase{"rpm_zero", {{"rpm", 0}}, "rpm", "from 1 to 1000000000"},
        ErrorCase{"tpm_fraction", {{"tpm", 1.5}}, "tpm", "integer"},
        ErrorCase{"concurrency_too_high",
                  {{"max_concurrent", 1'000'000'001}},
                  "max_concurrent",
                  "from 1"},
        ErrorCase{"cidr_host_bits",
                  {{"cidrs", {"10.0.0.0/8", "203.0.113.7/24"}}},
                  "cidrs[1]",
                  "no address bits set beyond the prefix"},
        ErrorCase{"cidr_name", {{"cidrs", {"localhost"}}}, "cidrs[0]", "\"localhost\""},
        ErrorCase{"cidrs_empty", {{"cidrs", json::array()}}, "cidrs", "1 to 100"},
        ErrorCase{"scope_unknown", {{"scopes", {"keys:read"}}}, "scopes[0]", "unknown scope"}),
    [](const auto& row) { return std::string(row.param.name); });

TEST(KeyScope, PatchReplacesWhatItNamesAndNullRemoves) {
    const auto base = scope_of(kFullScope);
    const auto patched = scope_of(json::parse(R"({"models": null, "rpm": 10, "cidrs": null,
        "budgets": {"day": null, "month": "30"}, "expires_at": null, "scopes": null})"),
                                  base);
    EXPECT_FALSE(patched.models);
    EXPECT_EQ(patched.limits.rpm, 10);
    EXPECT_FALSE(patched.cidrs);
    EXPECT_FALSE(patched.expires_at_ms);
    EXPECT_TRUE(patched.scopes.empty());
    EXPECT_FALSE(patched.limits.budgets[index_of(BudgetPeriod::day)]);
    EXPECT_EQ(patched.limits.budgets[index_of(BudgetPeriod::week)], 5'000'000'000);  // untouched
    EXPECT_EQ(patched.limits.budgets[index_of(BudgetPeriod::month)], 30'000'000'000);
    EXPECT_EQ(patched.name, "my app");
    EXPECT_EQ(patched.endpoints, base.endpoints);
    EXPECT_EQ(patched.limits.tpm, base.limits.tpm);
    EXPECT_TRUE(std::holds_alternative<ScopeError>(parse_key_scope({{"rpm", -1}}, base)));
    EXPECT_EQ(scope_of({{"budgets", nullptr}, {"name", nullptr}}, base).limits.budgets,
              KeyLimitSpec{}.budgets);
}

TEST(KeyScope, ACorruptStoredScopeAllowsNothing) {
    for (const char* stored :
         {"{not json", "[]", R"({"models": ["*"], "rpm": "ten"})", R"({"colour": "blue"})", ""}) {
        const auto scope = key_scope_from_stored(stored);
        EXPECT_FALSE(allows_model(scope, "gpt-4o-mini")) << stored;
        EXPECT_FALSE(allows_model(scope, "")) << stored;
    }
    EXPECT_TRUE(allows_model(key_scope_from_stored("{}"), "gpt-4o-mini"));
}

TEST(KeyScope, ModelsMatchExactlyOrByPrefix) {
    const auto scope = scope_of(kFullScope);
    EXPECT_TRUE(allows_model(scope, "gpt-4o-mini"));
    EXPECT_FALSE(allows_model(scope, "gpt-4o-mini-2024"));
    EXPECT_FALSE(allows_model(scope, "gpt-4o"));
    EXPECT_TRUE(allows_model(scope, "claude-3-5-sonnet"));
    EXPECT_TRUE(allows_model(scope, "claude-"));
    EXPECT_FALSE(allows_model(scope, "claude"));
    EXPECT_TRUE(allows_model(scope_of({{"models", {"*"}}}), "anything"));
}

TEST(KeyScope, EndpointsAddressesExpiryAndRights) {
    const auto scope = scope_of(kFullScope);
    EXPECT_TRUE(allows_endpoint(scope, "chat"));
    EXPECT_FALSE(allows_endpoint(scope, "embeddings"));
    EXPECT_TRUE(allows_address(scope, boost::asio::ip::make_address("203.0.113.200")));
    EXPECT_TRUE(allows_address(scope, boost::asio::ip::make_address("::ffff:203.0.113.200")));
    EXPECT_TRUE(allows_address(scope, boost::asio::ip::make_address("::1")));
    EXPECT_FALSE(allows_address(scope, boost::asio::ip::make_address("198.51.100.1")));
    EXPECT_FALSE(expired(scope, *scope.expires_at_ms - 1));
    EXPECT_TRUE(expired(scope, *scope.expires_at_ms));
}

struct SubsetCase {
    const char* name;
    json parent;
    json child;
    std::optional<std::string> widened;  // nullopt: the child is within
};
void PrintTo(const SubsetCase& c, std::ostream* os) {
    *os << c.name;
}

class KeyScopeSubset : public ::testing::TestWithParam<SubsetCase> {};

TEST_P(KeyScopeSubset, FindsTheFirstWidenedField) {
    const auto& c = GetParam();
    EXPECT_EQ(first_widened_field(scope_of(c.child), scope_of(c.parent)), c.widened);
}

const json kNoLimits = json::object();

INSTANTIATE_TEST_SUITE_P(
    Table, KeyScopeSubset,
    ::testing::Values(
        SubsetCase{"unlimited_parent_still_withholds_rights", kNoLimits, kFullScope, "scopes[0]"},
        SubsetCase{"same_scope_is_within", kFullScope, kFullScope, std::nullopt},
        SubsetCase{"child_without_models_is_wider", {{"models", {"gpt-4o"}}}, kNoLimits, "models"},
        SubsetCase{"exact_within_same_exact",
                   {{"models", {"gpt-4o"}}},
                   {{"models", {"gpt-4o"}}},
                   std::nullopt},
        SubsetCase{"exact_outside_exact",
                   {{"models", {"gpt-4o"}}},
                   {{"models", {"gpt-4o", "o1"}}},
                   "models[1]"},
        SubsetCase{"exact_within_pattern",
                   {{"models", {"claude-*"}}},
                   {{"models", {"claude-3"}}},
                   std::nullopt},
        SubsetCase{"narrower_pattern_within_pattern",
                   {{"models", {"claude-*"}}},
                   {{"models", {"claude-3*"}}},
                   std::nullopt},
        SubsetCase{"wider_pattern_outside_pattern",
                   {{"models", {"claude-3*"}}},
                   {{"models", {"claude-*"}}},
                   "models[0]"},
        SubsetCase{"pattern_outside_exact",
                   {{"models", {"claude-3"}}},
                   {{"models", {"claude-3*"}}},
                   "models[0]"},
        SubsetCase{
            "star_outside_any_pattern", {{"models", {"gpt-*"}}}, {{"models", {"*"}}}, "models[0]"},
        SubsetCase{"endpoints_subset",
                   {{"endpoints", {"chat", "images"}}},
                   {{"endpoints", {"chat"}}},
                   std::nullopt},
        SubsetCase{"endpoint_outside",
                   {{"endpoints", {"chat"}}},
                   {{"endpoints", {"chat", "images"}}},
                   "endpoints[1]"},
        SubsetCase{
            "child_without_endpoints_is_wider", {{"endpoints", {"chat"}}}, kNoLimits, "endpoints"},
        SubsetCase{"budget_equal_is_within",
                   {{"budgets", {{"month", "20"}}}},
                   {{"budgets", {{"month", "20"}}}},
                   std::nullopt},
        SubsetCase{"budget_higher_is_wider",
                   {{"budgets", {{"month", "20"}}}},
                   {{"budgets", {{"month", "20.000000001"}}}},
                   "budgets.month"},
        SubsetCase{"budget_absent_is_wider",
                   {{"budgets", {{"day", "1"}, {"month", "20"}}}},
                   {{"budgets", {{"month", "5"}}}},
                   "budgets.day"},
        SubsetCase{"budget_the_parent_lacks_is_fine",
                   {{"budgets", {{"month", "20"}}}},
                   {{"budgets", {{"month", "5"}, {"day", "100"}}}},
                   std::nullopt},
        SubsetCase{"expiry_later_is_wider",
                   {{"expires_at", "2027-01-01T00:00:00Z"}},
                   {{"expires_at", "2027-01-01T00:00:01Z"}},
                   "expires_at"},
        SubsetCase{"expiry_absent_is_wider",
                   {{"expires_at", "2027-01-01T00:00:00Z"}},
                   kNoLimits,
                   "expires_at"},
        SubsetCase{"expiry_earlier_is_within",
                   {{"expires_at", "2027-01-01T00:00:00Z"}},
                   {{"expires_at", "2026-12-31T00:00:00Z"}},
                   std::nullopt},
        SubsetCase{"rpm_higher_is_wider", {{"rpm", 60}}, {{"rpm", 61}}, "rpm"},
        SubsetCase{"tpm_absent_is_wider", {{"tpm", 1000}}, kNoLimits, "tpm"},
        SubsetCase{"concurrency_lower_is_within",
                   {{"max_concurrent", 4}},
                   {{"max_concurrent", 1}},
                   std::nullopt},
        SubsetCase{"concurrency_higher_is_wider",
                   {{"max_concurrent", 4}},
                   {{"max_concurrent", 5}},
                   "max_concurrent"},
        SubsetCase{"cidr_inside_is_within",
                   {{"cidrs", {"10.0.0.0/8", "::1"}}},
                   {{"cidrs", {"10.1.2.0/24", "::1"}}},
                   std::nullopt},
        SubsetCase{"mapped_cidr_inside_ipv4_is_within",
                   {{"cidrs", {"10.0.0.0/8"}}},
                   {{"cidrs", {"::ffff:10.1.0.0/112"}}},
                   std::nullopt},
        SubsetCase{"cidr_wider_is_wider",
                   {{"cidrs", {"10.1.0.0/16"}}},
                   {{"cidrs", {"10.0.0.0/8"}}},
                   "cidrs[0]"},
        SubsetCase{"cidr_beside_is_wider",
                   {{"cidrs", {"10.0.0.0/8", "::1"}}},
                   {{"cidrs", {"::1", "11.0.0.0/8"}}},
                   "cidrs[1]"},
        SubsetCase{"cidrs_absent_is_wider", {{"cidrs", {"10.0.0.0/8"}}}, kNoLimits, "cidrs"},
        SubsetCase{"right_the_parent_lacks_is_wider",
                   kNoLimits,
                   {{"scopes", {"keys:manage"}}},
                   "scopes[0]"},
        SubsetCase{"right_the_parent_has_is_within",
                   {{"scopes", {"keys:manage"}}},
                   {{"scopes", {"keys:manage"}}},
                   std::nullopt},
        SubsetCase{"name_never_widens", {{"name", "a"}}, {{"name", "b"}}, std::nullopt}),
    [](const auto& row) { return std::string(row.param.name); });

}  // namespace
}  // namespace creditgate
