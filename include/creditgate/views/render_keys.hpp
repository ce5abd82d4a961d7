#pragma once
// Keys and the audit log as the admin and self-service APIs show them: one rendering for both.
#include <nlohmann/json.hpp>

#include "creditgate/auth/key_registry.hpp"
#include "creditgate/store/records.hpp"

namespace creditgate {

// The key, its scope's limiting fields, and its spend per period ("spend"), what its requests
// in flight hold ("reserved") and what each budget has left ("remaining").
nlohmann::json key_json(const KeyView& key);
nlohmann::json audit_json(const AuditRecord& row);

}  // namespace creditgate
