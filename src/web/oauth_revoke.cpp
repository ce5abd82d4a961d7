// POST /oauth/revoke (RFC 7009): `token` is a key an app was given (a sub-key, or a root-level
// key when the user signed in by link); it is revoked with every key below it. Whoever holds a
// key may give it up. The answer is 200 whether or not the token was known (§2.2), so the
// endpoint tells nobody which keys exist.
#include "creditgate/http/routing.hpp"
#include "oauth_endpoints.hpp"
#include "page_call.hpp"

namespace creditgate {

void oauth_revoke(const WebContext& context, const WebPages::CallPtr& call) {
    auto form = FormFields::parse(call->request.body());
    if (!form || form->count("token") != 1 || form->value_or_empty("token").empty()) {
        call->record.error_code = "invalid_request";
        auto reply = json_reply(http::status::bad_request,
                                R"({"error":"invalid_request","error_description":)"
                                R"("'token' must be given once."})",
                                call->record.request_id);
        reply.set(http::field::cache_control, "no-store");
        return call->reply(std::move(reply));
    }
    auto done = [call] {
        auto reply = json_reply(http::status::ok, "{}", call->record.request_id);
        reply.set(http::field::cache_control, "no-store");
        call->reply(std::move(reply));
    };
    const auto key = context.keys.find(form->value_or_empty("token"));
    if (!key) return done();
    call->record.account_id = key->account_id;
    call->record.key_id = key->key_id;
    // Answered once the revocation is made, so the app's next call is refused.
    context.keys.revoke(key->key_id, "oauth:revoke",
                        call->on_session<KeyChange>([done](KeyChange&) { done(); }));
}

}  // namespace creditgate
