#pragma once
// JSON shapes of the admin API. Amounts appear twice: exact decimal credits and integer nanos.
#include <nlohmann/json.hpp>

#include "creditgate/ledger/ledger.hpp"
#include "creditgate/store/records.hpp"

namespace creditgate {

nlohmann::json account_json(const AccountBalance& account);
nlohmann::json key_json(const KeyRecord& key);
nlohmann::json entry_json(const EntryRecord& entry);
nlohmann::json grant_json(const GrantRecord& grant);

}  // namespace creditgate
