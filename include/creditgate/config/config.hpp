#pragma once
// The validated, immutable configuration. Loaded once, then shared as shared_ptr<const Config>.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "creditgate/ledger/abandon_rule.hpp"
#include "creditgate/pricing/cost.hpp"
#include "creditgate/store/durability.hpp"
#include "creditgate/tokenize/encoding_name.hpp"
#include "creditgate/validate/cidr.hpp"

namespace creditgate {

struct ListenAddress {
    std::string host;    // literal IPv4/IPv6 address or "localhost"
    std::uint16_t port;  // 0 = any free port (tests)
};

struct Limits {
    std::size_t max_body_bytes = 4 * 1024 * 1024;
    int upstream_connect_ms = 5'000;
    int upstream_first_byte_ms = 120'000;
    int upstream_idle_ms = 60'000;
    int client_idle_ms = 60'000;  // keep-alive idle and request read timeout
    std::size_t max_upstream_body_bytes = 64 * 1024 * 1024;  // non-streamed reply we buffer
    int shutdown_grace_ms = 30'000;  // SIGTERM: how long in-flight requests may finish
};

// Which API a provider speaks: OpenAI's (any OpenAI-compatible server) or Anthropic's
// Messages API. A model's provider kind decides which endpoints may use it.
enum class ProviderKind { openai, anthropic };

// How the provider's key is sent: "Authorization: Bearer KEY" (OpenAI), "api-key: KEY" (Azure
// OpenAI), "x-api-key: KEY" (Anthropic).
enum class ProviderAuth { bearer, api_key_header, x_api_key_header };

const char* to_string(ProviderKind kind);

struct ProviderConfig {
    std::string name;
    ProviderKind kind = ProviderKind::openai;
    ProviderAuth auth = ProviderAuth::bearer;  // default by kind: bearer, or x-api-key
    std::string anthropic_version;             // anthropic kind: sent as anthropic-version
    std::string scheme;                        // "http" or "https"
    std::string host;
    std::uint16_t port = 0;  // defaulted from the scheme when the URL has none
    std::string base_path;   // path of base_url without a trailing '/', e.g. "/v1"
    std::string api_key;     // value of the env variable named by api_key_env; never logged
    std::string ca_file;     // optional extra CA bundle (PEM) to trust, for private upstreams
    // Request headers forwarded besides the API shape's own (lower case, validated names).
    std::vector<std::string> forward_headers;
    // Headers sent on every request to this provider (validated names, lower case; values
    // without control characters). They replace a forwarded client header of the same name.
    std::vector<std::pair<std::string, std::string>> headers;
    // Percent-encoded query appended to every upstream target ("api-version=2024-10-21" for
    // Azure OpenAI), empty when none.
    std::string query;

    // A reload keeps a provider's connection pool only when nothing here changed.
    bool operator==(const ProviderConfig&) const = default;
};

// What an images request that omits size or quality gets from the provider (empty: the provider
// decides, like "auto").
struct ImageDefaults {
    std::string size;
    std::string quality;
};

struct ModelConfig {
    std::string name;            // what clients send as "model"
    std::string provider;        // key into Config::providers
    std::string upstream_model;  // what the provider is sent; defaults to name
    ModelPrice price;            // the standard price: no service_tier, "auto" or "default"
    // Prices for other OpenAI service tiers ("flex", "priority"), by tier name. A tier not
    // listed is not sold: the request is refused (see price_for).
    std::map<std::string, ModelPrice, std::less<>> service_tier_prices;
    // Prices of the images API, by "SIZE/QUALITY" ("1024x1024/hd"): the model's price with
    // per_image_nanos set. Empty: the model does not sell images.
    std::map<std::string, ModelPrice, std::less<>> image_prices;
    ImageDefaults image_defaults;
    std::int64_t max_output_tokens = 0;
    // The BPE that counts this model's prompt (and relayed output) for holds and estimates;
    // nullopt: the byte bound. From "tokenizer", else by upstream_model's family.
    std::optional<EncodingName> tokenizer;
    // Served only with the account's own provider key (BYOK): without one, 403.
    bool byok_only = false;
};

// The price of a request to `model` with this service_tier (empty = none given): the standard
// price for "", "auto" and "default", the tier's own price when the model lists it, else
// nullptr (the tier changes the provider's price and creditgate does not know it).
const ModelPrice* price_for(const ModelConfig& model, std::string_view service_tier);

struct AdminToken {
    std::string name;   // recorded on the entries this token makes (audit)
    std::string token;  // value of its token_env; never logged
};

// What a 200 stream that ends with no output and no usage is charged (ledger.on_empty_reply).
enum class EmptyReplyRule {
    void_hold,        // "void": nothing is charged
    prompt_estimate,  // "prompt_estimate": the prompt's byte bound, flagged estimated (default)
};

struct LedgerSettings {
    std::int64_t hold_timeout_s = 15 * 60;
    AbandonRule on_abandoned = AbandonRule::void_hold;
    // The provider accepted the prompt and opened the stream: it has most likely billed the
    // prompt already (docs/ledger.md, "Empty replies").
    EmptyReplyRule on_empty_reply = EmptyReplyRule::prompt_estimate;
};

// Where a non-streamed reply shows its cost ("expose_cost"). Headers always carry it; "usage"
// also adds `usage.cost` to the body and to a stream's usage chunk.
enum class CostExposure {
    headers,  // "headers": x-creditgate-cost / x-creditgate-balance only (default)
    usage,    // "usage": and usage.cost (a decimal string) in the reply
};

struct Config {
    ListenAddress listen{"127.0.0.1", 8080};
    // Where browsers reach the public listener ("https://api.example.com", no path), for links
    // the server hands out (sign-in links); empty: http://<listen>.
    std::string public_url;
    ListenAddress admin_listen{"127.0.0.1", 8081};
    std::vector<AdminToken> admin_tokens;  // admin.token_env (named "admin") or admin.tokens
    std::string sqlite_path = "var/creditgate.db";
    Durability durability = Durability::process;
    LedgerSettings ledger;
    int threads = 0;  // resolved: 0 in the file becomes the number of cores
    Limits limits;
    Markup markup;
    CostExposure expose_cost = CostExposure::headers;
    // Peers whose X-Forwarded-For names the client for a key's CIDRs; empty: the peer is the
    // client (validate/client_address.hpp).
    std::vector<Cidr> trusted_proxies;
    std::map<std::string, ProviderConfig> providers;
    std::map<std::string, ModelConfig> models;
    // "byok": {"master_key_file": PATH}: where users' provider keys' master key is (read at
    // start, docs/keys.md, Bring your own key); empty: bring-your-own-key is not configured.
    std::string byok_master_key_file;
    std::string price_version;  // short hex digest of markup + models, recorded on each entry
};

// Thrown for any invalid configuration. json_path names the offending field
// (e.g. models["gpt-4o"].input); message says what was expected.
class ConfigError : public std::runtime_error {
  public:
    ConfigError(std::string json_path, const std::string& message)
        : std::runtime_error(json_path.empty() ? message : json_path + ": " + message),
          json_path_(std::move(json_path)),
          reason_(message) {}
    const std::string& json_path() const { return json_path_; }
    const std::string& reason() const { return reason_; }  // what() without the path

  private:
    std::string json_path_;
    std::string reason_;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Reads the process environment.
std::optional<std::string> process_env(const std::string& name);

// Parses JSON text (comments allowed). Relative sqlite paths stay as written (relative to the
// working directory). Throws ConfigError.
Config parse_config(std::string_view json_text, const EnvLookup& env = process_env);

// Reads and parses a file. Throws ConfigError (a missing file is an error with an empty path).
Config load_config(const std::string& file_path, const EnvLookup& env = process_env);

}  // namespace creditgate
