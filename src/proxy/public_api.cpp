#include "creditgate/proxy/public_api.hpp"

#include <nlohmann/json.hpp>

#include "creditgate/auth/api_key.hpp"
#include "creditgate/errors/key_admission.hpp"
#include "creditgate/http/routing.hpp"
#include "creditgate/proxy/exchange.hpp"
#include "creditgate/proxy/model_list.hpp"
#include "creditgate/shapes/anthropic_errors.hpp"
#include "creditgate/shapes/chat_shape.hpp"
#include "creditgate/shapes/completions_shape.hpp"
#include "creditgate/shapes/embeddings_shape.hpp"
#include "creditgate/shapes/images_shape.hpp"
#include "creditgate/shapes/messages_shape.hpp"
#include "creditgate/shapes/responses_shape.hpp"
#include "creditgate/validate/client_address.hpp"

namespace creditgate {

template <typename ShapeType>
auto PublicApi::exchange_route() {
    return
        [this](const RouteIds&, const SessionPtr& session, Request& request, AccessRecord& record) {
            start_exchange(session, request, record, std::make_unique<ShapeType>());
        };
}

auto PublicApi::route(KeyedHandler handler) {
    return [this, handler](const RouteIds&, const SessionPtr& session, Request& request,
                           AccessRecord& record) { (this->*handler)(session, request, record); };
}

auto PublicApi::route(BodyHandler handler) {
    return [this, handler](const RouteIds&, const SessionPtr& session, Request& request,
                           AccessRecord& record) { (this->*handler)(session, request, record); };
}

auto PublicApi::route(IdHandler handler) {
    return [this, handler](const RouteIds& ids, const SessionPtr& session, Request& request,
                           AccessRecord& record) {
        (this->*handler)(session, request, record, ids[0]);
    };
}

PublicApi::PublicApi(net::any_io_executor executor, const ConfigHolder& configs, Ledger& ledger,
                     KeyRegistry& keys, ProviderKeyVault& provider_keys,
                     std::atomic<int>& in_flight, TlsContexts& tls,
                     SignInThrottle& sign_in_throttle)
    : context_{configs,  ledger, keys, provider_keys, ProviderPools(std::move(executor), tls),
               in_flight},
      pages_(WebContext{configs, ledger, keys, provider_keys, sign_in_throttle}) {
    using http::verb;
    router_
        .add(verb::get, "/healthz",
             [this](const RouteIds&, const SessionPtr& session, Request&, AccessRecord& record) {
                 health(session, record);
             })
        .add(verb::get, "/v1/models", route(&PublicApi::list_models))
        .add(verb::get, "/v1/requests/{name}", route(&PublicApi::get_request_charge))
        .add(verb::get, "/v1/credits", route(&PublicApi::get_credits))
        .add(verb::get, "/v1/usage", route(&PublicApi::get_usage))
        .add(verb::get, "/v1/key", route(&PublicApi::get_own_key))
        .add(verb::get, "/v1/keys", route(&PublicApi::list_sub_keys))
        .add(verb::post, "/v1/keys", route(&PublicApi::create_sub_key))
        .add(verb::patch, "/v1/keys/{id}", route(&PublicApi::update_sub_key))
        .add(verb::delete_, "/v1/keys/{id}", route(&PublicApi::revoke_sub_key))
        .add(verb::get, "/v1/provider-keys", route(&PublicApi::list_own_provider_keys))
        .add(verb::put, "/v1/provider-keys/{name}", route(&PublicApi::put_own_provider_key))
        .add(verb::delete_, "/v1/provider-keys/{name}", route(&PublicApi::delete_own_provider_key))
        .add(verb::post, "/v1/chat/completions", exchange_route<ChatShape>())
        .add(verb::post, "/v1/completions", exchange_route<CompletionsShape>())
        .add(verb::post, "/v1/embeddings", exchange_route<EmbeddingsShape>())
        .add(verb::post, "/v1/responses", exchange_route<ResponsesShape>())
        .add(verb::post, "/v1/images/generations", exchange_route<ImagesShape>())
        .add(verb::post, "/v1/messages", exchange_route<MessagesShape>());
}

void PublicApi::handle(const std::shared_ptr<HttpSession>& session, Request&& request) {
    AccessRecord record;
    record.request_id = new_request_id();
    record.method = std::string(request.method_string());
    record.path = std::string(target_path(request.target()));
    if (WebPages::owns(record.path)) {
        return pages_.handle(session, request, record, client_of(*session, request));
    }
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

boost::asio::ip::address PublicApi::client_of(const HttpSession& session, const Request& request) {
    const auto& trusted = context_.snapshot()->trusted_proxies;
    if (trusted.empty()) return session.peer_address();
    std::vector<std::string_view> forwarded;
    for (auto [it, end] = request.equal_range("x-forwarded-for"); it != end; ++it) {
        forwarded.push_back(it->value());
    }
    return client_address(session.peer_address(), forwarded, trusted);
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
    if (auto error = check_key_access(*key, client_of(*session, request), now_ms())) {
        fail(session, record, *error);
        return std::nullopt;
    }
    return key;
}

void PublicApi::list_models(const SessionPtr& session, const Request& request,
                            AccessRecord& record) {
    if (!authenticate(session, request, record)) return;
    record.status = 200;
    log_access(record);
    session->reply(
        json_reply(http::status::ok, models_body(context_.snapshot()), record.request_id));
}

const std::string& PublicApi::models_body(const std::shared_ptr<const Config>& config) {
    if (config == models_config_) return models_body_;
    models_body_ = models_list_body(*config);
    models_config_ = config;
    return models_body_;
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
    context_.pools.close_idle();
}

}  // namespace creditgate
