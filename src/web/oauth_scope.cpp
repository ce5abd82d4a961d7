#include "creditgate/web/oauth_scope.hpp"

#include <algorithm>
#include <charconv>

#include "creditgate/pricing/decimal.hpp"

namespace creditgate {

namespace {

constexpr std::size_t kMaxScopeChars = 4096;
constexpr std::size_t kMaxListItems = 100;
constexpr std::size_t kMaxModelChars = 200;
constexpr std::int64_t kDayMs = 86'400'000;

// RFC 6749 §3.3 scope-token characters: printable ASCII except space, '"' and '\'.
bool scope_token_char(char c) {
    return c >= 0x21 && c <= 0x7e && c != '"' && c != '\\';
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        const auto at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return parts;
        text.remove_prefix(at + 1);
    }
}

bool known_endpoint(std::string_view name) {
    return std::find(std::begin(kScopeEndpoints), std::end(kScopeEndpoints), name) !=
           std::end(kScopeEndpoints);
}

// A model name, or a "prefix*" pattern ('*' only at the end), as key scopes take them.
bool valid_model(std::string_view model) {
    const auto star = model.find('*');
    return !model.empty() && model.size() <= kMaxModelChars &&
           (star == std::string_view::npos || star + 1 == model.size());
}

std::optional<std::int64_t> positive_integer(std::string_view text, std::int64_t max_value) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value < 1 || value > max_value) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::int64_t> positive_credits(std::string_view text) {
    auto nanos = parse_decimal_nanos(text);
    if (!nanos || *nanos <= 0) return std::nullopt;
    return nanos;
}

// A comma-separated list of 1..kMaxListItems distinct items, each passing `valid`.
template <typename Valid>
std::optional<std::vector<std::string>> read_list(std::string_view text, Valid valid) {
    std::vector<std::string> items;
    for (auto item : split(text, ',')) {
        if (!valid(item)) return std::nullopt;
        if (std::find(items.begin(), items.end(), item) != items.end()) return std::nullopt;
        items.emplace_back(item);
    }
    if (items.size() > kMaxListItems) return std::nullopt;
    return items;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
    return out;
}

// Applies one term to `scope`; an error message when it is malformed or repeated.
std::optional<std::string> apply_term(std::string_view term, OAuthScope& scope) {
    const auto colon = term.find(':');
    const auto kind = term.substr(0, colon);
    const auto value =
        colon == std::string_view::npos ? std::string_view() : term.substr(colon + 1);
    auto once = [&](bool present) -> std::optional<std::string> {
        if (!present) return std::nullopt;
        std::string message(kind);  // (not "'" + string: g++ 12 warns falsely on it)
        message += ": given twice";
        return message;
    };
    if (kind == "models") {
        if (auto twice = once(scope.models.has_value())) return twice;
        scope.models = read_list(value, valid_model);
        if (!scope.models) {
            return "expected models:<name>[,<name>...] with distinct names ('*' only at the end)";
        }
    } else if (kind == "endpoints") {
        if (auto twice = once(scope.endpoints.has_value())) return twice;
        scope.endpoints = read_list(value, known_endpoint);
        if (!scope.endpoints) {
            return "expected endpoints:<name>[,<name>...] of chat, completions, embeddings, "
                   "responses, messages, images";
        }
    } else if (kind == "budget") {
        if (auto twice = once(scope.budget_month_nanos.has_value())) return twice;
        constexpr std::string_view month = "month:";
        if (value.starts_with(month))
            scope.budget_month_nanos = positive_credits(value.substr(month.size()));
        if (!scope.budget_month_nanos) {
            return "expected budget:month:<credits above zero>, e.g. budget:month:5";
        }
    } else if (kind == "expires") {
        if (auto twice = once(scope.expires_in_days.has_value())) return twice;
        if (value.ends_with('d')) {
            scope.expires_in_days =
                positive_integer(value.substr(0, value.size() - 1), kMaxOAuthExpiryDays);
        }
        if (!scope.expires_in_days) {
            return "expected expires:<days>d with 1 to " + std::to_string(kMaxOAuthExpiryDays) +
                   " days, e.g. expires:30d";
        }
    } else {
        return "unknown term; known: models:, endpoints:, budget:month:, expires:";
    }
    return std::nullopt;
}

}  // namespace

std::variant<OAuthScope, OAuthScopeError> parse_oauth_scope(std::string_view text) {
    if (text.size() > kMaxScopeChars) {
        return OAuthScopeError{"", "at most " + std::to_string(kMaxScopeChars) + " characters"};
    }
    OAuthScope scope;
    for (auto term : split(text, ' ')) {
        if (term.empty()) continue;  // leading, trailing or doubled spaces
        if (!std::all_of(term.begin(), term.end(), scope_token_char)) {
            return OAuthScopeError{std::string(term), "holds a character a scope may not"};
        }
        if (auto error = apply_term(term, scope)) return OAuthScopeError{std::string(term), *error};
    }
    return scope;
}

std::string render_oauth_scope(const OAuthScope& scope) {
    std::vector<std::string> terms;
    if (scope.models) terms.push_back("models:" + joined(*scope.models));
    if (scope.endpoints) terms.push_back("endpoints:" + joined(*scope.endpoints));
    if (scope.budget_month_nanos) {
        terms.push_back("budget:month:" + format_nanos(*scope.budget_month_nanos));
    }
    if (scope.expires_in_days)
        terms.push_back("expires:" + std::to_string(*scope.expires_in_days) + "d");
    std::string out;
    for (const auto& term : terms) out += (out.empty() ? "" : " ") + term;
    return out;
}

KeyScope key_scope_for(const OAuthScope& approved, const KeyScope& minter, std::string name,
                       std::int64_t now_ms) {
    KeyScope scope = minter;
    scope.name = std::move(name);
    scope.scopes.clear();
    if (approved.models) scope.models = approved.models;
    if (approved.endpoints) scope.endpoints = approved.endpoints;
    if (approved.budget_month_nanos) {
        scope.limits.budgets[index_of(BudgetPeriod::month)] = approved.budget_month_nanos;
    }
    if (approved.expires_in_days) {
        const auto at_ms = now_ms + *approved.expires_in_days * kDayMs;
        scope.expires_at_ms = std::min(at_ms, minter.expires_at_ms.value_or(at_ms));
    }
    return scope;
}

std::variant<OAuthScope, NarrowingError> narrow_oauth_scope(const OAuthScope& proposed,
                                                            const ConsentChoice& choice) {
    OAuthScope approved;
    // Checkboxes: a subset of what was proposed, in the proposed order, at least one.
    auto pick = [](const char* field, const std::optional<std::vector<std::string>>& offered,
                   const std::vector<std::string>& checked,
                   std::optional<std::vector<std::string>>& out) -> std::optional<NarrowingError> {
        for (const auto& item : checked) {
            if (!offered || std::find(offered->begin(), offered->end(), item) == offered->end()) {
                return NarrowingError{field, "'" + item + "' was not asked for"};
            }
        }
        if (!offered) return std::nullopt;
        out.emplace();
        for (const auto& item : *offered) {
            if (std::find(checked.begin(), checked.end(), item) != checked.end()) {
                out->push_back(item);
            }
        }
        if (out->empty()) return NarrowingError{field, "choose at least one, or deny"};
        return std::nullopt;
    };
    if (auto error = pick("model", proposed.models, choice.models, approved.models)) return *error;
    if (auto error = pick("endpoint", proposed.endpoints, choice.endpoints, approved.endpoints)) {
        return *error;
    }
    if (!choice.budget_month.empty()) {
        approved.budget_month_nanos = positive_credits(choice.budget_month);
        if (!approved.budget_month_nanos) {
            return NarrowingError{"budget_month", "expected credits above zero, e.g. 5 or 0.5"};
        }
        if (proposed.budget_month_nanos &&
            *approved.budget_month_nanos > *proposed.budget_month_nanos) {
            return NarrowingError{"budget_month", "may not exceed the " +
                                                      format_nanos(*proposed.budget_month_nanos) +
                                                      " credits asked for"};
        }
    } else if (proposed.budget_month_nanos) {
        return NarrowingError{"budget_month", "a monthly cap was asked for: keep or lower it"};
    }
    if (!choice.expires_in_days.empty()) {
        approved.expires_in_days = positive_integer(choice.expires_in_days, kMaxOAuthExpiryDays);
        if (!approved.expires_in_days) {
            return NarrowingError{"expires_in_days", "expected whole days from 1 to " +
                                                         std::to_string(kMaxOAuthExpiryDays)};
        }
        if (proposed.expires_in_days && *approved.expires_in_days > *proposed.expires_in_days) {
            return NarrowingError{"expires_in_days", "may not exceed the " +
                                                         std::to_string(*proposed.expires_in_days) +
                                                         " days asked for"};
        }
    } else if (proposed.expires_in_days) {
        return NarrowingError{"expires_in_days", "an expiry was asked for: keep or shorten it"};
    }
    return approved;
}

}  // namespace creditgate
