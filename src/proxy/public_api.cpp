#include "creditgate/proxy/public_api.hpp"

#include <nlohmann/json.hpp>

#include "creditgate/auth/api_key.hpp"
#include "creditgate/http/routing.hpp"
#include "creditgate/proxy/exchange.hpp"
#include "creditgate/shapes/chat_shape.hpp"

namespace creditgate {

PublicApi::PublicApi(net::any_io_executor executor, std::shared_ptr<const Config> config,
                     Ledger& ledger, KeyRegistry& keys, std::atomic<int>& in_flight,
                     const std::map<std::string, std::shared_ptr<ssl::context>>& tls_by_provider)
    : context_{config, ledger, keys, {}, in_flight} {
    for (const auto& [name, provider] : config->providers) {
        auto tls = tls_by_provider.count(name) ? tls_by_provider.at(name) : nullptr;
        context_.pools[name] = std::make_unique<UpstreamPool>(executor, provider, tls);
    }
    nlohmann::json data = nlohmann::json::array();
    for (const auto& [name, model] : config->models) {
        data.push_back(
            {{"id", name}, {"object", "model"}, {"created", 0}, {"owned_by", model.provider}});
    }
    models_body_ = nlohmann::json{{"object", "list"}, {"data", std::move(data)}}.dump();
}

void PublicApi::handle(const std::shared_ptr<HttpSession>& session, Request&& request) {
    AccessRecord record;
    record.request_id = new_request_id();
    record.method = std::string(request.method_string());
    auto path = target_path(request.target());
    record.path = std::string(path);

    auto reply_error = [&](const ApiError& error) {
        record.status = static_cast<int>(error.status);
        record.error_code = code_name(error.code);
        log_access(record);
        session->reply_error(error, record.request_id);
    };

    const bool is_chat = path == "/v1/chat/completions";
    const bool is_models = path == "/v1/models";
    if (path == "/healthz") {
        if (request.method() != http::verb::get)
            return reply_method_not_allowed(*session, "GET", record.request_id);
        return session->reply(
            json_reply(http::status::ok, R"({"status":"ok"})", record.request_id));
    }
    // Unknown paths are never forwarded: every route that reaches a provider is metered.
    if (!is_chat && !is_models) {
        return reply_error(api_error(ErrorCode::not_found, "Unknown path: " + record.path));
    }
    if (is_chat && request.method() != http::verb::post) {
        record.status = 405;
        log_access(record);
        return reply_method_not_allowed(*session, "POST", record.request_id);
    }
    if (is_models && request.method() != http::verb::get) {
        record.status = 405;
        log_access(record);
        return reply_method_not_allowed(*session, "GET", record.request_id);
    }

    auto key = context_.keys.find(bearer_token(request[http::field::authorization]));
    if (!key) {
        return reply_error(
            api_error(ErrorCode::invalid_api_key,
                      "Missing or invalid API key. Send 'Authorization: Bearer cg-...'."));
    }
    record.account_id = key->account_id;
    record.key_id = key->key_id;

    if (is_models) {
        record.status = 200;
        log_access(record);
        return session->reply(json_reply(http::status::ok, models_body_, record.request_id));
    }
    std::make_shared<Exchange>(context_, session, std::move(request), *key, std::move(record),
                               std::make_unique<ChatShape>())
        ->start();
}

void PublicApi::close_idle_upstreams() {
    for (auto& [name, pool] : context_.pools) pool->close_idle();
}

}  // namespace creditgate
