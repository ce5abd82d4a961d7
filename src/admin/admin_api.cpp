#include "creditgate/admin/admin_api.hpp"

#include <openssl/crypto.h>

#include <boost/asio/post.hpp>
#include <boost/url/parse.hpp>
#include <charconv>

#include "creditgate/admin/render.hpp"
#include "creditgate/auth/api_key.hpp"
#include "creditgate/http/routing.hpp"
#include "creditgate/observe/access_log.hpp"
#include "creditgate/pricing/decimal.hpp"

namespace creditgate {

namespace {

constexpr std::size_t kMaxNameLength = 200;
constexpr std::size_t kMaxReferenceLength = 500;
constexpr std::size_t kMaxIdempotencyKeyLength = 255;

bool token_matches(std::string_view presented, const std::string& expected) {
    return presented.size() == expected.size() &&
           CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

std::optional<std::int64_t> parse_id(std::string_view text) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
    return value;
}

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash);
    }
    return parts;
}

ApiError invalid(std::string message, std::string param = {}) {
    return api_error(ErrorCode::invalid_request, std::move(message), std::move(param));
}

// Parses a JSON object body whose fields are all in `allowed`; unknown fields are an error so a
// mistyped field is never silently dropped.
std::variant<nlohmann::json, ApiError> object_body(
    const std::string& text, std::initializer_list<std::string_view> allowed) {
    auto body = nlohmann::json::parse(text.empty() ? std::string("{}") : text, nullptr, false);
    if (body.is_discarded()) return invalid("The request body is not valid JSON.");
    if (!body.is_object()) return invalid("The request body must be a JSON object.");
    for (const auto& [name, value] : body.items()) {
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            return invalid("Unknown field '" + name + "'.", name);
        }
    }
    return body;
}

std::variant<std::string, ApiError> string_field(const nlohmann::json& body, const char* name,
                                                 bool required, std::size_t max_length) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) {
        if (required) return invalid(std::string("Missing required field '") + name + "'.", name);
        return std::string();
    }
    if (!it->is_string()) return invalid(std::string("'") + name + "' must be a string.", name);
    auto value = it->get<std::string>();
    if (value.size() > max_length) {
        return invalid(std::string("'") + name + "' is longer than " + std::to_string(max_length) +
                           " characters.",
                       name);
    }
    return value;
}

}  // namespace

struct AdminApi::Call {
    std::shared_ptr<HttpSession> session;
    Request request;
    AccessRecord record;

    // Ledger callbacks run on the writer thread: hop back to the session's thread to reply.
    template <typename T>
    Callback<T> on_session(std::function<void(T&)> fn) {
        return [keep = session, fn = std::move(fn)](T value) mutable {
            net::post(keep->executor(),
                      [fn = std::move(fn), value = std::move(value)]() mutable { fn(value); });
        };
    }
    void reply(http::status status, const nlohmann::json& body) {
        record.status = static_cast<int>(status);
        log_access(record);
        session->reply(json_reply(status, body.dump(), record.request_id));
    }
    void reply(Response&& response) {
        record.status = response.result_int();
        log_access(record);
        session->reply(std::move(response));
    }
    void fail(const ApiError& error) {
        record.status = static_cast<int>(error.status);
        record.error_code = code_name(error.code);
        log_access(record);
        session->reply_error(error, record.request_id);
    }
};

void AdminApi::handle(const std::shared_ptr<HttpSession>& session, Request&& request) {
    auto call = std::make_shared<Call>();
    call->session = session;
    call->record.request_id = new_request_id();
    call->record.method = std::string(request.method_string());
    call->record.path = std::string(target_path(request.target()));
    call->request = std::move(request);

    if (!token_matches(bearer_token(call->request[http::field::authorization]),
                       config_->admin_token)) {
        return call->fail(api_error(ErrorCode::invalid_api_key, "Missing or invalid admin token."));
    }
    auto parts = split_path(call->record.path);
    auto method = call->request.method();
    auto allow = [&](const char* methods) {
        reply_method_not_allowed(*session, methods, call->record.request_id);
    };
    auto not_found = [&] {
        call->fail(api_error(ErrorCode::not_found, "Unknown path: " + call->record.path));
    };

    if (parts.size() < 2 || parts[0] != "admin") return not_found();
    if (parts[1] == "accounts") {
        if (parts.size() == 2)
            return method == http::verb::post ? create_account(call) : allow("POST");
        auto id = parse_id(parts[2]);
        if (!id) return not_found();
        if (parts.size() == 3)
            return method == http::verb::get ? get_account(call, *id) : allow("GET");
        if (parts.size() != 4) return not_found();
        if (parts[3] == "keys") {
            if (method == http::verb::post) return create_key(call, *id);
            if (method == http::verb::get) return list_keys(call, *id);
            return allow("GET, POST");
        }
        if (parts[3] == "topups")
            return method == http::verb::post ? top_up(call, *id) : allow("POST");
        if (parts[3] == "ledger")
            return method == http::verb::get ? list_ledger(call, *id) : allow("GET");
        return not_found();
    }
    if (parts[1] == "keys" && parts.size() == 3) {
        auto id = parse_id(parts[2]);
        if (!id) return not_found();
        return method == http::verb::delete_ ? revoke_key(call, *id) : allow("DELETE");
    }
    not_found();
}

void AdminApi::create_account(const std::shared_ptr<Call>& call) {
    auto body = object_body(call->request.body(), {"name"});
    if (auto* error = std::get_if<ApiError>(&body)) return call->fail(*error);
    auto name = string_field(std::get<nlohmann::json>(body), "name", true, kMaxNameLength);
    if (auto* error = std::get_if<ApiError>(&name)) return call->fail(*error);
    ledger_.create_account(std::get<std::string>(name),
                           call->on_session<std::optional<AccountBalance>>([call](auto& account) {
                               if (!account)
                                   return call->fail(api_error_from(LedgerResult::unavailable));
                               call->reply(http::status::created, account_json(*account));
                           }));
}

void AdminApi::get_account(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    ledger_.get_account(account_id,
                        call->on_session<std::optional<AccountBalance>>([call](auto& account) {
                            if (!account)
                                return call->fail(api_error_from(LedgerResult::account_not_found));
                            call->reply(http::status::ok, account_json(*account));
                        }));
}

void AdminApi::create_key(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    auto body = object_body(call->request.body(), {"name"});
    if (auto* error = std::get_if<ApiError>(&body)) return call->fail(*error);
    auto name = string_field(std::get<nlohmann::json>(body), "name", false, kMaxNameLength);
    if (auto* error = std::get_if<ApiError>(&name)) return call->fail(*error);
    keys_.create(
        account_id, std::get<std::string>(name),
        call->on_session<CreatedKey>([call](auto& created) {
            if (created.result == LedgerResult::invalid_amount) {
                return call->fail(invalid("This account has too many keys; revoke some first."));
            }
            if (created.result != LedgerResult::ok)
                return call->fail(api_error_from(created.result));
            auto reply = key_json(created.record);
            reply["key"] = created.plaintext;  // the only time the key is ever shown
            call->reply(http::status::created, reply);
        }));
}

void AdminApi::list_keys(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    keys_.list(account_id, call->on_session<KeyList>([call](auto& list) {
        if (list.result != LedgerResult::ok) return call->fail(api_error_from(list.result));
        nlohmann::json data = nlohmann::json::array();
        for (const auto& key : list.keys) data.push_back(key_json(key));
        call->reply(http::status::ok, {{"object", "list"}, {"data", std::move(data)}});
    }));
}

void AdminApi::revoke_key(const std::shared_ptr<Call>& call, std::int64_t key_id) {
    keys_.revoke(key_id, call->on_session<bool>([call, key_id](bool& revoked) {
        if (!revoked) return call->fail(api_error(ErrorCode::not_found, "No such active key."));
        call->reply(http::status::ok, {{"id", key_id}, {"object", "api_key"}, {"revoked", true}});
    }));
}

void AdminApi::top_up(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    auto idempotency_key = std::string(call->request["Idempotency-Key"]);
    if (idempotency_key.empty() || idempotency_key.size() > kMaxIdempotencyKeyLength) {
        return call->fail(
            invalid("An Idempotency-Key header (1 to 255 characters) is required for top-ups.",
                    "Idempotency-Key"));
    }
    auto parsed = object_body(call->request.body(), {"amount", "reference"});
    if (auto* error = std::get_if<ApiError>(&parsed)) return call->fail(*error);
    auto& body = std::get<nlohmann::json>(parsed);
    auto amount_text = string_field(body, "amount", true, 64);
    if (auto* error = std::get_if<ApiError>(&amount_text)) {
        if (body.contains("amount") && body["amount"].is_number()) {
            return call->fail(
                invalid("'amount' must be a decimal string in credits, like \"10.5\".", "amount"));
        }
        return call->fail(*error);
    }
    auto amount = parse_decimal_nanos(std::get<std::string>(amount_text));
    if (!amount || *amount <= 0) {
        return call->fail(
            invalid("'amount' must be a positive decimal string in credits with at most 9 "
                    "decimal places, like \"10.5\".",
                    "amount"));
    }
    auto reference = string_field(body, "reference", false, kMaxReferenceLength);
    if (auto* error = std::get_if<ApiError>(&reference)) return call->fail(*error);

    TopUpRequest top_up{account_id, *amount, std::get<std::string>(reference), idempotency_key,
                        sha256_hex(body.dump())};
    ledger_.top_up(std::move(top_up), call->on_session<TopUpOutcome>([call](auto& outcome) {
        if (outcome.result != LedgerResult::ok) return call->fail(api_error_from(outcome.result));
        auto reply = json_reply(http::status::created, entry_json(outcome.entry).dump(),
                                call->record.request_id);
        if (outcome.replayed) reply.set("Idempotent-Replayed", "true");
        call->reply(std::move(reply));
    }));
}

void AdminApi::list_ledger(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    int limit = 50;
    std::int64_t after = 0;
    auto url = boost::urls::parse_origin_form(call->request.target());
    if (!url) return call->fail(invalid("Malformed query string."));
    for (auto param : url->params()) {
        if (param.key == "limit") {
            auto value = parse_id(param.value);
            if (!value || *value > 1000)
                return call->fail(invalid("'limit' must be an integer from 1 to 1000.", "limit"));
            limit = static_cast<int>(*value);
        } else if (param.key == "after") {
            auto value = parse_id(param.value);
            if (!value) return call->fail(invalid("'after' must be an entry id.", "after"));
            after = *value;
        } else {
            return call->fail(invalid("Unknown query parameter '" + std::string(param.key) + "'.",
                                      std::string(param.key)));
        }
    }
    ledger_.list_entries(
        account_id, limit, after, call->on_session<EntriesOutcome>([call, limit](auto& outcome) {
            if (outcome.result != LedgerResult::ok)
                return call->fail(api_error_from(outcome.result));
            nlohmann::json data = nlohmann::json::array();
            for (const auto& entry : outcome.entries) data.push_back(entry_json(entry));
            bool has_more = static_cast<int>(outcome.entries.size()) == limit;
            nlohmann::json reply = {
                {"object", "list"}, {"data", std::move(data)}, {"has_more", has_more}};
            if (has_more) reply["next_after"] = outcome.entries.back().id;
            call->reply(http::status::ok, reply);
        }));
}

}  // namespace creditgate
