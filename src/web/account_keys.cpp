// The account page's keys (the session's key and those below it, apps' keys included) with
// their limits and spend, and POST /account/keys/{id}/revoke. Limits and spend come from the
// same rendering as the API's key objects (views/render_keys.hpp).
#include <map>

#include "account_view.hpp"
#include "creditgate/errors/result_errors.hpp"
#include "creditgate/views/render_keys.hpp"
#include "page_call.hpp"

namespace creditgate {

namespace {

// "models gpt-4o-mini, claude-*; month ≤ 5 credits; expires 2027-01-01T00:00:00Z"
std::string limits_text(const nlohmann::json& key) {
    std::vector<std::string> parts;
    auto joined = [](const nlohmann::json& list) {
        std::string out;
        for (const auto& item : list) out += (out.empty() ? "" : ", ") + item.get<std::string>();
        return out;
    };
    if (key.contains("models")) parts.push_back("models " + joined(key["models"]));
    if (key.contains("endpoints")) parts.push_back("endpoints " + joined(key["endpoints"]));
    if (key.contains("budgets")) {
        for (const auto& [period, amount] : key["budgets"].items()) {
            parts.push_back(period + " ≤ " + amount.get<std::string>() + " credits");
        }
    }
    if (key.contains("expires_at"))
        parts.push_back("expires " + key["expires_at"].get<std::string>());
    if (key.contains("scopes") && !key["scopes"].empty()) parts.push_back(joined(key["scopes"]));
    if (parts.empty()) return "no limits";
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "" : "; ") + part;
    return out;
}

}  // namespace

std::vector<KeyView> keys_in_reach(std::vector<KeyView> account_keys, const SignedIn& signed_in) {
    std::map<std::int64_t, bool> reach;  // id order: a parent before its children
    std::vector<KeyView> out;
    for (auto& key : account_keys) {
        const auto& record = key.record;
        bool in = !signed_in.key_id || record.id == *signed_in.key_id ||
                  (record.parent_id && reach.count(*record.parent_id));
        if (!in) continue;
        reach[record.id] = true;
        if (!record.revoked_at_ms) out.push_back(std::move(key));
    }
    return out;
}

std::string render_keys(const std::vector<KeyView>& keys, const SignedIn& signed_in) {
    std::string html =
        "<table id=\"keys\"><thead><tr><th>Name</th><th>Key</th><th>Limits</th><th "
        "class=\"num\">Spent this month</th><th></th></tr></thead><tbody>";
    for (const auto& key : keys) {
        const auto json = key_json(key);
        const auto id = std::to_string(key.record.id);
        const bool own = signed_in.key_id && *signed_in.key_id == key.record.id;
        html += "<tr class=\"key\" data-key-id=\"" + id + "\"><td class=\"name\">" +
                html_escape(key.record.name) + "</td><td><code>" + html_escape(key.record.prefix) +
                "…</code>" +
                (own ? " <span class=\"muted\">(you are signed in with it)</span>" : "") +
                (key.record.parent_id ? "" : " <span class=\"muted\">(account key)</span>") +
                "</td><td class=\"limits\">" + html_escape(limits_text(json)) +
                "</td><td class=\"num spend\">" + json["spend"]["month"].get<std::string>() +
                "</td><td><form method=\"post\" action=\"/account/keys/" + id + "/revoke\">" +
                csrf_field(signed_in.csrf_token) +
                "<button type=\"submit\" class=\"revoke\">Revoke</button></form></td></tr>";
    }
    html += "</tbody></table>";
    return html;
}

void WebPages::revoke_key(const CallPtr& call, std::int64_t key_id) {
    with_session(call, [this, call, key_id](const SignedIn& signed_in) {
        call->record.account_id = signed_in.account_id;
        const auto not_yours = api_error(
            ErrorCode::not_found, "No live key " + std::to_string(key_id) + " you may revoke.");
        // With a key: that key or one below it. With a link: any key of the account.
        if (signed_in.key_id && !context_.keys.descends_from(key_id, *signed_in.key_id)) {
            return call->fail(not_yours);
        }
        context_.keys.get(key_id, call->on_session<KeyChange>([this, call, key_id, signed_in,
                                                               not_yours](KeyChange& found) {
            if (found.result != AuthResult::ok || found.key.record.revoked_at_ms ||
                found.key.record.account_id != signed_in.account_id) {
                return call->fail(not_yours);
            }
            const auto actor = signed_in.key_id
                                   ? "web:key:" + std::to_string(*signed_in.key_id)
                                   : "web:link:account:" + std::to_string(signed_in.account_id);
            context_.keys.revoke(key_id, actor,
                                 call->on_session<KeyChange>([call](KeyChange& revoked) {
                                     if (revoked.result != AuthResult::ok) {
                                         return call->fail(api_error_from(revoked.result));
                                     }
                                     call->redirect("/account");
                                 }));
        }));
    });
}

}  // namespace creditgate
