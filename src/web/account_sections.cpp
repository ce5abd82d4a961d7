// The account page's money sections: balance, reserved and owed; the grants with what is left;
// the requests with model, tokens and cost. Amounts in decimal credits, as the API shows them.
#include "account_view.hpp"
#include "creditgate/pricing/decimal.hpp"
#include "creditgate/validate/time_text.hpp"
#include "creditgate/web/html_page.hpp"

namespace creditgate {

namespace {

std::string figure(const char* id, const char* label, std::int64_t nanos) {
    return "<div><span class=\"muted\">" + std::string(label) + "</span><strong id=\"" + id +
           "\">" + format_nanos(nanos) + "</strong></div>";
}

const char* kind_label(GrantKind kind) {
    switch (kind) {
        case GrantKind::topup:
            return "top-up";
        case GrantKind::grant:
            return "grant";
        case GrantKind::adjustment:
            return "adjustment";
    }
    return "credit";
}

}  // namespace

std::string render_figures(const AccountBalance& account) {
    return "<div class=\"figures\">" +
           figure("balance", "Balance (credits)", account.balance_nanos) +
           figure("reserved", "Reserved by requests in flight", account.reserved_nanos) +
           figure("owed", "Owed", account.owed_nanos) + "</div>";
}

std::string render_grants(const AccountBalance& account, std::int64_t now_ms) {
    std::string html =
        "<table id=\"grants\"><thead><tr><th>Kind</th><th>Reference</th><th class=\"num\">"
        "Amount</th><th class=\"num\">Left</th><th>Expires</th></tr></thead><tbody>";
    for (const auto& grant : account.grants) {
        if (grant.expires_at_ms && *grant.expires_at_ms <= now_ms) continue;
        html += "<tr class=\"grant\" data-grant-id=\"" + std::to_string(grant.id) + "\"><td>" +
                kind_label(grant.kind) + "</td><td>" + html_escape(grant.reference) +
                "</td><td class=\"num amount\">" + format_nanos(grant.amount_nanos) +
                "</td><td class=\"num left\">" + format_nanos(grant.remaining_nanos()) +
                "</td><td class=\"expires\">" +
                (grant.expires_at_ms ? format_time_ms(*grant.expires_at_ms) : "never") +
                "</td></tr>";
    }
    html += "</tbody></table>";
    if (account.grants.empty()) html += "<p class=\"muted\">No credits left to spend.</p>";
    return html;
}

std::string render_requests(const RequestsPage& page) {
    std::string html =
        "<table id=\"requests\"><thead><tr><th>Time</th><th>Model</th><th>Endpoint</th><th "
        "class=\"num\">Tokens in / out</th><th class=\"num\">Provider cost</th><th "
        "class=\"num\">Mark-up</th><th class=\"num\">Cost</th><th>Request id</th>"
        "</tr></thead><tbody>";
    for (const auto& entry : page.requests) {
        html += "<tr class=\"request\" data-entry-id=\"" + std::to_string(entry.id) + "\"><td>" +
                format_time_ms(entry.created_at_ms) + "</td><td class=\"model\">" +
                html_escape(entry.model) + "</td><td>" + html_escape(entry.endpoint) +
                "</td><td class=\"num tokens\">" + std::to_string(entry.prompt_tokens) + " / " +
                std::to_string(entry.completion_tokens) + "</td><td class=\"num provider-cost\">" +
                format_nanos(entry.provider_cost_nanos) +
                (has_flag(entry.flags, "byok") ? " (your key)" : "") +
                "</td><td class=\"num markup\">" + format_nanos(entry.markup_nanos) +
                "</td><td class=\"num cost\">" + format_nanos(-entry.amount_nanos) +
                (entry.type == "void" ? " (voided)" : "") + "</td><td class=\"muted\">" +
                html_escape(entry.request_id) + "</td></tr>";
    }
    html += "</tbody></table>";
    if (page.requests.empty()) html += "<p class=\"muted\">No requests yet.</p>";
    if (page.has_older && !page.requests.empty()) {
        html +=
            "<p><a id=\"older\" href=\"/account?before=" + std::to_string(page.requests.back().id) +
            "\">Older requests</a></p>";
    }
    return html;
}

}  // namespace creditgate
