#include "creditgate/admin/admin_api.hpp"

#include "admin_call.hpp"

#include <openssl/crypto.h>

#include <boost/asio/post.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_path.hpp>
#include <charconv>

#include "creditgate/auth/api_key.hpp"
#include "creditgate/http/routing.hpp"
#include "creditgate/observe/access_log.hpp"
#include "creditgate/pricing/decimal.hpp"
#include "creditgate/views/render.hpp"

namespace creditgate {

namespace {

bool token_matches(std::string_view presented, const std::string& expected) {
    return presented.size() == expected.size() &&
           CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

}  // namespace

using namespace admin_detail;

AdminApi::AdminApi(const ConfigHolder& configs, Ledger& ledger, KeyRegistry& keys,
                   ProviderKeyVault& provider_keys, ReloadConfig reload_config)
    : configs_(configs),
      reload_(std::move(reload_config)),
      ledger_(ledger),
      keys_(keys),
      provider_keys_(provider_keys) {
    using http::verb;
    using CallPtr = const std::shared_ptr<Call>&;
    auto money = [this](GrantKind kind) {
        return [this, kind](const RouteIds& ids, CallPtr call) { move_money(call, ids[0], kind); };
    };
    router_
        .add(verb::post, "/admin/accounts",
             [this](const RouteIds&, CallPtr call) { create_account(call); })
        .add(verb::get, "/admin/accounts/{id}",
             [this](const RouteIds& ids, CallPtr call) { get_account(call, ids[0]); })
        .add(verb::get, "/admin/accounts/{id}/keys",
             [this](const RouteIds& ids, CallPtr call) { list_keys(call, ids[0]); })
        .add(verb::post, "/admin/accounts/{id}/keys",
             [this](const RouteIds& ids, CallPtr call) { create_key(call, ids[0]); })
        .add(verb::post, "/admin/accounts/{id}/topups", money(GrantKind::topup))
        .add(verb::post, "/admin/accounts/{id}/grants", money(GrantKind::grant))
        .add(verb::post, "/admin/accounts/{id}/adjustments", money(GrantKind::adjustment))
        .add(verb::get, "/admin/accounts/{id}/ledger",
             [this](const RouteIds& ids, CallPtr call) { list_ledger(call, ids[0]); })
        .add(verb::get, "/admin/accounts/{id}/statement",
             [this](const RouteIds& ids, CallPtr call) { get_statement(call, ids[0]); })
        .add(verb::get, "/admin/usage", [this](const RouteIds&, CallPtr call) { get_usage(call); })
        .add(verb::get, "/admin/keys/{id}",
             [this](const RouteIds& ids, CallPtr call) { get_key(call, ids[0]); })
        .add(verb::patch, "/admin/keys/{id}",
             [this](const RouteIds& ids, CallPtr call) { update_key(call, ids[0]); })
        .add(verb::delete_, "/admin/keys/{id}",
             [this](const RouteIds& ids, CallPtr call) { revoke_key(call, ids[0]); })
        .add(verb::get, "/admin/audit", [this](const RouteIds&, CallPtr call) { list_audit(call); })
        .add(verb::post, "/admin/reload", [this](const RouteIds&, CallPtr call) { reload(call); })
        .add(verb::post, "/admin/accounts/{id}/sign-in-links",
             [this](const RouteIds& ids, CallPtr call) { create_sign_in_link(call, ids[0]); })
        .add(verb::get, "/admin/accounts/{id}/provider-keys",
             [this](const RouteIds& ids, CallPtr call) { list_provider_keys(call, ids[0]); })
        .add(verb::put, "/admin/accounts/{id}/provider-keys/{name}",
             [this](const RouteIds& ids, CallPtr call) { put_provider_key(call, ids[0]); })
        .add(verb::delete_, "/admin/accounts/{id}/provider-keys/{name}",
             [this](const RouteIds& ids, CallPtr call) { delete_provider_key(call, ids[0]); })
        .add(verb::post, "/admin/oauth/clients",
             [this](const RouteIds&, CallPtr call) { create_oauth_client(call); })
        .add(verb::get, "/admin/oauth/clients",
             [this](const RouteIds&, CallPtr call) { list_oauth_clients(call); });
}

void AdminApi::handle(const std::shared_ptr<HttpSession>& session, Request&& request) {
    auto call = std::make_shared<Call>();
    call->session = session;
    call->record.request_id = new_request_id();
    call->record.method = std::string(request.method_string());
    call->record.path = std::string(target_path(request.target()));
    call->request = std::move(request);

    const auto presented = bearer_token(call->request[http::field::authorization]);
    const auto config = configs_.current();
    for (const auto& admin : config->admin_tokens) {
        if (token_matches(presented, admin.token)) call->actor = admin.name;
    }
    if (call->actor.empty()) {
        return call->fail(api_error(ErrorCode::invalid_api_key, "Missing or invalid admin token."));
    }
    if (auto error = router_.dispatch(call->request.method(), call->record.path, call)) {
        call->fail(*error);
    }
}

void AdminApi::create_account(const std::shared_ptr<Call>& call) {
    auto body = object_body(call->request.body(), {"name"});
    if (auto* error = std::get_if<ApiError>(&body)) return call->fail(*error);
    auto name = string_field(std::get<nlohmann::json>(body), "name", true, kMaxNameLength);
    if (auto* error = std::get_if<ApiError>(&name)) return call->fail(*error);
    ledger_.create_account(std::get<std::string>(name),
                           call->on_session<std::optional<AccountBalance>>([call](auto& account) {
                               if (!account)
                                   return call->fail(api_error_from(LedgerResult::unavailable));
                               call->reply(http::status::created, account_json(*account));
                           }));
}

void AdminApi::get_account(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    ledger_.get_account(account_id,
                        call->on_session<std::optional<AccountBalance>>([call](auto& account) {
                            if (!account)
                                return call->fail(api_error_from(LedgerResult::account_not_found));
                            call->reply(http::status::ok, account_json(*account));
                        }));
}

void AdminApi::list_ledger(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    int limit = 50;
    std::int64_t after = 0;
    auto url = boost::urls::parse_origin_form(call->request.target());
    if (!url) return call->fail(invalid("Malformed query string."));
    for (auto param : url->params()) {
        if (param.key == "limit") {
            auto value = parse_id(param.value);
            if (!value || *value > 1000)
                return call->fail(invalid("'limit' must be an integer from 1 to 1000.", "limit"));
            limit = static_cast<int>(*value);
        } else if (param.key == "after") {
            auto value = parse_id(param.value);
            if (!value) return call->fail(invalid("'after' must be an entry id.", "after"));
            after = *value;
        } else {
            return call->fail(invalid("Unknown query parameter '" + std::string(param.key) + "'.",
                                      std::string(param.key)));
        }
    }
    ledger_.list_entries(
        account_id, limit + 1, after,
        call->on_session<EntriesOutcome>([call, limit](auto& outcome) {
            if (outcome.result != LedgerResult::ok)
                return call->fail(api_error_from(outcome.result));
            call->reply(http::status::ok,
                        page_json(std::move(outcome.entries), limit, "next_after",
                                  [](const EntryRecord& entry) { return entry_json(entry); }));
        }));
}

}  // namespace creditgate
