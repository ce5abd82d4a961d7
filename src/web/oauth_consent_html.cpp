#include "oauth_consent_html.hpp"

#include "creditgate/pricing/decimal.hpp"
#include "creditgate/web/html_page.hpp"
#include "page_call.hpp"

namespace creditgate {

namespace {

std::string hidden(std::string_view name, std::string_view value) {
    return "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" +
           html_escape(value) + "\">";
}

std::string listed(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + ("<code>" + html_escape(item) + "</code>");
    }
    return out;
}

// One checked box per proposed item: unticking narrows; nothing else can be added.
std::string checkboxes(const char* name, const char* legend,
                       const std::vector<std::string>& items) {
    std::string html =
        "<fieldset id=\"" + std::string(name) + "s\"><legend>" + legend + "</legend>";
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto id = std::string(name) + "-" + std::to_string(i);
        html += "<label><input type=\"checkbox\" id=\"" + id + "\" name=\"" + name + "\" value=\"" +
                html_escape(items[i]) + "\" checked> " + html_escape(items[i]) + "</label>";
    }
    return html + "</fieldset>";
}

}  // namespace

std::string consent_summary_html(const ValidAuthorization& authorization) {
    const auto& client = authorization.client;
    const auto& proposed = authorization.proposed;
    std::string html = "<section id=\"consent\">";
    if (!client.logo.empty()) {
        // Registered as a data: URI of a raster image; the page's CSP loads nothing else.
        html += "<img id=\"app-logo\" src=\"" + html_escape(client.logo) +
                "\" alt=\"\" width=\"48\" height=\"48\">";
    }
    html += "<p><strong id=\"app-name\">" + html_escape(client.name) +
            "</strong> asks for a key to use your credits.</p><ul id=\"proposed\">";
    if (proposed.models)
        html += "<li id=\"proposed-models\">Models: " + listed(*proposed.models) + "</li>";
    if (proposed.endpoints) {
        html += "<li id=\"proposed-endpoints\">Endpoints: " + listed(*proposed.endpoints) + "</li>";
    }
    if (proposed.budget_month_nanos) {
        html += "<li id=\"proposed-budget\">At most " + format_nanos(*proposed.budget_month_nanos) +
                " credits a month</li>";
    }
    if (proposed.expires_in_days) {
        html += "<li id=\"proposed-expiry\">For " + std::to_string(*proposed.expires_in_days) +
                " days</li>";
    }
    if (proposed == OAuthScope{}) {
        html +=
            "<li>No limits of its own: the key may do what the key you sign in with may. "
            "You can set a monthly cap and an expiry below.</li>";
    }
    html +=
        "</ul><p class=\"muted\">The app never sees your own key. You can revoke its key at "
        "any time on your account page.</p></section>";
    return html;
}

std::string consent_form_html(const ValidAuthorization& authorization,
                              const std::string& csrf_token) {
    const auto& request = authorization.request;
    const auto& proposed = authorization.proposed;
    std::string html = "<section><form method=\"post\" action=\"/oauth/authorize\">";
    html += hidden("client_id", request.client_id) + hidden("redirect_uri", request.redirect_uri) +
            hidden("code_challenge", request.code_challenge) +
            hidden("code_challenge_method", request.code_challenge_method) +
            hidden("scope", request.scope) + csrf_field(csrf_token);
    if (request.state) html += hidden("state", *request.state);
    if (proposed.models) html += checkboxes("model", "Models", *proposed.models);
    if (proposed.endpoints) html += checkboxes("endpoint", "Endpoints", *proposed.endpoints);
    const auto budget =
        proposed.budget_month_nanos ? format_nanos(*proposed.budget_month_nanos) : std::string();
    html +=
        "<label for=\"budget_month\">Monthly cap (credits)</label>"
        "<input id=\"budget_month\" name=\"budget_month\" inputmode=\"decimal\" value=\"" +
        html_escape(budget) + "\"" + (budget.empty() ? " placeholder=\"no cap\"" : " required") +
        ">";
    const auto days =
        proposed.expires_in_days ? std::to_string(*proposed.expires_in_days) : std::string();
    html +=
        "<label for=\"expires_in_days\">Expires after (days)</label>"
        "<input id=\"expires_in_days\" name=\"expires_in_days\" type=\"number\" min=\"1\"" +
        (days.empty() ? std::string(" placeholder=\"never\"") : " max=\"" + days + "\" required") +
        " value=\"" + days + "\">";
    html +=
        "<p><button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">"
        "Approve</button> <button type=\"submit\" name=\"decision\" value=\"deny\" "
        "id=\"deny\" class=\"secondary\" formnovalidate>Deny</button></p></form></section>";
    return html;
}

std::string consent_sign_in_html(const std::string& next) {
    return "<section><h2>Sign in to continue</h2><form method=\"post\" action=\"/sign-in\">"
           "<label for=\"key\">Account key</label>"
           "<input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"off\" required>" +
           hidden("next", next) +
           "<p><button type=\"submit\" id=\"sign-in\">Sign in</button></p></form>"
           "<p class=\"muted\">Or open the sign-in link your administrator gave you, then come "
           "back to this page.</p></section>";
}

}  // namespace creditgate
