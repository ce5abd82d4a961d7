// The account's own provider keys (BYOK) on the account page: the list (last 4 characters
// only), POST /account/provider-keys to store one, POST /account/provider-keys/{provider}/remove.
#include <openssl/crypto.h>

#include "account_view.hpp"
#include "creditgate/errors/provider_key_errors.hpp"
#include "creditgate/validate/time_text.hpp"
#include "page_call.hpp"

namespace creditgate {

std::string render_provider_keys(const AccountView& view) {
    if (!view.provider_keys_enabled) {
        return "<p class=\"muted\">This server does not store provider keys (bring your own key "
               "is not configured).</p>";
    }
    const auto& csrf = view.signed_in.csrf_token;
    std::string html =
        "<table id=\"provider-keys\"><thead><tr><th>Provider</th><th>Key</th><th>Stored</th>"
        "<th></th></tr></thead><tbody>";
    for (const auto& key : view.provider_keys) {
        const auto provider = html_escape(key.provider);
        html += "<tr class=\"provider-key\" data-provider=\"" + provider + "\"><td>" + provider +
                "</td><td class=\"last4\"><code>…" + html_escape(key.last4) + "</code></td><td>" +
                format_time_ms(key.created_at_ms) +
                "</td><td><form method=\"post\" action=\"/account/provider-keys/" + provider +
                "/remove\">" + csrf_field(csrf) +
                "<button type=\"submit\" class=\"remove\">Remove</button></form></td></tr>";
    }
    html += "</tbody></table>";
    html += "<form method=\"post\" action=\"/account/provider-keys\">" + csrf_field(csrf) +
            "<label for=\"provider\">Provider</label><select id=\"provider\" name=\"provider\">";
    for (const auto& name : view.providers) {
        html += "<option value=\"" + html_escape(name) + "\">" + html_escape(name) + "</option>";
    }
    html +=
        "</select><label for=\"api_key\">Your key for that provider</label><input id=\"api_key\" "
        "name=\"api_key\" type=\"password\" autocomplete=\"off\" required><p class=\"muted\">"
        "Requests to that provider then use your key and you pay only the mark-up.</p><p>"
        "<button type=\"submit\" id=\"add-provider-key\">Add provider key</button></p></form>";
    return html;
}

void WebPages::add_provider_key(const CallPtr& call) {
    with_session(call, [this, call](const SignedIn& signed_in) {
        call->record.account_id = signed_in.account_id;
        auto form = FormFields::parse(call->request.body());  // parsed: with_session checked csrf
        // The body held the key: wipe it now, the form's copy goes with this step.
        OPENSSL_cleanse(call->request.body().data(), call->request.body().size());
        std::string provider_path = "/";  // configured_provider reads a path's last segment
        provider_path += form->value_or_empty("provider");
        auto provider = configured_provider(provider_path, *context_.configs.current());
        if (auto* error = std::get_if<ApiError>(&provider)) return call->fail(*error);
        auto key = form->value_or_empty("api_key");
        if (auto problem = provider_key_problem(key)) {
            OPENSSL_cleanse(key.data(), key.size());
            return call->fail(api_error(ErrorCode::invalid_request, *problem, "api_key"));
        }
        context_.provider_keys.put(
            signed_in.account_id, std::get<std::string>(provider), std::move(key),
            "web:account:" + std::to_string(signed_in.account_id),
            call->on_session<ProviderKeyResult>([call](ProviderKeyResult& result) {
                if (result != ProviderKeyResult::ok) return call->fail(api_error_from(result));
                call->redirect("/account");
            }));
    });
}

void WebPages::remove_provider_key(const CallPtr& call) {
    with_session(call, [this, call](const SignedIn& signed_in) {
        call->record.account_id = signed_in.account_id;
        // /account/provider-keys/{provider}/remove. Any name: a key stored for a provider since
        // removed from the config can still be removed.
        std::string_view path = call->record.path;
        path.remove_suffix(std::string_view("/remove").size());
        const std::string provider(path.substr(path.rfind('/') + 1));
        context_.provider_keys.remove(
            signed_in.account_id, provider, "web:account:" + std::to_string(signed_in.account_id),
            call->on_session<ProviderKeyResult>([call](ProviderKeyResult& result) {
                if (result != ProviderKeyResult::ok) return call->fail(api_error_from(result));
                call->redirect("/account");
            }));
    });
}

}  // namespace creditgate
