#include "creditgate/errors/provider_key_errors.hpp"

#include "creditgate/errors/result_errors.hpp"

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

}  // namespace creditgate
