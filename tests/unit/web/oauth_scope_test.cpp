#include "creditgate/web/oauth_scope.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

constexpr std::int64_t kCredit = 1'000'000'000;
constexpr std::int64_t kDayMs = 86'400'000;

OAuthScope parsed(std::string_view text) {
    auto result = parse_oauth_scope(text);
    if (auto* error = std::get_if<OAuthScopeError>(&result)) {
        ADD_FAILURE() << text << ": " << error->term << ": " << error->message;
        return {};
    }
    return std::get<OAuthScope>(result);
}

std::string refused_term(std::string_view text) {
    auto result = parse_oauth_scope(text);
    if (std::holds_alternative<OAuthScope>(result)) return "(accepted)";
    return std::get<OAuthScopeError>(result).term;
}

TEST(OAuthScopeGrammar, ReadsEveryTermOfTheIssueExample) {
    const auto scope =
        parsed("models:gpt-4o-mini,claude-* endpoints:chat,messages budget:month:5 expires:30d");
    EXPECT_EQ(scope.models, (std::vector<std::string>{"gpt-4o-mini", "claude-*"}));
    EXPECT_EQ(scope.endpoints, (std::vector<std::string>{"chat", "messages"}));
    EXPECT_EQ(scope.budget_month_nanos, 5 * kCredit);
    EXPECT_EQ(scope.expires_in_days, 30);
}

TEST(OAuthScopeGrammar, EmptyScopeProposesNothing) {
    EXPECT_EQ(parsed(""), OAuthScope{});
    EXPECT_EQ(parsed("   "), OAuthScope{});
}

TEST(OAuthScopeGrammar, RendersCanonicallyAndRoundTrips) {
    const auto scope = parsed("expires:7d  budget:month:0.50 models:mock-*");
    EXPECT_EQ(render_oauth_scope(scope), "models:mock-* budget:month:0.5 expires:7d");
    EXPECT_EQ(parsed(render_oauth_scope(scope)), scope);
    EXPECT_EQ(render_oauth_scope({}), "");
}

TEST(OAuthScopeGrammar, RefusesMalformedRepeatedAndUnknownTerms) {
    EXPECT_EQ(refused_term("models:a models:b"), "models:b");
    EXPECT_EQ(refused_term("models:"), "models:");
    EXPECT_EQ(refused_term("models:a,,b"), "models:a,,b");
    EXPECT_EQ(refused_term("models:a,a"), "models:a,a");
    EXPECT_EQ(refused_term("models:cl*ude"), "models:cl*ude");
    EXPECT_EQ(refused_term("endpoints:chat,telepathy"), "endpoints:chat,telepathy");
    EXPECT_EQ(refused_term("budget:week:5"), "budget:week:5");
    EXPECT_EQ(refused_term("budget:month:0"), "budget:month:0");
    EXPECT_EQ(refused_term("budget:month:-1"), "budget:month:-1");
    EXPECT_EQ(refused_term("expires:30"), "expires:30");
    EXPECT_EQ(refused_term("expires:0d"), "expires:0d");
    EXPECT_EQ(refused_term("expires:3651d"), "expires:3651d");
    EXPECT_EQ(refused_term("openid"), "openid");
    EXPECT_EQ(refused_term("models:\"a\""), "models:\"a\"");
}

TEST(OAuthScopeKey, ApprovedLimitsGoOverTheMintersAndRightsAreDropped) {
    KeyScope minter;
    minter.models = std::vector<std::string>{"mock-*"};
    minter.limits.budgets[index_of(BudgetPeriod::day)] = 1 * kCredit;
    minter.scopes = {std::string(kManageKeysScope)};
    const auto key = key_scope_for(parsed("models:mock-fixed budget:month:2 expires:1d"), minter,
                                   "Test App", 1'000);
    EXPECT_EQ(key.name, "Test App");
    EXPECT_EQ(key.models, (std::vector<std::string>{"mock-fixed"}));
    EXPECT_EQ(key.limits.budgets[index_of(BudgetPeriod::day)], 1 * kCredit);
    EXPECT_EQ(key.limits.budgets[index_of(BudgetPeriod::month)], 2 * kCredit);
    EXPECT_EQ(key.expires_at_ms, 1'000 + kDayMs);
    EXPECT_TRUE(key.scopes.empty());
    EXPECT_EQ(first_widened_field(key, minter), std::nullopt);
}

TEST(OAuthScopeKey, KeyNeverOutlivesItsMinter) {
    KeyScope minter;
    minter.expires_at_ms = 5 * kDayMs;
    EXPECT_EQ(key_scope_for(parsed("expires:30d"), minter, "app", 0).expires_at_ms, 5 * kDayMs);
    EXPECT_EQ(key_scope_for(parsed(""), minter, "app", 0).expires_at_ms, 5 * kDayMs);
}

TEST(OAuthScopeKey, WideningTheMinterIsVisibleToTheWideningCheck) {
    KeyScope minter;
    minter.models = std::vector<std::string>{"mock-*"};
    minter.limits.budgets[index_of(BudgetPeriod::month)] = 1 * kCredit;
    EXPECT_EQ(first_widened_field(key_scope_for(parsed("models:gpt-4o"), minter, "a", 0), minter),
              "models[0]");
    EXPECT_EQ(first_widened_field(key_scope_for(parsed("budget:month:2"), minter, "a", 0), minter),
              "budgets.month");
}

OAuthScope proposed() {
    return parsed("models:a,b,c endpoints:chat budget:month:5 expires:30d");
}

std::variant<OAuthScope, NarrowingError> narrow(ConsentChoice choice) {
    return narrow_oauth_scope(proposed(), choice);
}

std::string refused_field(ConsentChoice choice) {
    auto result = narrow(std::move(choice));
    if (std::holds_alternative<OAuthScope>(result)) return "(accepted)";
    return std::get<NarrowingError>(result).field;
}

TEST(ConsentNarrowing, KeepingEverythingApprovesWhatWasProposed) {
    EXPECT_EQ(std::get<OAuthScope>(narrow({{"a", "b", "c"}, {"chat"}, "5", "30"})), proposed());
}

TEST(ConsentNarrowing, UncheckingAndLoweringNarrows) {
    const auto approved = std::get<OAuthScope>(narrow({{"c", "a"}, {"chat"}, "0.25", "3"}));
    EXPECT_EQ(render_oauth_scope(approved),
              "models:a,c endpoints:chat budget:month:0.25 expires:3d");
}

TEST(ConsentNarrowing, WideningNamesTheField) {
    EXPECT_EQ(refused_field({{"a", "gpt-4o"}, {"chat"}, "5", "30"}), "model");
    EXPECT_EQ(refused_field({{"a"}, {"chat", "images"}, "5", "30"}), "endpoint");
    EXPECT_EQ(refused_field({{"a"}, {"chat"}, "5.000000001", "30"}), "budget_month");
    EXPECT_EQ(refused_field({{"a"}, {"chat"}, "", "30"}), "budget_month");
    EXPECT_EQ(refused_field({{"a"}, {"chat"}, "5", "31"}), "expires_in_days");
    EXPECT_EQ(refused_field({{"a"}, {"chat"}, "5", ""}), "expires_in_days");
    EXPECT_EQ(refused_field({{}, {"chat"}, "5", "30"}), "model");
}

TEST(ConsentNarrowing, MalformedNumbersAreRefused) {
    EXPECT_EQ(refused_field({{"a"}, {"chat"}, "five", "30"}), "budget_month");
    EXPECT_EQ(refused_field({{"a"}, {"chat"}, "0", "30"}), "budget_month");
    EXPECT_EQ(refused_field({{"a"}, {"chat"}, "5", "1.5"}), "expires_in_days");
    EXPECT_EQ(refused_field({{"a"}, {"chat"}, "5", "0"}), "expires_in_days");
}

TEST(ConsentNarrowing, LimitsMayBeAddedWhenNoneWereProposed) {
    const auto approved = std::get<OAuthScope>(narrow_oauth_scope({}, {{}, {}, "2", "7"}));
    EXPECT_EQ(render_oauth_scope(approved), "budget:month:2 expires:7d");
    EXPECT_EQ(std::get<OAuthScope>(narrow_oauth_scope({}, {})), OAuthScope{});
    // With nothing proposed there is no model box to tick.
    auto added = narrow_oauth_scope({}, {{"a"}, {}, "", ""});
    EXPECT_EQ(std::get<NarrowingError>(added).field, "model");
}

}  // namespace
}  // namespace creditgate
