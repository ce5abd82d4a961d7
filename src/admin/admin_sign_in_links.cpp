// POST /admin/accounts/{id}/sign-in-links {"expires_in_s": 900, "next": "/account"}: a one-time
// link that signs a browser in to the account's pages without a key. The token is in the reply
// only; the store keeps its SHA-256.
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "admin_call.hpp"
#include "creditgate/auth/api_key.hpp"
#include "creditgate/validate/time_text.hpp"

namespace creditgate {

using namespace admin_detail;

namespace {

constexpr std::int64_t kDefaultLinkLifetimeS = 900;
constexpr std::int64_t kMinLinkLifetimeS = 60;
constexpr std::int64_t kMaxLinkLifetimeS = 86'400;
constexpr std::size_t kMaxNextLength = 2048;

// Where links point: the public listener as configured (the admin request's Host names the
// admin listener, not the one browsers reach).
std::string public_base(const Config& config) {
    const auto& host = config.listen.host;
    const bool v6 = host.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(config.listen.port);
}

}  // namespace

void AdminApi::create_sign_in_link(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    const auto& text = call->request.body();
    auto body = object_body(text.empty() ? "{}" : text, {"expires_in_s", "next"});
    if (auto* error = std::get_if<ApiError>(&body)) return call->fail(*error);
    const auto& fields = std::get<nlohmann::json>(body);

    auto lifetime_s = kDefaultLinkLifetimeS;
    if (auto it = fields.find("expires_in_s"); it != fields.end()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < kMinLinkLifetimeS ||
            it->get<std::int64_t>() > kMaxLinkLifetimeS) {
            return call->fail(
                invalid("expires_in_s: expected an integer from 60 to 86400", "expires_in_s"));
        }
        lifetime_s = it->get<std::int64_t>();
    }
    auto next = string_field(fields, "next", false, kMaxNextLength);
    if (auto* error = std::get_if<ApiError>(&next)) return call->fail(*error);
    auto next_path = std::get<std::string>(next);
    if (next_path.empty()) next_path = "/account";
    if (next_path[0] != '/' ||
        (next_path.size() > 1 && (next_path[1] == '/' || next_path[1] == '\\'))) {
        return call->fail(
            invalid("next: expected a path on this server, like \"/account\"", "next"));
    }

    auto token = random_token();
    SignInLinkRecord link;
    link.token_hash = sha256_hex(token);
    link.account_id = account_id;
    link.created_at_ms = now_ms();
    link.expires_at_ms = link.created_at_ms + lifetime_s * 1000;
    const auto url = public_base(*configs_.current()) + "/sign-in/link?token=" + token +
                     "&next=" + boost::urls::encode(next_path, boost::urls::unreserved_chars);

    auto found = std::make_shared<bool>(false);
    ledger_.submit({[this, link, found](Store& store) {
                        *found = ledger_.account_exists(link.account_id);
                        if (*found) store.insert_sign_in_link(link);
                    },
                    call->on_session<bool>([call, found, url,
                                            expires_at_ms = link.expires_at_ms](bool& committed) {
                        if (!committed)
                            return call->fail(api_error_from(LedgerResult::unavailable));
                        if (!*found) {
                            return call->fail(api_error_from(LedgerResult::account_not_found));
                        }
                        call->reply(http::status::created,
                                    {{"url", url}, {"expires_at", format_time_ms(expires_at_ms)}});
                    })});
}

}  // namespace creditgate
