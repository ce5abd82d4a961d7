#include "provider_config.hpp"
#include "control_characters.hpp"
#include "provider_request_fields.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

#include "creditgate/config/forward_headers.hpp"
#include "json_fields.hpp"

namespace creditgate::config_detail {
namespace {

constexpr std::string_view kUrlExpected =
    "expected an http or https URL like \"https://api.openai.com/v1\"";

void parse_base_url(const std::string& text, const std::string& path, ProviderConfig& out) {
    // parse_uri rather than parse_absolute_uri: the latter refuses a fragment with a generic
    // error, this way the message can say what is wrong.
    const auto parsed = boost::urls::parse_uri(text);
    // The text is not echoed: a malformed URL may still carry a pasted credential.
    if (!parsed)
        throw ConfigError(path, std::string(kUrlExpected) + " (it does not parse as a URL)");
    const boost::urls::url_view url = *parsed;

    if (url.scheme_id() == boost::urls::scheme::http) {
        out.scheme = "http";
        out.port = 80;
    } else if (url.scheme_id() == boost::urls::scheme::https) {
        out.scheme = "https";
        out.port = 443;
    } else {
        throw ConfigError(
            path, "scheme must be http or https, got \"" + std::string(url.scheme()) + "\"");
    }
    if (!url.has_authority() || url.encoded_host_address().empty()) {
        throw ConfigError(path, std::string(kUrlExpected) + " (the host is missing)");
    }
    if (url.has_userinfo()) {
        // Credentials in a URL end up in logs; keys belong in api_key_env.
        throw ConfigError(path,
                          "must not contain user info (user:password@); put the key in "
                          "api_key_env");
    }
    if (url.has_query()) {
        throw ConfigError(path,
                          "must not contain a query ('?...'); put query parameters in \"query\"");
    }
    if (url.has_fragment()) throw ConfigError(path, "must not contain a fragment ('#...')");

    switch (url.host_type()) {
        case boost::urls::host_type::ipv4:
        case boost::urls::host_type::ipv6:
            out.host = std::string(url.encoded_host_address());  // IPv6 without brackets
            break;
        case boost::urls::host_type::name: {
            const std::string_view host = url.encoded_host_address();
            if (host.find('%') != std::string_view::npos) {
                throw ConfigError(path, "the host must not contain percent-escapes");
            }
            out.host.assign(host.begin(), host.end());
            // DNS names are case-insensitive; one spelling keeps pools and SNI consistent.
            std::transform(out.host.begin(), out.host.end(), out.host.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            break;
        }
        default:
            throw ConfigError(path, "the host must be a DNS name, an IPv4 or an IPv6 address");
    }

    if (url.has_port()) {
        const std::string_view port = url.port();
        unsigned value = 0;
        const bool digits =
            !port.empty() && port.size() <= 5 &&
            std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (digits) {
            for (char c : port) value = value * 10 + static_cast<unsigned>(c - '0');
        }
        if (!digits || value == 0 || value > 65535) {
            throw ConfigError(path, "port must be a number from 1 to 65535");
        }
        out.port = static_cast<std::uint16_t>(value);
    }

    std::string base_path(url.encoded_path());
    while (!base_path.empty() && base_path.back() == '/') base_path.pop_back();
    out.base_path = std::move(base_path);
}

bool is_valid_provider_name(const std::string& name) {
    return !name.empty() && name.size() <= 64 &&
           std::all_of(name.begin(), name.end(), [](unsigned char c) {
               return std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.';
           });
}

constexpr std::size_t kMaxForwardHeaders = 64;
constexpr std::string_view kDefaultAnthropicVersion = "2023-06-01";
constexpr std::size_t kMaxAnthropicVersionChars = 64;

std::vector<std::string> parse_forward_headers(const nlohmann::json& value,
                                               const std::string& path) {
    if (!value.is_array() || value.size() > kMaxForwardHeaders) {
        throw ConfigError(path, "must be an array of at most " +
                                    std::to_string(kMaxForwardHeaders) +
                                    " header names, like [\"x-portkey-trace-id\"]");
    }
    std::vector<std::string> names;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        std::string name =
            require_header_name(require_non_empty_string(value[i], item_path), item_path);
        if (is_never_forwarded_header(name)) {
            throw ConfigError(item_path, "\"" + name +
                                             "\" is never forwarded (a credential, a hop-by-hop "
                                             "header or one creditgate sets itself)");
        }
        if (std::find(names.begin(), names.end(), name) != names.end()) {
            throw ConfigError(item_path, "duplicate header name \"" + name + "\"");
        }
        names.push_back(std::move(name));
    }
    return names;
}

ProviderKind parse_kind(const nlohmann::json& value, const std::string& path) {
    const std::string text = require_non_empty_string(value, path);
    if (text == "openai") return ProviderKind::openai;
    if (text == "anthropic") return ProviderKind::anthropic;
    throw ConfigError(path, "must be \"openai\" (any OpenAI-compatible server) or \"anthropic\"");
}

ProviderAuth parse_auth(const nlohmann::json& value, const std::string& path) {
    const std::string text = require_non_empty_string(value, path);
    if (text == "bearer") return ProviderAuth::bearer;
    if (text == "api-key") return ProviderAuth::api_key_header;
    if (text == "x-api-key") return ProviderAuth::x_api_key_header;
    throw ConfigError(path,
                      "must be \"bearer\" (Authorization: Bearer KEY), \"api-key\" (Azure "
                      "OpenAI) or \"x-api-key\" (Anthropic)");
}

void parse_kind_fields(const ObjectReader& reader, ProviderConfig& provider) {
    if (const auto* kind = reader.optional("kind")) {
        provider.kind = parse_kind(*kind, reader.path_of("kind"));
    }
    const bool anthropic = provider.kind == ProviderKind::anthropic;
    provider.auth = anthropic ? ProviderAuth::x_api_key_header : ProviderAuth::bearer;
    if (const auto* auth = reader.optional("auth")) {
        provider.auth = parse_auth(*auth, reader.path_of("auth"));
    }
    if (anthropic) provider.anthropic_version = kDefaultAnthropicVersion;
    if (const auto* version = reader.optional("anthropic_version")) {
        const std::string path = reader.path_of("anthropic_version");
        if (!anthropic) throw ConfigError(path, "only for a provider of kind \"anthropic\"");
        provider.anthropic_version = require_non_empty_string(*version, path);
        if (provider.anthropic_version.size() > kMaxAnthropicVersionChars ||
            has_control_character(provider.anthropic_version)) {
            throw ConfigError(path, "expected a version like \"2023-06-01\"");
        }
    }
}

}  // namespace

ProviderConfig parse_provider(const std::string& name, const nlohmann::json& value,
                              const std::string& json_path, const EnvLookup& env) {
    if (!is_valid_provider_name(name)) {
        throw ConfigError(json_path,
                          "a provider name must be 1 to 64 characters from "
                          "A-Z a-z 0-9 _ - .");
    }
    const ObjectReader reader(value, json_path,
                              {"base_url", "kind", "auth", "anthropic_version", "api_key_env",
                               "ca_file", "forward_headers", "headers", "query"});
    ProviderConfig provider;
    provider.name = name;
    parse_kind_fields(reader, provider);

    const std::string url_path = reader.path_of("base_url");
    parse_base_url(require_non_empty_string(reader.required("base_url"), url_path), url_path,
                   provider);

    if (const auto* key_env = reader.optional("api_key_env")) {
        const std::string key_path = reader.path_of("api_key_env");
        const std::string variable = require_env_name(*key_env, key_path);
        const std::optional<std::string> key = env(variable);
        if (!key || key->empty()) {
            throw ConfigError(key_path, "the environment variable " + variable +
                                            " is not set (it should hold the provider's API key; "
                                            "omit api_key_env if the provider needs none)");
        }
        if (has_control_character(*key)) {
            // The key goes into an Authorization header: a stray newline would split it.
            throw ConfigError(key_path, "the environment variable " + variable +
                                            " contains control characters (a trailing newline?)");
        }
        provider.api_key = *key;
    }

    if (const auto* ca_file = reader.optional("ca_file")) {
        const std::string ca_path = reader.path_of("ca_file");
        provider.ca_file = require_non_empty_string(*ca_file, ca_path);
        std::error_code ec;
        const bool regular = std::filesystem::is_regular_file(provider.ca_file, ec);
        const std::ifstream probe(provider.ca_file, std::ios::binary);
        if (!regular || !probe.is_open()) {
            throw ConfigError(ca_path, "cannot read the CA file \"" + provider.ca_file +
                                           "\" (expected a readable PEM file)");
        }
    }
    if (const auto* headers = reader.optional("forward_headers")) {
        provider.forward_headers =
            parse_forward_headers(*headers, reader.path_of("forward_headers"));
    }
    if (const auto* headers = reader.optional("headers")) {
        provider.headers = parse_extra_headers(*headers, reader.path_of("headers"));
    }
    if (const auto* query = reader.optional("query")) {
        provider.query = parse_query(*query, reader.path_of("query"));
    }
    return provider;
}

}  // namespace creditgate::config_detail

namespace creditgate {

const char* to_string(ProviderKind kind) {
    return kind == ProviderKind::anthropic ? "anthropic" : "openai";
}

}  // namespace creditgate
