// Keys: create with a scope, read, change, revoke (with everything below), and the audit log
// of those changes.
#include <boost/url/parse.hpp>

#include "admin_call.hpp"
#include "creditgate/views/render_keys.hpp"

namespace creditgate {

using namespace admin_detail;

namespace {

nlohmann::json key_list_json(const std::vector<KeyView>& keys) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& key : keys) data.push_back(key_json(key));
    return {{"object", "list"}, {"data", std::move(data)}};
}

}  // namespace

void AdminApi::create_key(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    auto scope = key_scope_from_body(call->request.body());
    if (auto* error = std::get_if<ApiError>(&scope)) return call->fail(*error);
    keys_.create(account_id, std::nullopt, std::get<KeyScope>(std::move(scope)), call->actor,
                 call->on_session<CreatedKey>([call](auto& created) {
                     if (created.result != AuthResult::ok)
                         return call->fail(api_error_from(created.result));
                     auto reply = key_json(created.key);
                     reply["key"] = created.plaintext;  // the only time the key is ever shown
                     call->reply(http::status::created, reply);
                 }));
}

void AdminApi::list_keys(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    keys_.list(account_id, call->on_session<KeyList>([call](auto& list) {
        if (list.result != AuthResult::ok) return call->fail(api_error_from(list.result));
        call->reply(http::status::ok, key_list_json(list.keys));
    }));
}

void AdminApi::get_key(const std::shared_ptr<Call>& call, std::int64_t key_id) {
    keys_.get(key_id, call->on_session<KeyChange>([call](auto& found) {
        if (found.result != AuthResult::ok) return call->fail(api_error_from(found.result));
        call->reply(http::status::ok, key_json(found.key));
    }));
}

// Fields in the body replace the key's; null removes a limit. An admin may widen a sub-key, but
// it stays limited by every key above it on each request.
void AdminApi::update_key(const std::shared_ptr<Call>& call, std::int64_t key_id) {
    keys_.get(key_id, call->on_session<KeyChange>([this, call, key_id](auto& found) {
        if (found.result != AuthResult::ok) return call->fail(api_error_from(found.result));
        if (found.key.record.revoked_at_ms) {
            return call->fail(api_error_from(AuthResult::key_not_found));
        }
        auto scope = key_scope_from_body(call->request.body(), found.key.scope);
        if (auto* error = std::get_if<ApiError>(&scope)) return call->fail(*error);
        keys_.update(key_id, std::get<KeyScope>(std::move(scope)), call->actor,
                     call->on_session<KeyChange>([call](auto& changed) {
                         if (changed.result != AuthResult::ok)
                             return call->fail(api_error_from(changed.result));
                         call->reply(http::status::ok, key_json(changed.key));
                     }));
    }));
}

void AdminApi::revoke_key(const std::shared_ptr<Call>& call, std::int64_t key_id) {
    keys_.revoke(key_id, call->actor, call->on_session<KeyChange>([call, key_id](auto& revoked) {
        if (revoked.result != AuthResult::ok) return call->fail(api_error_from(revoked.result));
        call->reply(http::status::ok, {{"id", key_id},
                                       {"object", "api_key"},
                                       {"revoked", true},
                                       {"revoked_ids", revoked.revoked_ids}});
    }));
}

void AdminApi::list_audit(const std::shared_ptr<Call>& call) {
    int limit = 50;
    std::int64_t before = 0;
    std::optional<std::int64_t> account_id;
    auto url = boost::urls::parse_origin_form(call->request.target());
    if (!url) return call->fail(invalid("Malformed query string."));
    for (auto param : url->params()) {
        auto value = parse_id(param.value);
        if (param.key == "limit") {
            if (!value || *value > 1000)
                return call->fail(invalid("'limit' must be an integer from 1 to 1000.", "limit"));
            limit = static_cast<int>(*value);
        } else if (param.key == "before") {
            if (!value) return call->fail(invalid("'before' must be an audit entry id.", "before"));
            before = *value;
        } else if (param.key == "account_id") {
            if (!value) return call->fail(invalid("'account_id' must be an id.", "account_id"));
            account_id = value;
        } else {
            return call->fail(invalid("Unknown query parameter '" + std::string(param.key) + "'.",
                                      std::string(param.key)));
        }
    }
    // One row more than the page: page_json knows whether there is more.
    keys_.audit(limit + 1, before, account_id,
                call->on_session<AuditList>([call, limit](auto& list) {
                    if (list.result != AuthResult::ok)
                        return call->fail(api_error_from(list.result));
                    call->reply(http::status::ok,
                                page_json(std::move(list.entries), limit, "next_before",
                                          [](const AuditRecord& row) { return audit_json(row); }));
                }));
}

}  // namespace creditgate
