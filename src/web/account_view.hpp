#pragma once
// Internal to the web module: what the account page shows, and one renderer per section
// (account_sections.cpp, spend_chart.cpp, account_keys.cpp, account_provider_keys.cpp).
#include <cstdint>
#include <string>
#include <vector>

#include "creditgate/auth/key_registry.hpp"
#include "creditgate/auth/provider_key_vault.hpp"
#include "creditgate/ledger/ledger.hpp"
#include "creditgate/store/aggregates.hpp"
#include "creditgate/web/web_sessions.hpp"

namespace creditgate {

inline constexpr int kRequestsPerPage = 50;

struct RequestsPage {
    bool answered = false;
    std::vector<EntryRecord> requests;  // newest first, at most kRequestsPerPage
    bool has_older = false;
};

struct AccountView {
    SignedIn signed_in;
    AccountBalance account;
    std::vector<KeyView> keys;          // the live keys this session may revoke
    std::vector<EntryAggregate> spend;  // this month's charges by model
    RequestsPage requests;
    bool provider_keys_enabled = false;  // the config has a BYOK master key
    std::vector<ProviderKeyInfo> provider_keys;
    std::vector<std::string> providers;  // configured provider names
};

std::string render_figures(const AccountBalance& account);
std::string render_grants(const AccountBalance& account, std::int64_t now_ms);
// An inline SVG bar chart (svg#spend-chart, one rect.bar per model with data-model).
std::string render_spend_chart(const std::vector<EntryAggregate>& spend);
std::string render_requests(const RequestsPage& page);
std::string render_keys(const std::vector<KeyView>& keys, const SignedIn& signed_in);
std::string render_provider_keys(const AccountView& view);

// Which of the account's keys a session may see and revoke: with a key, that key and every
// live key below it; with a sign-in link, every live key of the account. In id order.
std::vector<KeyView> keys_in_reach(std::vector<KeyView> account_keys, const SignedIn& signed_in);

}  // namespace creditgate
