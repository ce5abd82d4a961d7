// The account's own provider keys (bring your own key), managed with a key holding keys:manage:
// GET /v1/provider-keys, PUT and DELETE /v1/provider-keys/{provider}. The same vault, checks
// and replies as the admin's routes; a stored key is never shown again (last 4 characters only).
#include <openssl/crypto.h>

#include "creditgate/errors/provider_key_errors.hpp"
#include "creditgate/http/routing.hpp"
#include "creditgate/proxy/public_api.hpp"
#include "creditgate/views/provider_key_view.hpp"

namespace creditgate {

namespace {

std::string actor_of(const KeyIdentity& key) {
    return "key:" + std::to_string(key.key_id);
}

}  // namespace

// What a change answers with: the account's list as it now is (as the admin's routes do).
void PublicApi::answer_provider_keys(const SessionPtr& session, AccessRecord& record,
                                     ProviderKeyVault& vault, std::int64_t account_id) {
    vault.list(account_id,
               on_session<ProviderKeyList>(session, record, [session](auto& list, auto& rec) {
                   if (list.result != ProviderKeyResult::ok) {
                       return fail(session, rec, api_error_from(list.result));
                   }
                   answer(session, rec,
                          json_reply(http::status::ok, provider_key_list_json(list.keys).dump(),
                                     rec.request_id));
               }));
}

void PublicApi::list_own_provider_keys(const SessionPtr& session, const Request& request,
                                       AccessRecord& record) {
    auto key = authenticate_manager(session, request, record);
    if (!key) return;
    answer_provider_keys(session, record, context_.provider_keys, key->account_id);
}

void PublicApi::put_own_provider_key(const SessionPtr& session, Request& request,
                                     AccessRecord& record) {
    auto key = authenticate_manager(session, request, record);
    // The body holds a secret: wiped whatever the answer (provider_key_from_body wipes too).
    auto& body = request.body();
    if (!key) return OPENSSL_cleanse(body.data(), body.size());
    auto provider = configured_provider(record.path, *context_.snapshot());
    if (auto* error = std::get_if<ApiError>(&provider)) {
        OPENSSL_cleanse(body.data(), body.size());
        return fail(session, record, *error);
    }
    auto secret = provider_key_from_body(body);
    if (auto* error = std::get_if<ApiError>(&secret)) return fail(session, record, *error);
    const auto account_id = key->account_id;
    auto& vault = context_.provider_keys;
    vault.put(account_id, std::get<std::string>(provider), std::get<std::string>(std::move(secret)),
              actor_of(*key),
              on_session<ProviderKeyResult>(
                  session, record, [session, &vault, account_id](auto& result, auto& rec) {
                      if (result != ProviderKeyResult::ok) {
                          return fail(session, rec, api_error_from(result));
                      }
                      answer_provider_keys(session, rec, vault, account_id);
                  }));
}

void PublicApi::delete_own_provider_key(const SessionPtr& session, const Request& request,
                                        AccessRecord& record) {
    auto key = authenticate_manager(session, request, record);
    if (!key) return;
    const auto& path = record.path;
    const auto account_id = key->account_id;
    auto& vault = context_.provider_keys;
    // Any name: a key stored for a provider since removed from the config can still go.
    vault.remove(account_id, path.substr(path.rfind('/') + 1), actor_of(*key),
                 on_session<ProviderKeyResult>(
                     session, record, [session, &vault, account_id](auto& result, auto& rec) {
                         if (result != ProviderKeyResult::ok) {
                             return fail(session, rec, api_error_from(result));
                         }
                         answer_provider_keys(session, rec, vault, account_id);
                     }));
}

}  // namespace creditgate
