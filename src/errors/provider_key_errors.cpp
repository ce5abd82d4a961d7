#include "creditgate/errors/provider_key_errors.hpp"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "creditgate/errors/result_errors.hpp"
#include "creditgate/validate/object_reader.hpp"

namespace creditgate {

ApiError api_error_from(ProviderKeyResult result, std::string message) {
    const auto or_default = [&message](const char* text) {
        return message.empty() ? std::string(text) : std::move(message);
    };
    switch (result) {
        case ProviderKeyResult::not_configured:
            return api_error(ErrorCode::invalid_request,
                             or_default("Bring your own key is not configured on this server "
                                        "(the config has no byok.master_key_file)."));
        case ProviderKeyResult::account_not_found:
            return api_error_from(LedgerResult::account_not_found, std::move(message));
        case ProviderKeyResult::key_not_found:
            return api_error(ErrorCode::not_found,
                             or_default("The account has no provider key for this provider."));
        case ProviderKeyResult::ok:
        case ProviderKeyResult::unavailable:
            break;
    }
    return api_error_from(LedgerResult::unavailable, std::move(message));
}

std::variant<std::string, ApiError> configured_provider(std::string_view path,
                                                        const Config& config) {
    std::string provider(path.substr(path.rfind('/') + 1));
    if (config.providers.contains(provider)) return provider;
    std::string names;
    for (const auto& [name, _] : config.providers) names += (names.empty() ? "" : ", ") + name;
    return api_error(ErrorCode::not_found,
                     "Unknown provider; the configured providers are: " + names + ".", "provider");
}

std::variant<std::string, ApiError> provider_key_from_body(std::string& body) {
    auto json = nlohmann::json::parse(body.empty() ? std::string("{}") : body, nullptr, false);
    // The body holds the key: wiped once read, whatever happens next.
    OPENSSL_cleanse(body.data(), body.size());
    const auto invalid = [](std::string message) {
        return api_error(ErrorCode::invalid_request, std::move(message), "key");
    };
    if (json.is_discarded() || !json.is_object()) {
        return api_error(ErrorCode::invalid_request,
                         "The request body must be a JSON object: {\"key\": \"...\"}.");
    }
    try {
        [[maybe_unused]] const validate::ObjectReader fields(json, "", {"key"});
    } catch (const validate::FieldError& e) {  // an unknown field, with a suggestion
        return api_error(ErrorCode::invalid_request, e.reason(), e.json_path());
    }
    auto field = json.find("key");
    if (field == json.end() || !field->is_string()) {
        return invalid("'key' must be a string: the provider key.");
    }
    auto& stored = field->get_ref<std::string&>();
    std::string key = stored;
    OPENSSL_cleanse(stored.data(), stored.size());
    if (auto problem = provider_key_problem(key)) {
        OPENSSL_cleanse(key.data(), key.size());
        return invalid(*problem);
    }
    return key;
}

}  // namespace creditgate
