#include "image_defaults.hpp"

namespace creditgate::config_detail {

namespace {

// Whether some "SIZE/QUALITY" key has `value` on that side of the '/'.
bool listed(const std::map<std::string, ModelPrice, std::less<>>& prices, const std::string& value,
            bool size_side) {
    for (const auto& [key, price] : prices) {
        const auto slash = key.find('/');
        const std::string_view side = size_side ? std::string_view(key).substr(0, slash)
                                                : std::string_view(key).substr(slash + 1);
        if (side == value) return true;
    }
    return false;
}

}  // namespace

ImageDefaults parse_image_defaults(const json& value, const std::string& path,
                                   const std::map<std::string, ModelPrice, std::less<>>& prices) {
    if (prices.empty()) {
        throw ConfigError(path,
                          "needs per_image prices: it names which of them an images "
                          "request without size or quality is charged");
    }
    const ObjectReader reader(value, path, {"size", "quality"});
    ImageDefaults defaults;
    if (const auto* size = reader.optional("size")) {
        defaults.size = require_non_empty_string(*size, reader.path_of("size"));
        if (!listed(prices, defaults.size, true)) {
            throw ConfigError(reader.path_of("size"), "not a size of any per_image price");
        }
    }
    if (const auto* quality = reader.optional("quality")) {
        defaults.quality = require_non_empty_string(*quality, reader.path_of("quality"));
        if (!listed(prices, defaults.quality, false)) {
            throw ConfigError(reader.path_of("quality"), "not a quality of any per_image price");
        }
    }
    if (!defaults.size.empty() && !defaults.quality.empty() &&
        !prices.contains(defaults.size + "/" + defaults.quality)) {
        throw ConfigError(
            path, "per_image has no price for \"" + defaults.size + "/" + defaults.quality + "\"");
    }
    return defaults;
}

}  // namespace creditgate::config_detail
