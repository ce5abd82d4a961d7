#pragma once
// The admin listener: accounts, keys, top-ups, grants, adjustments, the ledger, reports and
// config reloads. Bearer tokens from admin.token_env or admin.tokens (those of the config in
// force); each token's name audits what it does.
#include <functional>
#include <memory>
#include <string>

#include "creditgate/auth/key_registry.hpp"
#include "creditgate/auth/provider_key_vault.hpp"
#include "creditgate/config/config_holder.hpp"
#include "creditgate/http/router.hpp"
#include "creditgate/http/session.hpp"
#include "creditgate/ledger/ledger.hpp"

namespace creditgate {

// Reloads the config file away from the I/O threads (serve owns how), on behalf of the admin
// token named `actor`; `done` gets the outcome, on any thread.
using ReloadConfig =
    std::function<void(const std::string& actor, std::function<void(ReloadOutcome)> done)>;

class AdminApi final : public RequestHandler {
  public:
    AdminApi(const ConfigHolder& configs, Ledger& ledger, KeyRegistry& keys,
             ProviderKeyVault& provider_keys, ReloadConfig reload_config);

    void handle(const std::shared_ptr<HttpSession>& session, Request&& request) override;

  private:
    struct Call;  // one request in progress
    void create_account(const std::shared_ptr<Call>& call);
    void get_account(const std::shared_ptr<Call>& call, std::int64_t account_id);
    // Keys and their audit log (admin_keys.cpp).
    void create_key(const std::shared_ptr<Call>& call, std::int64_t account_id);
    void list_keys(const std::shared_ptr<Call>& call, std::int64_t account_id);
    void get_key(const std::shared_ptr<Call>& call, std::int64_t key_id);
    void update_key(const std::shared_ptr<Call>& call, std::int64_t key_id);
    void revoke_key(const std::shared_ptr<Call>& call, std::int64_t key_id);
    void list_audit(const std::shared_ptr<Call>& call);
    // Top-ups, grants and adjustments: idempotent money movements (admin_credits.cpp).
    void move_money(const std::shared_ptr<Call>& call, std::int64_t account_id, GrantKind kind);
    void list_ledger(const std::shared_ptr<Call>& call, std::int64_t account_id);
    // Read-only reports, JSON or CSV (admin_reports.cpp).
    void get_statement(const std::shared_ptr<Call>& call, std::int64_t account_id);
    void get_usage(const std::shared_ptr<Call>& call);
    // Users' own provider keys, BYOK (admin_provider_keys.cpp). PUT and DELETE answer with the
    // account's list, as GET does.
    void put_provider_key(const std::shared_ptr<Call>& call, std::int64_t account_id);
    void delete_provider_key(const std::shared_ptr<Call>& call, std::int64_t account_id);
    void list_provider_keys(const std::shared_ptr<Call>& call, std::int64_t account_id);
    // Apps for the consent flow, OAuth 2.0 clients (admin_oauth_clients.cpp).
    void create_oauth_client(const std::shared_ptr<Call>& call);
    void list_oauth_clients(const std::shared_ptr<Call>& call);
    // POST /admin/accounts/{id}/sign-in-links: a one-time link to the user's pages
    // (admin_sign_in_links.cpp).
    void create_sign_in_link(const std::shared_ptr<Call>& call, std::int64_t account_id);
    // POST /admin/reload (admin_reload.cpp).
    void reload(const std::shared_ptr<Call>& call);

    const ConfigHolder& configs_;
    ReloadConfig reload_;
    Ledger& ledger_;
    KeyRegistry& keys_;
    ProviderKeyVault& provider_keys_;
    Router<const std::shared_ptr<Call>&> router_;
};

}  // namespace creditgate
