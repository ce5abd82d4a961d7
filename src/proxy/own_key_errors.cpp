#include "creditgate/proxy/own_key_errors.hpp"

namespace creditgate {

ApiError own_key_required_error(const std::string& model, const std::string& provider) {
    return api_error(ErrorCode::model_not_allowed,
                     "The model '" + model + "' needs the account's own provider key for '" +
                         provider + "' (bring your own key); none is stored for this account.",
                     "model");
}

ApiError own_key_unusable_error(const std::string& provider) {
    return api_error(ErrorCode::unavailable,
                     "The account's own provider key for '" + provider +
                         "' is stored but cannot be decrypted with the current master key; "
                         "creditgate does not fall back to the operator's key. Store the key "
                         "again or ask the operator.");
}

ApiError own_key_rejected_error(unsigned provider_status, const std::string& provider) {
    auto error =
        api_error(ErrorCode::upstream_error,
                  "The provider '" + provider + "' rejected the account's own provider key (HTTP " +
                      std::to_string(provider_status) +
                      "); creditgate does not fall back to the operator's key. "
                      "Replace the stored key. Nothing was charged.");
    error.status = static_cast<boost::beast::http::status>(provider_status);
    return error;
}

}  // namespace creditgate
