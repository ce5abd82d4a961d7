// Users' own provider keys (BYOK) on the admin listener: PUT and DELETE
// /admin/accounts/{id}/provider-keys/{provider}, GET /admin/accounts/{id}/provider-keys.
#include "admin_call.hpp"
#include "creditgate/errors/provider_key_errors.hpp"
#include "creditgate/views/provider_key_view.hpp"

namespace creditgate {

using namespace admin_detail;

void AdminApi::put_provider_key(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    auto provider = configured_provider(call->record.path, *configs_.current());
    if (auto* error = std::get_if<ApiError>(&provider)) return call->fail(*error);
    auto key = provider_key_from_body(call->request.body());
    if (auto* error = std::get_if<ApiError>(&key)) return call->fail(*error);
    provider_keys_.put(
        account_id, std::get<std::string>(provider), std::get<std::string>(std::move(key)),
        call->actor,
        call->on_session<ProviderKeyResult>([this, call, account_id](ProviderKeyResult& result) {
            if (result != ProviderKeyResult::ok) return call->fail(api_error_from(result));
            list_provider_keys(call, account_id);
        }));
}

void AdminApi::delete_provider_key(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    // Any name: a key stored for a provider since removed from the config can still be deleted.
    const auto& path = call->record.path;
    provider_keys_.remove(
        account_id, path.substr(path.rfind('/') + 1), call->actor,
        call->on_session<ProviderKeyResult>([this, call, account_id](ProviderKeyResult& result) {
            if (result != ProviderKeyResult::ok) return call->fail(api_error_from(result));
            list_provider_keys(call, account_id);
        }));
}

void AdminApi::list_provider_keys(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    provider_keys_.list(account_id, call->on_session<ProviderKeyList>([call](auto& list) {
        if (list.result != ProviderKeyResult::ok) return call->fail(api_error_from(list.result));
        call->reply(http::status::ok, provider_key_list_json(list.keys));
    }));
}

}  // namespace creditgate
