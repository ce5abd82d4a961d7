// The user's account page and what its forms change: account_page.cpp, account_keys.cpp,
// account_provider_keys.cpp, account_passes.cpp.
#include "page_call.hpp"

namespace creditgate {

void WebPages::add_account_routes(PageRouter& router) {
    using http::verb;
    router
        .add(verb::get, "/account",
             [this](const RouteIds&, const CallPtr& call) { account_page(call); })
        .add(verb::post, "/account/keys/{id}/revoke",
             [this](const RouteIds& ids, const CallPtr& call) { revoke_key(call, ids[0]); })
        .add(verb::post, "/account/provider-keys",
             [this](const RouteIds&, const CallPtr& call) { add_provider_key(call); })
        .add(verb::post, "/account/provider-keys/{name}/remove",
             [this](const RouteIds&, const CallPtr& call) { remove_provider_key(call); })
        .add(verb::get, "/account/passes/new",
             [this](const RouteIds&, const CallPtr& call) { new_pass_page(call); })
        .add(verb::post, "/account/passes",
             [this](const RouteIds&, const CallPtr& call) { create_pass(call); });
}

}  // namespace creditgate
