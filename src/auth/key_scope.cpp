#include "creditgate/auth/key_scope.hpp"

#include <algorithm>

#include "creditgate/pricing/decimal.hpp"
#include "creditgate/validate/object_reader.hpp"
#include "creditgate/validate/time_text.hpp"

namespace creditgate {

namespace {

using nlohmann::json;
using validate::FieldError;

constexpr std::size_t kMaxNameChars = 200;
constexpr std::size_t kMaxModelChars = 200;
constexpr std::size_t kMaxListItems = 100;

// The limits a key's rates take: KeyLimitSpec's fields by their JSON names.
struct RateField {
    const char* name;
    std::optional<std::int64_t> KeyLimitSpec::*member;
};
constexpr RateField kRateFields[] = {{"rpm", &KeyLimitSpec::rpm},
                                     {"tpm", &KeyLimitSpec::tpm},
                                     {"max_concurrent", &KeyLimitSpec::max_concurrent}};

std::string item_path(std::string_view field, std::size_t index) {
    return std::string(field) + "[" + std::to_string(index) + "]";
}

bool has_control_character(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

bool is_pattern(std::string_view model) {
    return !model.empty() && model.back() == '*';
}

std::string_view pattern_prefix(std::string_view pattern) {
    return pattern.substr(0, pattern.size() - 1);
}

// A JSON array of min_items..kMaxListItems, each item read by `read(item, path)`.
template <typename Read>
auto read_list(const json& value, std::string_view field, std::size_t min_items, Read read) {
    const std::string path(field);
    if (!value.is_array()) {
        throw FieldError(path, "expected an array, got " + validate::describe_type(value));
    }
    if (value.size() < min_items || value.size() > kMaxListItems) {
        throw FieldError(path, "expected " + std::to_string(min_items) + " to " +
                                   std::to_string(kMaxListItems) + " items, got " +
                                   std::to_string(value.size()));
    }
    std::vector<decltype(read(value, path))> out;
    for (std::size_t i = 0; i < value.size(); ++i)
        out.push_back(read(value[i], item_path(field, i)));
    return out;
}

std::string read_name(const json& value) {
    auto name = validate::require_string(value, "name");
    if (name.size() > kMaxNameChars) {
        throw FieldError("name", "at most " + std::to_string(kMaxNameChars) + " characters");
    }
    if (has_control_character(name)) throw FieldError("name", "must not hold control characters");
    return name;
}

std::string read_model(const json& value, const std::string& path) {
    auto model = validate::require_non_empty_string(value, path);
    if (model.size() > kMaxModelChars || has_control_character(model)) {
        throw FieldError(path, "expected a model name of at most " +
                                   std::to_string(kMaxModelChars) +
                                   " characters without control characters");
    }
    const auto star = model.find('*');
    if (star != std::string::npos && star + 1 != model.size()) {
        throw FieldError(path, "a '*' may only end a name, as a prefix pattern (\"claude-*\")");
    }
    return model;
}

std::string read_endpoint(const json& value, const std::string& path) {
    auto endpoint = validate::require_string(value, path);
    if (std::find(std::begin(kScopeEndpoints), std::end(kScopeEndpoints), endpoint) ==
        std::end(kScopeEndpoints)) {
        throw FieldError(path, "unknown endpoint " + validate::quote_for_message(endpoint) +
                                   "; known: chat, completions, embeddings, responses, "
                                   "messages, images");
    }
    return endpoint;
}

Cidr read_cidr(const json& value, const std::string& path) {
    const auto text = validate::require_string(value, path);
    auto cidr = parse_cidr(text);
    if (!cidr) {
        throw FieldError(path,
                         validate::quote_for_message(text) + ": " + std::string(kCidrExpected));
    }
    return *cidr;
}

std::string read_right(const json& value, const std::string& path) {
    auto right = validate::require_string(value, path);
    if (right != kManageKeysScope) {
        throw FieldError(path, "unknown scope " + validate::quote_for_message(right) +
                                   "; known: " + std::string(kManageKeysScope));
    }
    return right;
}

std::int64_t read_expiry(const json& value) {
    const auto text = validate::require_string(value, "expires_at");
    const auto at_ms = parse_time_ms(text);
    if (!at_ms) {
        throw FieldError("expires_at",
                         "expected an RFC 3339 time in UTC such as \"2027-01-01T00:00:00Z\"");
    }
    return *at_ms;
}

// Budgets merge like the scope itself: a period named replaces that one, null removes it.
void read_budgets(const json& value, KeyLimitSpec& limits) {
    const validate::ObjectReader reader(value, "budgets", {"day", "week", "month", "lifetime"});
    for (auto period : kBudgetPeriods) {
        const auto* budget = reader.optional(to_string(period));
        if (budget == nullptr) continue;
        auto& slot = limits.budgets[index_of(period)];
        if (budget->is_null()) {
            slot.reset();
            continue;
        }
        const auto path = reader.path_of(to_string(period));
        const auto text = budget->is_string() ? budget->get<std::string>() : std::string();
        const auto nanos = parse_decimal_nanos(text);
        if (!budget->is_string() || !nanos || *nanos <= 0) {
            throw FieldError(path,
                             "expected credits above zero as a decimal string, e.g. \"20\" "
                             "or \"0.5\"");
        }
        slot = nanos;
    }
}

void apply(const validate::ObjectReader& reader, KeyScope& scope) {
    if (const auto* v = reader.optional("name"))
        scope.name = v->is_null() ? std::string() : read_name(*v);
    if (const auto* v = reader.optional("models")) {
        scope.models.reset();
        if (!v->is_null()) scope.models = read_list(*v, "models", 1, read_model);
    }
    if (const auto* v = reader.optional("endpoints")) {
        scope.endpoints.reset();
        if (!v->is_null()) scope.endpoints = read_list(*v, "endpoints", 1, read_endpoint);
    }
    if (const auto* v = reader.optional("budgets")) {
        if (v->is_null()) {
            scope.limits.budgets = {};
        } else {
            read_budgets(*v, scope.limits);
        }
    }
    if (const auto* v = reader.optional("expires_at")) {
        scope.expires_at_ms.reset();
        if (!v->is_null()) scope.expires_at_ms = read_expiry(*v);
    }
    for (const auto& rate : kRateFields) {
        const auto* v = reader.optional(rate.name);
        if (v == nullptr) continue;
        auto& slot = scope.limits.*rate.member;
        slot.reset();
        if (!v->is_null()) slot = validate::require_integer(*v, rate.name, 1, kMaxKeyRate);
    }
    if (const auto* v = reader.optional("cidrs")) {
        scope.cidrs.reset();
        if (!v->is_null()) scope.cidrs = read_list(*v, "cidrs", 1, read_cidr);
    }
    if (const auto* v = reader.optional("scopes")) {
        scope.scopes.clear();
        if (!v->is_null()) scope.scopes = read_list(*v, "scopes", 0, read_right);
    }
}

// "2027-01-01T00:00:00Z"; the milliseconds only when there are some.
std::string expiry_text(std::int64_t at_ms) {
    auto text = format_time_ms(at_ms);
    if (at_ms % 1000 == 0) text.erase(text.size() - 5, 4);  // ".000" before the "Z"
    return text;
}

// Whether every model `child` may name is one `parent` allows: a pattern covers exact names
// and narrower patterns; an exact name covers only itself.
bool model_within(std::string_view child, std::string_view parent) {
    if (!is_pattern(parent)) return child == parent;
    const auto child_prefix = is_pattern(child) ? pattern_prefix(child) : child;
    return child_prefix.starts_with(pattern_prefix(parent));
}

// The first item of `child` for which no item of `parent` answers `within`, as "field[i]";
// "field" itself when the parent limits and the child does not.
template <typename T, typename Within>
std::optional<std::string> first_outside(std::string_view field,
                                         const std::optional<std::vector<T>>& child,
                                         const std::optional<std::vector<T>>& parent,
                                         Within within) {
    if (!parent) return std::nullopt;
    if (!child) return std::string(field);
    for (std::size_t i = 0; i < child->size(); ++i) {
        const auto& item = (*child)[i];
        if (std::none_of(parent->begin(), parent->end(),
                         [&](const T& outer) { return within(item, outer); })) {
            return item_path(field, i);
        }
    }
    return std::nullopt;
}

bool wider(const std::optional<std::int64_t>& child, const std::optional<std::int64_t>& parent) {
    return parent && (!child || *child > *parent);
}

}  // namespace

std::variant<KeyScope, ScopeError> parse_key_scope(const json& body, const KeyScope& base) {
    try {
        const validate::ObjectReader reader(body, "",
                                            {"name", "models", "endpoints", "budgets", "expires_at",
                                             "rpm", "tpm", "max_concurrent", "cidrs", "scopes"});
        KeyScope scope = base;
        apply(reader, scope);
        return scope;
    } catch (const FieldError& e) {
        return ScopeError{e.json_path(), e.reason()};
    }
}

json key_scope_json(const KeyScope& scope) {
    json out = {{"name", scope.name}};
    if (scope.models) out["models"] = *scope.models;
    if (scope.endpoints) out["endpoints"] = *scope.endpoints;
    json budgets = json::object();
    for (auto period : kBudgetPeriods) {
        if (const auto& budget = scope.limits.budgets[index_of(period)]) {
            budgets[to_string(period)] = format_nanos(*budget);
        }
    }
    if (!budgets.empty()) out["budgets"] = std::move(budgets);
    if (scope.expires_at_ms) out["expires_at"] = expiry_text(*scope.expires_at_ms);
    for (const auto& rate : kRateFields) {
        if (const auto& value = scope.limits.*rate.member) out[rate.name] = *value;
    }
    if (scope.cidrs) {
        json cidrs = json::array();
        for (const auto& cidr : *scope.cidrs) cidrs.push_back(to_string(cidr));
        out["cidrs"] = std::move(cidrs);
    }
    if (!scope.scopes.empty()) out["scopes"] = scope.scopes;
    return out;
}

KeyScope key_scope_from_stored(std::string_view stored_json) {
    const auto body = json::parse(stored_json, nullptr, /*allow_exceptions=*/false);
    if (!body.is_discarded()) {
        auto parsed = parse_key_scope(body);
        if (auto* scope = std::get_if<KeyScope>(&parsed)) return std::move(*scope);
    }
    KeyScope nothing;
    nothing.models.emplace();
    return nothing;
}

bool allows_model(const KeyScope& scope, std::string_view model) {
    if (!scope.models) return true;
    return std::any_of(scope.models->begin(), scope.models->end(), [&](const std::string& allowed) {
        return is_pattern(allowed) ? model.starts_with(pattern_prefix(allowed)) : model == allowed;
    });
}

bool allows_endpoint(const KeyScope& scope, std::string_view endpoint) {
    if (!scope.endpoints) return true;
    return std::find(scope.endpoints->begin(), scope.endpoints->end(), endpoint) !=
           scope.endpoints->end();
}

bool allows_address(const KeyScope& scope, const boost::asio::ip::address& address) {
    if (!scope.cidrs) return true;
    return std::any_of(scope.cidrs->begin(), scope.cidrs->end(),
                       [&](const Cidr& cidr) { return contains(cidr, address); });
}

bool expired(const KeyScope& scope, std::int64_t now_ms) {
    return scope.expires_at_ms && now_ms >= *scope.expires_at_ms;
}

bool has_right(const KeyScope& scope, std::string_view right) {
    return std::find(scope.scopes.begin(), scope.scopes.end(), right) != scope.scopes.end();
}

std::optional<std::string> first_widened_field(const KeyScope& child, const KeyScope& parent) {
    if (auto field = first_outside("models", child.models, parent.models, model_within)) {
        return field;
    }
    const auto same = [](const auto& a, const auto& b) { return a == b; };
    if (auto field = first_outside("endpoints", child.endpoints, parent.endpoints, same)) {
        return field;
    }
    for (auto period : kBudgetPeriods) {
        const auto index = index_of(period);
        if (wider(child.limits.budgets[index], parent.limits.budgets[index])) {
            return std::string("budgets.") + to_string(period);
        }
    }
    if (wider(child.expires_at_ms, parent.expires_at_ms)) return "expires_at";
    for (const auto& rate : kRateFields) {
        if (wider(child.limits.*rate.member, parent.limits.*rate.member)) return rate.name;
    }
    const auto inside = [](const Cidr& inner, const Cidr& outer) { return contains(outer, inner); };
    if (auto field = first_outside("cidrs", child.cidrs, parent.cidrs, inside)) return field;
    const std::optional<std::vector<std::string>> child_rights = child.scopes;
    const std::optional<std::vector<std::string>> parent_rights = parent.scopes;
    return first_outside("scopes", child_rights, parent_rights, same);
}

}  // namespace creditgate
