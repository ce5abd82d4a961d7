#pragma once
// What a key's scope refuses before any money is held: an expired key, a model, endpoint or
// client address it does not allow (its own scope and every key's above it); and the client
// error for what the ledger refused when it checked the key's budgets and rates.
#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

#include "creditgate/auth/key_registry.hpp"
#include "creditgate/http/api_error.hpp"
#include "creditgate/ledger/key_limits.hpp"

namespace creditgate {

// Checked when the key is presented, on every route: expiry and client address.
std::optional<ApiError> check_key_access(const KeyIdentity& key,
                                         const boost::asio::ip::address& client,
                                         std::int64_t now_ms);

// Checked once the request names its model, on the metered endpoints.
std::optional<ApiError> check_key_request(const KeyIdentity& key, std::string_view model,
                                          std::string_view endpoint);

// Self-service key management: the key and every key above it hold keys:manage.
std::optional<ApiError> check_may_manage_keys(const KeyIdentity& key);
// A key minted or changed by `minter` stays within it and every key above it.
std::optional<ApiError> check_within(const KeyScope& scope, const KeyIdentity& minter);

ApiError key_refusal_error(const KeyRefusal& refusal, std::int64_t quote_nanos);

}  // namespace creditgate
