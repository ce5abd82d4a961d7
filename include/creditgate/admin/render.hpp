#pragma once
// JSON shapes of the admin API. Amounts appear twice: exact decimal credits and integer nanos.
#include <nlohmann/json.hpp>

#include "creditgate/ledger/ledger.hpp"
#include "creditgate/store/records.hpp"

namespace creditgate {

nlohmann::json account_json(const AccountBalance& account);
nlohmann::json key_json(const KeyRecord& key);
nlohmann::json entry_json(const EntryRecord& entry);
// RFC 3339 UTC with milliseconds: "2026-11-23T13:45:00.123Z".
std::string format_time_ms(std::int64_t epoch_ms);

}  // namespace creditgate
