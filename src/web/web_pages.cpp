#include "creditgate/web/web_pages.hpp"

namespace creditgate {

WebPages::WebPages(WebContext context) : context_(context) {
    add_sign_in_routes(router_);
    add_account_routes(router_);
    add_oauth_routes(router_);
}

bool WebPages::owns(std::string_view path) {
    auto under = [path](std::string_view root) {
        return path == root || (path.starts_with(root) && path[root.size()] == '/');
    };
    return under("/oauth") || under("/account") || under("/sign-in") || path == "/sign-out";
}

void WebPages::handle(const SessionPtr& session, Request& request, AccessRecord& record,
                      const boost::asio::ip::address& client) {
    const Call call{session, request, record, client};
    if (auto error = router_.dispatch(request.method(), record.path, call)) {
        // TODO(web): an HTML error page for browsers; JSON for /oauth/token and /oauth/revoke.
        record.status = static_cast<int>(error->status);
        log_access(record);
        session->reply_error(*error, record.request_id);
    }
}

}  // namespace creditgate
