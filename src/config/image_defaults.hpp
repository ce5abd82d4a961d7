#pragma once
// models[...].image_defaults: the size and quality the provider uses when an images request
// omits them (dall-e-3: "1024x1024" and "standard"), so such a request is priced exactly.
#include <map>
#include <string>

#include "creditgate/config/config.hpp"
#include "json_fields.hpp"

namespace creditgate::config_detail {

// {"size": "...", "quality": "..."}, each optional, each a value the model's per_image keys use
// (both together: a listed "SIZE/QUALITY"). Requires per_image prices.
ImageDefaults parse_image_defaults(const json& value, const std::string& path,
                                   const std::map<std::string, ModelPrice, std::less<>>& prices);

}  // namespace creditgate::config_detail
