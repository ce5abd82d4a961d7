#include "creditgate/proxy/public_api.hpp"

#include <nlohmann/json.hpp>

#include "creditgate/auth/api_key.hpp"
#include "creditgate/http/routing.hpp"
#include "creditgate/proxy/exchange.hpp"
#include "creditgate/shapes/anthropic_errors.hpp"
#include "creditgate/shapes/chat_shape.hpp"
#include "creditgate/shapes/messages_shape.hpp"

namespace creditgate {

template <typename ShapeType>
auto PublicApi::exchange_route() {
    return
        [this](const RouteIds&, const SessionPtr& session, Request& request, AccessRecord& record) {
            start_exchange(session, request, record, std::make_unique<ShapeType>());
        };
}

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

    using http::verb;
    router_
        .add(verb::get, "/healthz",
             [this](const RouteIds&, const SessionPtr& session, Request&, AccessRecord& record) {
                 health(session, record);
             })
        .add(verb::get, "/v1/models",
             [this](const RouteIds&, const SessionPtr& session, Request& request,
                    AccessRecord& record) { list_models(session, request, record); })
        .add(verb::post, "/v1/chat/completions", exchange_route<ChatShape>())
        .add(verb::post, "/v1/messages", exchange_route<MessagesShape>());
}

void PublicApi::handle(const std::shared_ptr<HttpSession>& session, Request&& request) {
    AccessRecord record;
    record.request_id = new_request_id();
    record.method = std::string(request.method_string());
    record.path = std::string(target_path(request.target()));
    // Unknown paths are never forwarded: every route that reaches a provider is metered.
    if (auto error = router_.dispatch(request.method(), record.path, session, request, record)) {
        fail(session, record, *error);
    }
}

void PublicApi::fail(const SessionPtr& session, AccessRecord& record, const ApiError& error) {
    record.status = static_cast<int>(error.status);
    record.error_code = code_name(error.code);
    log_access(record);
    // Clients of Anthropic's API get its error shape, even before any shape exists (401, 404).
    if (is_anthropic_path(record.path)) {
        auto reply = error_response(error, record.request_id, anthropic_error_body(error));
        reply.set(kAnthropicRequestIdHeader, record.request_id);
        return session->reply(std::move(reply));
    }
    session->reply_error(error, record.request_id);
}

void PublicApi::health(const SessionPtr& session, const AccessRecord& record) {
    session->reply(json_reply(http::status::ok, R"({"status":"ok"})", record.request_id));
}

std::optional<KeyIdentity> PublicApi::authenticate(const SessionPtr& session,
                                                   const Request& request, AccessRecord& record) {
    auto key = context_.keys.find(bearer_token(request[http::field::authorization]));
    // Anthropic's SDKs send their key as x-api-key (and a token as a bearer).
    const bool anthropic = is_anthropic_path(record.path);
    if (!key && anthropic) key = context_.keys.find(request["x-api-key"]);
    if (!key) {
        fail(session, record,
             api_error(ErrorCode::invalid_api_key,
                       anthropic ? "Missing or invalid API key. Send 'x-api-key: cg-...' or "
                                   "'Authorization: Bearer cg-...'."
                                 : "Missing or invalid API key. Send 'Authorization: Bearer "
                                   "cg-...'."));
        return std::nullopt;
    }
    record.account_id = key->account_id;
    record.key_id = key->key_id;
    return key;
}

void PublicApi::list_models(const SessionPtr& session, const Request& request,
                            AccessRecord& record) {
    if (!authenticate(session, request, record)) return;
    record.status = 200;
    log_access(record);
    session->reply(json_reply(http::status::ok, models_body_, record.request_id));
}

void PublicApi::start_exchange(const SessionPtr& session, Request& request, AccessRecord& record,
                               std::unique_ptr<Shape> shape) {
    auto key = authenticate(session, request, record);
    if (!key) return;
    std::make_shared<Exchange>(context_, session, std::move(request), *key, std::move(record),
                               std::move(shape))
        ->start();
}

void PublicApi::close_idle_upstreams() {
    for (auto& [name, pool] : context_.pools) pool->close_idle();
}

}  // namespace creditgate
