#pragma once
// The public listener's pages and OAuth 2.0 endpoints: sign-in (sign_in*.cpp), the consent flow
// that hands an app a limited key (oauth_*.cpp), and the user's account page (account_*.cpp).
// Server-rendered HTML, no external assets, usable without JavaScript. One per I/O thread.
#include <boost/asio/ip/address.hpp>
#include <memory>
#include <string_view>

#include "creditgate/auth/key_registry.hpp"
#include "creditgate/auth/provider_key_vault.hpp"
#include "creditgate/config/config_holder.hpp"
#include "creditgate/http/router.hpp"
#include "creditgate/http/session.hpp"
#include "creditgate/ledger/ledger.hpp"
#include "creditgate/observe/access_log.hpp"
#include "creditgate/web/sign_in_throttle.hpp"
#include "creditgate/web/web_sessions.hpp"

namespace creditgate {

struct WebContext {
    const ConfigHolder& configs;
    Ledger& ledger;
    KeyRegistry& keys;
    ProviderKeyVault& provider_keys;
    SignInThrottle& sign_in_throttle;  // shared by every I/O thread
};

class WebPages {
  public:
    using SessionPtr = std::shared_ptr<HttpSession>;

    explicit WebPages(WebContext context);

    // Whether the path is one of ours: /oauth/..., /account..., /sign-in..., /sign-out.
    static bool owns(std::string_view path);
    // Answers the request (exactly one reply); `client` is the caller's address (trusted
    // proxies applied), for the failed sign-in limit and the cookie's Secure attribute.
    void handle(const SessionPtr& session, Request& request, AccessRecord& record,
                const boost::asio::ip::address& client);

    // One request in progress, shared by its asynchronous steps (src/web/page_call.hpp).
    struct Call;
    using CallPtr = std::shared_ptr<Call>;

  private:
    using PageRouter = Router<const CallPtr&>;
    // Each adds its own routes; each lives in the file its name says.
    void add_sign_in_routes(PageRouter& router);
    void add_account_routes(PageRouter& router);
    void add_oauth_routes(PageRouter& router);

    // The account page and what its forms change (account_*.cpp).
    void account_page(const CallPtr& call);
    void revoke_key(const CallPtr& call, std::int64_t key_id);
    void add_provider_key(const CallPtr& call);
    void remove_provider_key(const CallPtr& call);
    void new_pass_page(const CallPtr& call);
    void create_pass(const CallPtr& call);

    // Runs `then` with the request's session; signed out: a GET is sent to sign in (and back),
    // anything else gets the 401 page. A POST's `csrf` field must match (403 page otherwise).
    void with_session(const CallPtr& call, std::function<void(const SignedIn&)> then);

    WebContext context_;
    WebSessions sessions_;
    PageRouter router_;
};

}  // namespace creditgate
