#include "provider_request_fields.hpp"
#include "control_characters.hpp"

#include <algorithm>
#include <boost/url/url.hpp>
#include <cctype>
#include <string_view>

#include "creditgate/config/config.hpp"
#include "creditgate/config/forward_headers.hpp"
#include "json_fields.hpp"

namespace creditgate::config_detail {
namespace {

constexpr std::size_t kMaxExtraHeaders = 64;
constexpr std::size_t kMaxHeaderValueChars = 8 * 1024;
constexpr std::size_t kMaxQueryParameters = 32;
constexpr std::size_t kMaxQueryChars = 1024;

}  // namespace

bool is_header_token(const std::string& name) {
    constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
    return !name.empty() && name.size() <= kMaxHeaderNameChars &&
           std::all_of(name.begin(), name.end(), [&](unsigned char c) {
               return std::isalnum(c) != 0 ||
                      kSymbols.find(static_cast<char>(c)) != std::string_view::npos;
           });
}

std::string require_header_name(std::string name, const std::string& path) {
    if (!is_header_token(name)) {
        throw ConfigError(path, "must be an HTTP header name of 1 to " +
                                    std::to_string(kMaxHeaderNameChars) +
                                    " characters: letters, digits and !#$%&'*+-.^_`|~");
    }
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return name;
}

std::vector<std::pair<std::string, std::string>> parse_extra_headers(const nlohmann::json& value,
                                                                     const std::string& path) {
    if (!value.is_object() || value.size() > kMaxExtraHeaders) {
        throw ConfigError(path, "must be an object of at most " + std::to_string(kMaxExtraHeaders) +
                                    " headers, like {\"x-portkey-provider\": \"openai\"}");
    }
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& item : value.items()) {
        const std::string item_path = entry_path(path, item.key());
        std::string name = require_header_name(item.key(), item_path);
        if (is_never_forwarded_header(name)) {
            throw ConfigError(item_path,
                              "\"" + name +
                                  "\" cannot be set here (a credential: use api_key_env and auth; "
                                  "a hop-by-hop header; or one creditgate sets itself)");
        }
        if (std::any_of(headers.begin(), headers.end(),
                        [&](const auto& header) { return header.first == name; })) {
            throw ConfigError(item_path, "duplicate header name \"" + name + "\"");
        }
        std::string header_value = require_string(item.value(), item_path);
        if (header_value.size() > kMaxHeaderValueChars || has_control_character(header_value)) {
            throw ConfigError(item_path, "must be at most " + std::to_string(kMaxHeaderValueChars) +
                                             " characters without control characters");
        }
        headers.emplace_back(std::move(name), std::move(header_value));
    }
    return headers;
}

std::string parse_query(const nlohmann::json& value, const std::string& path) {
    if (!value.is_object() || value.size() > kMaxQueryParameters) {
        throw ConfigError(path, "must be an object of at most " +
                                    std::to_string(kMaxQueryParameters) +
                                    " parameters, like {\"api-version\": \"2024-10-21\"}");
    }
    boost::urls::url url;
    for (const auto& item : value.items()) {
        const std::string item_path = entry_path(path, item.key());
        if (item.key().empty() || has_control_character(item.key())) {
            throw ConfigError(item_path,
                              "a parameter name must be non-empty, without control "
                              "characters");
        }
        const std::string text = require_string(item.value(), item_path);
        if (has_control_character(text)) {
            throw ConfigError(item_path, "must not contain control characters");
        }
        url.params().append({item.key(), text});  // percent-encodes what needs it
    }
    std::string query(url.encoded_query());
    if (query.size() > kMaxQueryChars) {
        throw ConfigError(path, "the encoded query must be at most " +
                                    std::to_string(kMaxQueryChars) + " characters");
    }
    return query;
}

}  // namespace creditgate::config_detail
