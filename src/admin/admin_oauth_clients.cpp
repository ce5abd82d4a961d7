// Apps registered for the consent flow (OAuth 2.0 public clients): POST and GET
// /admin/oauth/clients. A client is a name shown on the consent page, the exact redirect URIs
// codes may be sent to, and an optional logo (a data: URI, the pages load nothing else).
#include <openssl/rand.h>

#include <boost/algorithm/hex.hpp>

#include <array>

#include "admin_call.hpp"
#include "creditgate/validate/redirect_uri.hpp"
#include "creditgate/validate/time_text.hpp"

namespace creditgate {

using namespace admin_detail;

namespace {

constexpr std::size_t kMaxRedirectUris = 10;
constexpr std::size_t kMaxLogoChars = 64 * 1024;
constexpr std::string_view kLogoPrefixes[] = {"data:image/png;base64,", "data:image/jpeg;base64,",
                                              "data:image/gif;base64,", "data:image/webp;base64,"};

std::string new_client_id() {
    std::array<unsigned char, 12> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    std::string id = "app_";
    boost::algorithm::hex_lower(random.begin(), random.end(), std::back_inserter(id));
    return id;
}

std::variant<std::vector<std::string>, ApiError> redirect_uris_field(const nlohmann::json& body) {
    const auto it = body.find("redirect_uris");
    if (it == body.end() || !it->is_array() || it->empty() || it->size() > kMaxRedirectUris) {
        return invalid("'redirect_uris' must be an array of 1 to " +
                           std::to_string(kMaxRedirectUris) + " URIs.",
                       "redirect_uris");
    }
    std::vector<std::string> uris;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const auto param = "redirect_uris[" + std::to_string(i) + "]";
        const auto& item = (*it)[i];
        if (!item.is_string()) return invalid("'" + param + "' must be a string.", param);
        auto uri = item.get<std::string>();
        if (auto problem = redirect_uri_problem(uri)) {
            return invalid("'" + param + "': " + *problem + ".", param);
        }
        uris.push_back(std::move(uri));
    }
    return uris;
}

// A small raster image as a data: URI; SVG is refused (it is a document that can hold script).
std::variant<std::string, ApiError> logo_field(const nlohmann::json& body) {
    auto logo = string_field(body, "logo", false, kMaxLogoChars);
    if (auto* error = std::get_if<ApiError>(&logo)) return *error;
    const auto& text = std::get<std::string>(logo);
    auto base64 = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
    };
    for (auto prefix : kLogoPrefixes) {
        if (text.starts_with(prefix) && text.size() > prefix.size() &&
            std::all_of(text.begin() + static_cast<std::ptrdiff_t>(prefix.size()), text.end(),
                        base64)) {
            return text;
        }
    }
    if (text.empty()) return text;
    return invalid(
        "'logo' must be a data: URI of a PNG, JPEG, GIF or WebP image in base64, e.g. "
        "\"data:image/png;base64,iVBOR...\".",
        "logo");
}

nlohmann::json client_json(const OAuthClientRecord& client) {
    auto uris = nlohmann::json::parse(client.redirect_uris_json, nullptr, false);
    return {{"object", "oauth_client"},
            {"client_id", client.client_id},
            {"name", client.name},
            {"redirect_uris", uris.is_discarded() ? nlohmann::json::array() : uris},
            {"logo", client.logo.empty() ? nlohmann::json() : nlohmann::json(client.logo)},
            {"created_at", format_time_ms(client.created_at_ms)}};
}

}  // namespace

void AdminApi::create_oauth_client(const std::shared_ptr<Call>& call) {
    auto body = object_body(call->request.body(), {"name", "redirect_uris", "logo"});
    if (auto* error = std::get_if<ApiError>(&body)) return call->fail(*error);
    const auto& fields = std::get<nlohmann::json>(body);
    auto name = string_field(fields, "name", true, kMaxNameLength);
    if (auto* error = std::get_if<ApiError>(&name)) return call->fail(*error);
    auto uris = redirect_uris_field(fields);
    if (auto* error = std::get_if<ApiError>(&uris)) return call->fail(*error);
    auto logo = logo_field(fields);
    if (auto* error = std::get_if<ApiError>(&logo)) return call->fail(*error);

    auto client = std::make_shared<OAuthClientRecord>(
        OAuthClientRecord{new_client_id(), std::get<std::string>(std::move(name)),
                          nlohmann::json(std::get<std::vector<std::string>>(uris)).dump(),
                          std::get<std::string>(std::move(logo)), now_ms()});
    auto reply = call->on_session<bool>([call, client](bool& committed) {
        if (!committed) return call->fail(api_error_from(LedgerResult::unavailable));
        call->reply(http::status::created, client_json(*client));
    });
    ledger_.submit({[client](Store& store) { store.insert_oauth_client(*client); },
                    [reply = std::move(reply)](bool committed) { reply(committed); }});
}

void AdminApi::list_oauth_clients(const std::shared_ptr<Call>& call) {
    auto clients = std::make_shared<std::vector<OAuthClientRecord>>();
    auto reply = call->on_session<bool>([call, clients](bool& committed) {
        if (!committed) return call->fail(api_error_from(LedgerResult::unavailable));
        nlohmann::json data = nlohmann::json::array();
        for (const auto& client : *clients) data.push_back(client_json(client));
        call->reply(http::status::ok, {{"object", "list"}, {"data", std::move(data)}});
    });
    ledger_.submit({[clients](Store& store) { *clients = store.list_oauth_clients(); },
                    [reply = std::move(reply)](bool committed) { reply(committed); }});
}

}  // namespace creditgate
