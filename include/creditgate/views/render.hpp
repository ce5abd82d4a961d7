#pragma once
// JSON shapes of the admin API. Amounts appear twice: exact decimal credits and integer nanos.
#include <nlohmann/json.hpp>
#include <vector>

#include "creditgate/ledger/ledger.hpp"
#include "creditgate/store/records.hpp"

namespace creditgate {

nlohmann::json account_json(const AccountBalance& account);
nlohmann::json entry_json(const EntryRecord& entry);
nlohmann::json grant_json(const GrantRecord& grant);
// One request's charge (GET /v1/requests/{id}) from its entries, oldest first (not empty): the
// costs summed over them (a late charge adds to its hold's), the tokens of the last (the one
// that carries the usage), the flags of all.
nlohmann::json request_charge_json(const std::vector<EntryRecord>& entries);

}  // namespace creditgate
