// Users' own provider keys (BYOK) on the admin listener: PUT and DELETE
// /admin/accounts/{id}/provider-keys/{provider}, GET /admin/accounts/{id}/provider-keys.
#include <openssl/crypto.h>

#include "admin_call.hpp"
#include "creditgate/errors/provider_key_errors.hpp"
#include "creditgate/views/provider_key_view.hpp"

namespace creditgate {

using namespace admin_detail;

namespace {

// The {provider} segment of the path; it must name a configured provider.
std::variant<std::string, ApiError> provider_of(const std::string& path, const Config& config) {
    std::string provider = path.substr(path.rfind('/') + 1);
    if (!config.providers.contains(provider)) {
        std::string names;
        for (const auto& [name, _] : config.providers) names += (names.empty() ? "" : ", ") + name;
        return api_error(ErrorCode::not_found,
                         "Unknown provider; the configured providers are: " + names + ".",
                         "provider");
    }
    return provider;
}

}  // namespace

void AdminApi::put_provider_key(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    auto provider = provider_of(call->record.path, *configs_.current());
    if (auto* error = std::get_if<ApiError>(&provider)) return call->fail(*error);
    auto body = object_body(call->request.body(), {"key"});
    // The body holds the key: wiped once read, whatever happens next.
    OPENSSL_cleanse(call->request.body().data(), call->request.body().size());
    if (auto* error = std::get_if<ApiError>(&body)) return call->fail(*error);
    auto& json = std::get<nlohmann::json>(body);
    auto field = json.find("key");
    if (field == json.end() || !field->is_string()) {
        return call->fail(invalid("'key' must be a string: the provider key.", "key"));
    }
    auto key = field->get<std::string>();
    auto& stored = field->get_ref<std::string&>();
    OPENSSL_cleanse(stored.data(), stored.size());
    if (auto problem = provider_key_problem(key)) return call->fail(invalid(*problem, "key"));
    provider_keys_.put(
        account_id, std::get<std::string>(provider), std::move(key), call->actor,
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
