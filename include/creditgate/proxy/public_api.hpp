#pragma once
// Routes of the public, OpenAI-compatible listener for one I/O thread.
#include <boost/asio/post.hpp>

#include "creditgate/http/router.hpp"
#include "creditgate/http/session.hpp"
#include "creditgate/observe/access_log.hpp"
#include "creditgate/proxy/context.hpp"
#include "creditgate/shapes/shape.hpp"
#include "creditgate/web/web_pages.hpp"

namespace creditgate {

class PublicApi final : public RequestHandler {
  public:
    PublicApi(net::any_io_executor executor, const ConfigHolder& configs, Ledger& ledger,
              KeyRegistry& keys, ProviderKeyVault& provider_keys, std::atomic<int>& in_flight,
              TlsContexts& tls, SignInThrottle& sign_in_throttle);

    void handle(const std::shared_ptr<HttpSession>& session, Request&& request) override;
    // Shutdown: closes pooled idle connections; call once this thread's loop has stopped.
    void close_idle_upstreams();

  private:
    using SessionPtr = std::shared_ptr<HttpSession>;
    // Health is not logged and needs no key; every other route answers 401 without one.
    void health(const SessionPtr& session, const AccessRecord& record);
    // Static: they also run from ledger callbacks, which must not need this object.
    static void fail(const SessionPtr& session, AccessRecord& record, const ApiError& error);
    std::optional<KeyIdentity> authenticate(const SessionPtr& session, const Request& request,
                                            AccessRecord& record);
    // The address a key's cidrs are checked against (config trusted_proxies).
    boost::asio::ip::address client_of(const HttpSession& session, const Request& request);
    void list_models(const SessionPtr& session, const Request& request, AccessRecord& record);
    // The caller's own account, seen with their key (caller_account.cpp): one request's
    // charge, their credits, their usage report.
    void get_request_charge(const SessionPtr& session, const Request& request,
                            AccessRecord& record);
    void get_credits(const SessionPtr& session, const Request& request, AccessRecord& record);
    void get_usage(const SessionPtr& session, const Request& request, AccessRecord& record);
    static void answer(const SessionPtr& session, AccessRecord& record, Response&& reply);
    // The caller's key and the keys it mints (caller_keys.cpp).
    void get_own_key(const SessionPtr& session, const Request& request, AccessRecord& record);
    // authenticate, and the key may manage keys (403 permission_denied otherwise).
    std::optional<KeyIdentity> authenticate_manager(const SessionPtr& session,
                                                    const Request& request, AccessRecord& record);
    void create_sub_key(const SessionPtr& session, const Request& request, AccessRecord& record);
    void list_sub_keys(const SessionPtr& session, const Request& request, AccessRecord& record);
    void update_sub_key(const SessionPtr& session, const Request& request, AccessRecord& record,
                        std::int64_t key_id);
    void revoke_sub_key(const SessionPtr& session, const Request& request, AccessRecord& record,
                        std::int64_t key_id);
    // The account's own provider keys (BYOK), for a key holding keys:manage
    // (caller_provider_keys.cpp).
    void list_own_provider_keys(const SessionPtr& session, const Request& request,
                                AccessRecord& record);
    void put_own_provider_key(const SessionPtr& session, Request& request, AccessRecord& record);
    static void answer_provider_keys(const SessionPtr& session, AccessRecord& record,
                                     ProviderKeyVault& vault, std::int64_t account_id);
    void delete_own_provider_key(const SessionPtr& session, const Request& request,
                                 AccessRecord& record);
    // Registry and vault callbacks run on the writer thread: hop back to the session's.
    template <typename T>
    static Callback<T> on_session(const SessionPtr& session, AccessRecord& record,
                                  std::function<void(T&, AccessRecord&)> fn) {
        return [session, record, fn = std::move(fn)](T value) mutable {
            net::post(session->executor(),
                      [session, record = std::move(record), fn = std::move(fn),
                       value = std::move(value)]() mutable { fn(value, record); });
        };
    }
    using KeyedHandler = void (PublicApi::*)(const SessionPtr&, const Request&, AccessRecord&);
    using IdHandler = void (PublicApi::*)(const SessionPtr&, const Request&, AccessRecord&,
                                          std::int64_t);
    auto route(KeyedHandler handler);
    // A handler that changes the request (it wipes a secret from the body).
    using BodyHandler = void (PublicApi::*)(const SessionPtr&, Request&, AccessRecord&);
    auto route(BodyHandler handler);
    auto route(IdHandler handler);
    // Every metered endpoint: authenticate, then one exchange with the endpoint's shape.
    void start_exchange(const SessionPtr& session, Request& request, AccessRecord& record,
                        std::unique_ptr<Shape> shape);
    template <typename ShapeType>
    auto exchange_route();

    // The /v1/models body of one config: built again only after a reload.
    const std::string& models_body(const std::shared_ptr<const Config>& config);

    ProxyContext context_;
    std::shared_ptr<const Config> models_config_;
    std::string models_body_;
    Router<const SessionPtr&, Request&, AccessRecord&> router_;
    WebPages pages_;  // sign-in, the consent flow, the account page
};

}  // namespace creditgate
