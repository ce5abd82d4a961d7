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

namespace creditgate {

struct WebContext {
    const ConfigHolder& configs;
    Ledger& ledger;
    KeyRegistry& keys;
    ProviderKeyVault& provider_keys;
};

class WebPages {
  public:
    using SessionPtr = std::shared_ptr<HttpSession>;

    explicit WebPages(WebContext context);

    // Whether the path is one of ours: /oauth/..., /account..., /sign-in..., /sign-out.
    static bool owns(std::string_view path);
    // Answers the request (exactly one reply); `client` is the caller's address (trusted
    // proxies applied), for the failed sign-in limit.
    void handle(const SessionPtr& session, Request& request, AccessRecord& record,
                const boost::asio::ip::address& client);

  private:
    struct Call {
        SessionPtr session;
        Request& request;
        AccessRecord& record;
        const boost::asio::ip::address& client;
    };
    using PageRouter = Router<const Call&>;
    // Each adds its own routes; each lives in the file its name says.
    void add_sign_in_routes(PageRouter& router);
    void add_account_routes(PageRouter& router);
    void add_oauth_routes(PageRouter& router);

    WebContext context_;
    PageRouter router_;
};

}  // namespace creditgate
