// The "AI Pass": GET /account/passes/new (a short form) and POST /account/passes, which mints a
// limited key (a sub-key of the signed-in key; a root-level key of the account when signed in
// by link) and shows it once. A pass is never wider than the key it is minted from or any key
// above that one (403 page naming the field).
#include <charconv>
#include <map>

#include "creditgate/auth/key_scope.hpp"
#include "creditgate/errors/result_errors.hpp"
#include "creditgate/validate/time_text.hpp"
#include "page_call.hpp"

namespace creditgate {

namespace {

constexpr std::int64_t kMaxPassDays = 3650;
constexpr std::size_t kMaxPassNameLength = 200;

std::string pass_form(const std::string& csrf) {
    return "<section><form method=\"post\" action=\"/account/passes\">" + csrf_field(csrf) +
           "<label for=\"name\">Name</label><input id=\"name\" name=\"name\" required "
           "maxlength=\"200\" placeholder=\"my editor\">"
           "<label for=\"models\">Models</label><input id=\"models\" name=\"models\" "
           "placeholder=\"gpt-4o-mini, claude-*\"><p class=\"muted\">Comma-separated; "
           "<code>prefix*</code> allows a family. Empty: the models your key allows.</p>"
           "<label for=\"budget_month\">Monthly cap (credits)</label><input id=\"budget_month\" "
           "name=\"budget_month\" inputmode=\"decimal\" placeholder=\"5\">"
           "<label for=\"expires_in_days\">Expires in (days)</label><input id=\"expires_in_days\" "
           "name=\"expires_in_days\" inputmode=\"numeric\" placeholder=\"30\">"
           "<p><button type=\"submit\" id=\"create-pass\">Create pass</button></p></form>"
           "<p class=\"muted\">The pass is shown once. It can never do more than the key you "
           "signed in with.</p></section>";
}

std::string trimmed(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return std::string(text);
}

// The form as a scope body (key_scope.hpp's JSON), so the API's own validation applies.
std::variant<nlohmann::json, ApiError> pass_body(const FormFields& form, std::int64_t now_ms) {
    nlohmann::json body = nlohmann::json::object();
    auto name = trimmed(form.value_or_empty("name"));
    if (name.empty()) name = "AI Pass";
    if (name.size() > kMaxPassNameLength) {
        return api_error(ErrorCode::invalid_request, "name: at most 200 characters", "name");
    }
    body["name"] = name;
    nlohmann::json models = nlohmann::json::array();
    const std::string models_text = form.value_or_empty("models");
    std::string_view rest = models_text;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        auto model = trimmed(rest.substr(0, comma));
        if (!model.empty()) models.push_back(model);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (!models.empty()) body["models"] = models;
    if (auto budget = trimmed(form.value_or_empty("budget_month")); !budget.empty()) {
        body["budgets"] = {{"month", budget}};
    }
    if (auto days_text = trimmed(form.value_or_empty("expires_in_days")); !days_text.empty()) {
        std::int64_t days = 0;
        auto [end, error] =
            std::from_chars(days_text.data(), days_text.data() + days_text.size(), days);
        if (error != std::errc() || end != days_text.data() + days_text.size() || days < 1 ||
            days > kMaxPassDays) {
            return api_error(ErrorCode::invalid_request,
                             "expires_in_days: expected a whole number of days from 1 to 3650",
                             "expires_in_days");
        }
        body["expires_at"] = format_time_ms(now_ms + days * 86'400'000);
    }
    return body;
}

// The first field in which `scope` is wider than the key `key_id` or a key above it.
std::optional<std::string> widened_over(const KeyScope& scope, std::int64_t key_id,
                                        const std::vector<KeyView>& account_keys) {
    std::map<std::int64_t, const KeyView*> by_id;
    for (const auto& key : account_keys) by_id[key.record.id] = &key;
    for (std::optional<std::int64_t> id = key_id; id;) {
        auto it = by_id.find(*id);
        if (it == by_id.end()) return std::string("key");
        if (auto field = first_widened_field(scope, it->second->scope)) return field;
        id = it->second->record.parent_id;
    }
    return std::nullopt;
}

constexpr std::string_view kCopyScript =
    "document.getElementById('copy-pass').addEventListener('click',function(){"
    "var key=document.getElementById('pass-key').textContent;"
    "navigator.clipboard.writeText(key).then(function(){"
    "document.getElementById('copy-pass').textContent='Copied';});});";

}  // namespace

void WebPages::new_pass_page(const CallPtr& call) {
    with_session(call, [call](const SignedIn& signed_in) {
        call->record.account_id = signed_in.account_id;
        call->page(http::status::ok, "New AI Pass", pass_form(signed_in.csrf_token),
                   {signed_in.csrf_token, {}});
    });
}

void WebPages::create_pass(const CallPtr& call) {
    with_session(call, [this, call](const SignedIn& signed_in) {
        call->record.account_id = signed_in.account_id;
        auto form = FormFields::parse(call->request.body());  // parsed: with_session checked csrf
        auto body = pass_body(*form, now_ms());
        if (auto* error = std::get_if<ApiError>(&body)) return call->fail(*error);
        context_.keys.list(
            signed_in.account_id,
            call->on_session<KeyList>([this, call, signed_in,
                                       body = std::get<nlohmann::json>(body)](KeyList& list) {
                if (list.result != AuthResult::ok) return call->fail(api_error_from(list.result));
                // What the form leaves out is the minting key's: never wider by omission. A
                // pass never carries management rights.
                KeyScope base;
                if (signed_in.key_id) {
                    for (const auto& key : list.keys) {
                        if (key.record.id == *signed_in.key_id) base = key.scope;
                    }
                }
                base.name.clear();
                base.scopes.clear();
                auto parsed = parse_key_scope(body, base);
                if (auto* error = std::get_if<ScopeError>(&parsed)) {
                    return call->fail(
                        api_error(ErrorCode::invalid_request, error->message, error->field));
                }
                auto scope = std::get<KeyScope>(std::move(parsed));
                if (signed_in.key_id) {
                    if (auto field = widened_over(scope, *signed_in.key_id, list.keys)) {
                        return call->fail(api_error(
                            ErrorCode::scope_too_wide,
                            "The pass would be wider than the key you signed in with (or a key "
                            "above it) in '" +
                                *field + "': a pass can only have what that key has.",
                            *field));
                    }
                }
                const auto actor = signed_in.key_id
                                       ? "web:key:" + std::to_string(*signed_in.key_id)
                                       : "web:link:account:" + std::to_string(signed_in.account_id);
                context_.keys.create(
                    signed_in.account_id, signed_in.key_id, std::move(scope), actor,
                    call->on_session<CreatedKey>([call, signed_in](CreatedKey& created) {
                        if (created.result != AuthResult::ok) {
                            return call->fail(api_error_from(created.result));
                        }
                        call->record.key_id = created.key.record.id;
                        call->page(
                            http::status::ok, "Your new AI Pass",
                            "<section><p>Copy it now: it is shown only this once.</p><p><code "
                            "id=\"pass-key\">" +
                                html_escape(created.plaintext) +
                                "</code></p><p><button type=\"button\" id=\"copy-pass\">Copy"
                                "</button> <a href=\"/account\">Back to your account</a></p>"
                                "</section>",
                            {signed_in.csrf_token, std::string(kCopyScript)});
                    }));
            }));
    });
}

}  // namespace creditgate
