#pragma once
// A token count read from a usage object, shared by the usage readers of every API shape.
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

namespace creditgate::usage_detail {

// The non-negative integer `object[name]`; absent, negative, too large for int64 or not an
// integer (or `object` not an object) is nullopt: a missing count is never read as zero.
std::optional<std::int64_t> count_field(const nlohmann::json& object, const char* name);

}  // namespace creditgate::usage_detail
