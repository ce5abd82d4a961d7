#include "trusted_proxies.hpp"

#include "creditgate/config/config.hpp"

namespace creditgate::config_detail {

std::vector<Cidr> parse_trusted_proxies(const json& value, const std::string& path) {
    if (!value.is_array()) {
        throw ConfigError(path, "expected an array of networks such as [\"10.0.0.0/8\"], got " +
                                    describe_type(value));
    }
    std::vector<Cidr> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        const std::string text = require_string(value[i], item_path);
        const auto cidr = parse_cidr(text);
        if (!cidr) {
            throw ConfigError(item_path,
                              quote_for_message(text) + ": " + std::string(kCidrExpected));
        }
        out.push_back(*cidr);
    }
    return out;
}

}  // namespace creditgate::config_detail
