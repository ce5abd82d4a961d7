#include "creditgate/config/config.hpp"

#include <openssl/evp.h>

#include <boost/algorithm/hex.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>
#include <vector>

#include "control_characters.hpp"
#include "creditgate/pricing/decimal.hpp"
#include "image_defaults.hpp"
#include "json_fields.hpp"
#include "listen_address.hpp"
#include "provider_config.hpp"
#include "trusted_proxies.hpp"

namespace creditgate {
namespace {

using config_detail::has_control_character;
using config_detail::json;
using config_detail::ObjectReader;

constexpr std::size_t kMaxConfigFileBytes = 16 * 1024 * 1024;
constexpr int kMaxThreads = 256;
constexpr std::size_t kMaxModelNameChars = 256;
constexpr std::int64_t kMaxOutputTokens = 10'000'000;
constexpr std::size_t kMinAdminTokenChars = 16;
constexpr std::size_t kMaxServiceTierChars = 32;
constexpr std::size_t kMaxImagePriceKeyChars = 64;
// 1000 % turns a 1-credit call into 11 credits: anything above is almost surely a typo.
constexpr std::int64_t kMaxMarkupPercentNanos = 1000 * kNanosPerCredit;

// Rejects duplicate keys while parsing: nlohmann keeps the last one silently, and two
// entries for the same model with different prices must not be resolved by file order.
class DuplicateKeyCheck {
  public:
    bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
                frames_.push_back(Frame{true, {}, {}});
                break;
            case json::parse_event_t::array_start:
                frames_.push_back(Frame{false, {}, {}});
                break;
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                if (!frames_.empty()) frames_.pop_back();
                break;
            case json::parse_event_t::key:
                on_key(parsed.get<std::string>());
                break;
            case json::parse_event_t::value:
                break;
        }
        return true;
    }

  private:
    struct Frame {
        bool is_object;
        std::set<std::string> keys;
        std::string current_key;
    };

    void on_key(const std::string& key) {
        // Inside an array the schema is already wrong; that error is reported later.
        if (frames_.empty() || !std::all_of(frames_.begin(), frames_.end(),
                                            [](const Frame& f) { return f.is_object; })) {
            return;
        }
        Frame& top = frames_.back();
        top.current_key = key;
        if (top.keys.insert(key).second) return;
        std::string path;
        for (std::size_t i = 0; i < frames_.size(); ++i) {
            const bool map_entry = i == 1 && (frames_[0].current_key == "providers" ||
                                              frames_[0].current_key == "models");
            path = map_entry ? config_detail::entry_path(path, frames_[i].current_key)
                             : config_detail::member_path(path, frames_[i].current_key);
        }
        throw ConfigError(path, "duplicate field (each name may appear only once)");
    }

    std::vector<Frame> frames_;
};

json parse_json(std::string_view text) {
    try {
        return json::parse(text.begin(), text.end(), DuplicateKeyCheck{}, /*allow_exceptions=*/true,
                           /*ignore_comments=*/true);
    } catch (const json::parse_error& e) {
        std::string detail = e.what();
        // Drop nlohmann's "[json.exception.parse_error.101] " prefix; keep line and column.
        if (const auto close = detail.find("] ");
            detail.starts_with("[json.exception.") && close != std::string::npos) {
            detail.erase(0, close + 2);
        }
        throw ConfigError("", "invalid JSON at byte " + std::to_string(e.byte) + ": " + detail);
    } catch (const json::exception& e) {
        throw ConfigError("", std::string("invalid JSON: ") + e.what());
    }
}

ListenAddress parse_listen(const json& value, const std::string& path) {
    return config_detail::parse_listen_address(config_detail::require_string(value, path), path);
}

// Reads an admin token from the environment variable named at `path`.
std::string read_admin_token(const json& value, const std::string& path, const EnvLookup& env) {
    const std::string variable = config_detail::require_env_name(value, path);
    const std::optional<std::string> token = env(variable);
    if (!token || token->empty()) {
        throw ConfigError(path, "the environment variable " + variable +
                                    " is not set (it must hold the admin API token)");
    }
    if (token->size() < kMinAdminTokenChars) {
        throw ConfigError(path, "the admin token in " + variable + " must be at least " +
                                    std::to_string(kMinAdminTokenChars) + " characters long");
    }
    if (has_control_character(*token)) {
        throw ConfigError(path, "the admin token in " + variable +
                                    " contains control characters (a trailing newline?)");
    }
    return *token;
}

// Either one token (`token_env`, named "admin") or several named ones (`tokens`), so each
// admin's money movements are audited under their own name.
void parse_admin(const json& value, const EnvLookup& env, Config& config) {
    const ObjectReader reader(value, "admin", {"listen", "token_env", "tokens"});
    config.admin_listen = parse_listen(reader.required("listen"), reader.path_of("listen"));
    const json* single = reader.optional("token_env");
    const json* several = reader.optional("tokens");
    if (single == nullptr && several == nullptr) {
        throw ConfigError(reader.path_of("token_env"),
                          "missing required field (or list named tokens under admin.tokens)");
    }
    if (single != nullptr && several != nullptr) {
        throw ConfigError(reader.path_of("tokens"), "give token_env or tokens, not both");
    }
    if (single != nullptr) {
        config.admin_tokens.push_back(
            {"admin", read_admin_token(*single, reader.path_of("token_env"), env)});
        return;
    }
    const std::string list_path = reader.path_of("tokens");
    if (!several->is_array() || several->empty()) {
        throw ConfigError(list_path, "must be a non-empty array of {\"name\", \"token_env\"}");
    }
    for (std::size_t i = 0; i < several->size(); ++i) {
        const std::string item_path = list_path + "[" + std::to_string(i) + "]";
        const ObjectReader item((*several)[i], item_path, {"name", "token_env"});
        const std::string name_path = item.path_of("name");
        std::string name =
            config_detail::require_non_empty_string(item.required("name"), name_path);
        if (name.size() > 64 || has_control_character(name)) {
            throw ConfigError(name_path, "must be 1 to 64 characters without control characters");
        }
        for (const auto& existing : config.admin_tokens) {
            if (existing.name == name) throw ConfigError(name_path, "duplicate token name");
        }
        std::string token =
            read_admin_token(item.required("token_env"), item.path_of("token_env"), env);
        for (const auto& existing : config.admin_tokens) {
            if (existing.token == token) {
                throw ConfigError(item.path_of("token_env"),
                                  "two admin tokens have the same value");
            }
        }
        config.admin_tokens.push_back({std::move(name), std::move(token)});
    }
}

void check_listeners_distinct(const Config& config) {
    const ListenAddress& a = config.listen;
    const ListenAddress& b = config.admin_listen;
    if (a.port == 0 || a.port != b.port) return;
    if (a.host == b.host || config_detail::is_wildcard_host(a.host) ||
        config_detail::is_wildcard_host(b.host)) {
        throw ConfigError("admin.listen", "must not use the same address and port as listen");
    }
}

void parse_database(const json& value, Config& config) {
    const ObjectReader reader(value, "database", {"sqlite", "durability"});
    if (const auto* sqlite = reader.optional("sqlite")) {
        config.sqlite_path =
            config_detail::require_non_empty_string(*sqlite, reader.path_of("sqlite"));
    }
    if (const auto* durability = reader.optional("durability")) {
        const std::string path = reader.path_of("durability");
        const std::string text = config_detail::require_string(*durability, path);
        if (text == "process") {
            config.durability = Durability::process;
        } else if (text == "power") {
            config.durability = Durability::power;
        } else {
            throw ConfigError(path, "must be \"process\" or \"power\"");
        }
    }
}

void parse_ledger(const json& value, LedgerSettings& ledger) {
    const ObjectReader reader(value, "ledger",
                              {"hold_timeout_s", "on_abandoned", "on_empty_reply"});
    if (const auto* timeout = reader.optional("hold_timeout_s")) {
        ledger.hold_timeout_s =
            config_detail::require_integer(*timeout, reader.path_of("hold_timeout_s"), 10, 86'400);
    }
    if (const auto* rule = reader.optional("on_abandoned")) {
        const std::string path = reader.path_of("on_abandoned");
        const std::string text = config_detail::require_string(*rule, path);
        if (text == "void") {
            ledger.on_abandoned = AbandonRule::void_hold;
        } else if (text == "charge_quote") {
            ledger.on_abandoned = AbandonRule::charge_quote;
        } else {
            throw ConfigError(path, "must be \"void\" or \"charge_quote\"");
        }
    }
    if (const auto* rule = reader.optional("on_empty_reply")) {
        const std::string path = reader.path_of("on_empty_reply");
        const std::string text = config_detail::require_string(*rule, path);
        if (text == "void") {
            ledger.on_empty_reply = EmptyReplyRule::void_hold;
        } else if (text == "prompt_estimate") {
            ledger.on_empty_reply = EmptyReplyRule::prompt_estimate;
        } else {
            throw ConfigError(path, "must be \"void\" or \"prompt_estimate\"");
        }
    }
}

int resolve_threads(const json* value) {
    const std::int64_t requested =
        value == nullptr ? 0 : config_detail::require_integer(*value, "threads", 0, kMaxThreads);
    if (requested > 0) return static_cast<int>(requested);
    const unsigned cores = std::thread::hardware_concurrency();
    return static_cast<int>(std::clamp<unsigned>(cores, 1, kMaxThreads));
}

void parse_limits(const json& value, Limits& limits) {
    constexpr std::int64_t kMaxBytes = std::int64_t{1} << 30;  // 1 GiB
    constexpr std::int64_t kMinute = 60'000;
    constexpr std::int64_t kHour = 60 * kMinute;
    const ObjectReader reader(
        value, "limits",
        {"max_body_bytes", "upstream_connect_ms", "upstream_first_byte_ms", "upstream_idle_ms",
         "client_idle_ms", "max_upstream_body_bytes", "shutdown_grace_ms"});
    const auto read = [&reader](std::string_view field, std::int64_t max_value, auto& target) {
        if (const auto* item = reader.optional(field)) {
            using Target = std::remove_reference_t<decltype(target)>;
            target = static_cast<Target>(
                config_detail::require_integer(*item, reader.path_of(field), 1, max_value));
        }
    };
    read("max_body_bytes", kMaxBytes, limits.max_body_bytes);
    read("upstream_connect_ms", 10 * kMinute, limits.upstream_connect_ms);
    read("upstream_first_byte_ms", kHour, limits.upstream_first_byte_ms);
    read("upstream_idle_ms", kHour, limits.upstream_idle_ms);
    read("client_idle_ms", kHour, limits.client_idle_ms);
    read("max_upstream_body_bytes", kMaxBytes, limits.max_upstream_body_bytes);
    read("shutdown_grace_ms", kHour, limits.shutdown_grace_ms);
}

void parse_markup(const json& value, Markup& markup) {
    const ObjectReader reader(value, "markup", {"percent", "fixed"});
    if (const auto* percent = reader.optional("percent")) {
        const std::string path = reader.path_of("percent");
        markup.percent_nanos = config_detail::require_decimal_nanos(*percent, path, "10");
        if (markup.percent_nanos > kMaxMarkupPercentNanos) {
            throw ConfigError(path, "must be at most \"1000\" (percent)");
        }
    }
    if (const auto* fixed = reader.optional("fixed")) {
        markup.fixed_nanos =
            config_detail::require_decimal_nanos(*fixed, reader.path_of("fixed"), "0.001");
    }
}

void parse_providers(const json& value, const EnvLookup& env, Config& config) {
    config_detail::require_object(value, "providers");
    if (value.empty()) throw ConfigError("providers", "at least one provider is required");
    for (const auto& item : value.items()) {
        const std::string path = config_detail::entry_path("providers", item.key());
        config.providers.emplace(
            item.key(), config_detail::parse_provider(item.key(), item.value(), path, env));
    }
}

std::optional<std::int64_t> optional_price(const ObjectReader& reader, const char* name,
                                           const char* example) {
    const auto* value = reader.optional(name);
    if (value == nullptr) return std::nullopt;
    return config_detail::require_decimal_nanos(*value, reader.path_of(name), example);
}

// The price classes of a model or of one of its service tiers: input, cached_input (defaults
// to input), cache_write (absent: not sold), output, reasoning (absent: priced as output),
// per_request (credits per call, default 0).
ModelPrice parse_price(const ObjectReader& reader) {
    ModelPrice price;
    price.input_nanos_per_mtok = config_detail::require_decimal_nanos(
        reader.required("input"), reader.path_of("input"), "2.50");
    price.cached_input_nanos_per_mtok =
        optional_price(reader, "cached_input", "1.25").value_or(price.input_nanos_per_mtok);
    price.cache_write_nanos_per_mtok = optional_price(reader, "cache_write", "3.75");
    price.output_nanos_per_mtok = config_detail::require_decimal_nanos(
        reader.required("output"), reader.path_of("output"), "10.00");
    price.reasoning_nanos_per_mtok = optional_price(reader, "reasoning", "10.00");
    price.per_request_nanos = optional_price(reader, "per_request", "0.01").value_or(0);
    return price;
}

// "SIZE/QUALITY" -> credits per image, each a copy of the model's price with per_image set.
std::map<std::string, ModelPrice, std::less<>> parse_image_prices(const json& value,
                                                                  const std::string& path,
                                                                  const ModelPrice& base) {
    config_detail::require_object(value, path);
    std::map<std::string, ModelPrice, std::less<>> prices;
    for (const auto& item : value.items()) {
        const std::string entry_path = config_detail::entry_path(path, item.key());
        const auto slash = item.key().find('/');
        if (slash == std::string::npos || slash == 0 || slash + 1 == item.key().size() ||
            item.key().size() > kMaxImagePriceKeyChars || has_control_character(item.key())) {
            throw ConfigError(entry_path,
                              "an image price is keyed \"SIZE/QUALITY\", e.g. "
                              "\"1024x1024/standard\"");
        }
        ModelPrice price = base;
        price.per_image_nanos =
            config_detail::require_decimal_nanos(item.value(), entry_path, "0.04");
        prices.emplace(item.key(), price);
    }
    return prices;
}

bool is_service_tier_name(const std::string& name) {
    return !name.empty() && name.size() <= kMaxServiceTierChars &&
           std::all_of(name.begin(), name.end(), [](unsigned char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
           });
}

std::map<std::string, ModelPrice, std::less<>> parse_service_tiers(const json& value,
                                                                   const std::string& path) {
    config_detail::require_object(value, path);
    std::map<std::string, ModelPrice, std::less<>> tiers;
    for (const auto& item : value.items()) {
        const std::string tier_path = config_detail::entry_path(path, item.key());
        if (!is_service_tier_name(item.key())) {
            throw ConfigError(tier_path, "a service tier name must be 1 to " +
                                             std::to_string(kMaxServiceTierChars) +
                                             " characters from a-z 0-9 _ -");
        }
        if (item.key() == "auto" || item.key() == "default") {
            throw ConfigError(tier_path,
                              "\"auto\" and \"default\" use the model's own input and output "
                              "prices; list only the other tiers (\"flex\", \"priority\")");
        }
        const ObjectReader reader(
            item.value(), tier_path,
            {"input", "cached_input", "cache_write", "output", "reasoning", "per_request"});
        tiers.emplace(item.key(), parse_price(reader));
    }
    return tiers;
}

// "tokenizer": "o200k_base" | "cl100k_base" | "bytes"; absent: OpenAI's encoding for the
// upstream model's family, else bytes.
std::optional<EncodingName> parse_tokenizer(const ObjectReader& reader,
                                            const std::string& upstream_model) {
    const auto* value = reader.optional("tokenizer");
    if (value == nullptr) return encoding_for_openai_model(upstream_model);
    const std::string path = reader.path_of("tokenizer");
    const std::string text = config_detail::require_non_empty_string(*value, path);
    if (text == "bytes") return std::nullopt;
    if (auto encoding = encoding_from_string(text)) return encoding;
    throw ConfigError(path, "expected \"o200k_base\", \"cl100k_base\" or \"bytes\"");
}

ModelConfig parse_model(const std::string& name, const json& value, const std::string& path,
                        const Config& config) {
    if (name.empty() || name.size() > kMaxModelNameChars || has_control_character(name)) {
        throw ConfigError(path, "a model name must be 1 to " + std::to_string(kMaxModelNameChars) +
                                    " characters without control characters");
    }
    const ObjectReader reader(value, path,
                              {"provider", "upstream_model", "input", "cached_input", "cache_write",
                               "output", "reasoning", "per_request", "per_image", "image_defaults",
                               "service_tiers", "max_output_tokens", "tokenizer", "byok_only"});
    ModelConfig model;
    model.name = name;

    const std::string provider_path = reader.path_of("provider");
    model.provider =
        config_detail::require_non_empty_string(reader.required("provider"), provider_path);
    if (!config.providers.contains(model.provider)) {
        throw ConfigError(provider_path, "unknown provider \"" + model.provider +
                                             "\"; it must be one of the names under providers");
    }

    model.upstream_model = name;
    if (const auto* upstream = reader.optional("upstream_model")) {
        const std::string upstream_path = reader.path_of("upstream_model");
        model.upstream_model = config_detail::require_non_empty_string(*upstream, upstream_path);
        if (model.upstream_model.size() > kMaxModelNameChars ||
            has_control_character(model.upstream_model)) {
            throw ConfigError(upstream_path, "must be at most " +
                                                 std::to_string(kMaxModelNameChars) +
                                                 " characters without control characters");
        }
    }

    model.price = parse_price(reader);
    if (const auto* tiers = reader.optional("service_tiers")) {
        model.service_tier_prices = parse_service_tiers(*tiers, reader.path_of("service_tiers"));
    }
    if (const auto* images = reader.optional("per_image")) {
        model.image_prices = parse_image_prices(*images, reader.path_of("per_image"), model.price);
    }
    if (const auto* defaults = reader.optional("image_defaults")) {
        model.image_defaults = config_detail::parse_image_defaults(
            *defaults, reader.path_of("image_defaults"), model.image_prices);
    }

    model.max_output_tokens =
        config_detail::require_integer(reader.required("max_output_tokens"),
                                       reader.path_of("max_output_tokens"), 1, kMaxOutputTokens);
    model.tokenizer = parse_tokenizer(reader, model.upstream_model);
    if (const auto* byok_only = reader.optional("byok_only")) {
        if (!byok_only->is_boolean()) {
            throw ConfigError(reader.path_of("byok_only"), "must be true or false");
        }
        model.byok_only = byok_only->get<bool>();
    }
    return model;
}

void parse_models(const json& value, Config& config) {
    config_detail::require_object(value, "models");
    if (value.empty()) throw ConfigError("models", "at least one model is required");
    for (const auto& item : value.items()) {
        const std::string path = config_detail::entry_path("models", item.key());
        config.models.emplace(item.key(), parse_model(item.key(), item.value(), path, config));
    }
}

// Canonical form: integer nano-units under sorted keys, so "0.15" and "0.150" hash alike.
// Only what changes a bill is included: markup and each model's prices.
std::string compute_price_version(const Config& config) {
    json canonical = json::object();
    canonical["format"] = 1;
    canonical["markup"] = {{"percent_nanos", config.markup.percent_nanos},
                           {"fixed_nanos", config.markup.fixed_nanos}};
    json models = json::object();
    // Classes added later appear only when set, so a table without them keeps its version.
    const auto canonical_price = [](const ModelPrice& price) {
        json out{{"input_nanos_per_mtok", price.input_nanos_per_mtok},
                 {"cached_input_nanos_per_mtok", price.cached_input_nanos_per_mtok},
                 {"output_nanos_per_mtok", price.output_nanos_per_mtok}};
        if (price.cache_write_nanos_per_mtok) {
            out["cache_write_nanos_per_mtok"] = *price.cache_write_nanos_per_mtok;
        }
        if (price.reasoning_nanos_per_mtok) {
            out["reasoning_nanos_per_mtok"] = *price.reasoning_nanos_per_mtok;
        }
        if (price.per_request_nanos != 0) out["per_request_nanos"] = price.per_request_nanos;
        if (price.per_image_nanos != 0) out["per_image_nanos"] = price.per_image_nanos;
        return out;
    };
    for (const auto& [name, model] : config.models) {
        models[name] = canonical_price(model.price);
        // Only when present, so a table without tiers keeps the version it had before tiers.
        for (const auto& [tier, price] : model.service_tier_prices) {
            models[name]["service_tiers"][tier] = canonical_price(price);
        }
        for (const auto& [key, price] : model.image_prices) {
            models[name]["per_image"][key] = canonical_price(price);
        }
        // Which image price an unsized request pays: part of the bill, present only when set.
        if (!model.image_defaults.size.empty()) {
            models[name]["image_defaults"]["size"] = model.image_defaults.size;
        }
        if (!model.image_defaults.quality.empty()) {
            models[name]["image_defaults"]["quality"] = model.image_defaults.quality;
        }
    }
    canonical["models"] = std::move(models);
    const std::string text = canonical.dump(-1, ' ', false, json::error_handler_t::replace);

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_Digest(text.data(), text.size(), digest, &digest_len, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 of the price table failed");  // OpenSSL broken: ours
    }
    std::string version;
    boost::algorithm::hex_lower(digest, digest + std::min(digest_len, 6u),
                                std::back_inserter(version));
    return version;
}

}  // namespace

const ModelPrice* price_for(const ModelConfig& model, std::string_view service_tier) {
    if (service_tier.empty() || service_tier == "auto" || service_tier == "default") {
        return &model.price;
    }
    const auto tier = model.service_tier_prices.find(service_tier);
    return tier == model.service_tier_prices.end() ? nullptr : &tier->second;
}

std::optional<std::string> process_env(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
}

namespace {

// An http(s) origin: scheme and host (and port), nothing after; a trailing "/" is dropped.
std::string parse_public_url(const json& value) {
    auto text = config_detail::require_non_empty_string(value, "public_url");
    if (text.ends_with('/')) text.pop_back();
    auto url = boost::urls::parse_absolute_uri(text);
    if (!url || (url->scheme() != "https" && url->scheme() != "http") || !url->has_authority() ||
        url->host().empty() || !url->encoded_path().empty() || url->has_query() ||
        url->has_userinfo()) {
        throw ConfigError("public_url",
                          "expected an http(s) origin without a path, like "
                          "\"https://api.example.com\"");
    }
    return text;
}

Config parse_document(std::string_view json_text, const EnvLookup& env) {
    const EnvLookup lookup = env ? env : EnvLookup(process_env);
    const json root = parse_json(json_text);
    const ObjectReader reader(
        root, "",
        {"listen", "public_url", "admin", "database", "ledger", "threads", "limits", "markup",
         "expose_cost", "trusted_proxies", "providers", "models", "byok"});
    Config config;
    config.listen = parse_listen(reader.required("listen"), "listen");
    if (const auto* url = reader.optional("public_url")) config.public_url = parse_public_url(*url);
    parse_admin(reader.required("admin"), lookup, config);
    check_listeners_distinct(config);
    if (const auto* database = reader.optional("database")) parse_database(*database, config);
    if (const auto* ledger = reader.optional("ledger")) parse_ledger(*ledger, config.ledger);
    config.threads = resolve_threads(reader.optional("threads"));
    if (const auto* limits = reader.optional("limits")) parse_limits(*limits, config.limits);
    if (const auto* markup = reader.optional("markup")) parse_markup(*markup, config.markup);
    if (const auto* expose = reader.optional("expose_cost")) {
        const std::string text = config_detail::require_string(*expose, "expose_cost");
        if (text == "headers") {
            config.expose_cost = CostExposure::headers;
        } else if (text == "usage") {
            config.expose_cost = CostExposure::usage;
        } else {
            throw ConfigError("expose_cost", "must be \"headers\" or \"usage\"");
        }
    }
    if (const auto* byok = reader.optional("byok")) {
        // The file itself (length, permissions) is checked by check-config and at start.
        const ObjectReader byok_reader(*byok, "byok", {"master_key_file"});
        config.byok_master_key_file = config_detail::require_non_empty_string(
            byok_reader.required("master_key_file"), byok_reader.path_of("master_key_file"));
    }
    if (const auto* proxies = reader.optional("trusted_proxies")) {
        config.trusted_proxies = config_detail::parse_trusted_proxies(*proxies, "trusted_proxies");
    }
    parse_providers(reader.required("providers"), lookup, config);
    parse_models(reader.required("models"), config);
    config.price_version = compute_price_version(config);
    return config;
}

}  // namespace

Config parse_config(std::string_view json_text, const EnvLookup& env) {
    try {
        return parse_document(json_text, env);
    } catch (const validate::FieldError& e) {
        throw ConfigError(e.json_path(), e.reason());
    }
}

Config load_config(const std::string& file_path, const EnvLookup& env) {
    std::error_code ec;
    if (std::filesystem::is_directory(file_path, ec)) {
        throw ConfigError("", "cannot read config file \"" + file_path + "\": it is a directory");
    }
    std::ifstream in(file_path, std::ios::binary);
    if (!in.is_open()) {
        const int error = errno;
        throw ConfigError("", "cannot read config file \"" + file_path +
                                  "\": " + std::generic_category().message(error));
    }
    std::string text;
    char buffer[64 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > kMaxConfigFileBytes) {
            throw ConfigError("", "config file \"" + file_path + "\" is larger than 16 MiB");
        }
    }
    if (in.bad())
        throw ConfigError("", "cannot read config file \"" + file_path + "\": read error");
    return parse_config(text, env);
}

}  // namespace creditgate
