// The caller's own key (GET /v1/key) and, for a key holding keys:manage, the keys it mints
// ("AI Pass" sub-keys): POST/GET /v1/keys, PATCH/DELETE /v1/keys/{id}. A key sees and changes
// only the keys below it; another key's id is the same 404 as an unknown one.
#include <boost/asio/post.hpp>

#include "creditgate/errors/key_admission.hpp"
#include "creditgate/errors/result_errors.hpp"
#include "creditgate/http/routing.hpp"
#include "creditgate/proxy/public_api.hpp"
#include "creditgate/views/render_keys.hpp"

namespace creditgate {

namespace {

std::string actor_of(const KeyIdentity& key) {
    return "key:" + std::to_string(key.key_id);
}

ApiError no_such_key(std::int64_t key_id) {
    return api_error(ErrorCode::not_found,
                     "No key " + std::to_string(key_id) + " below this API key.");
}

}  // namespace

void PublicApi::get_own_key(const SessionPtr& session, const Request& request,
                            AccessRecord& record) {
    auto key = authenticate(session, request, record);
    if (!key) return;
    const KeyView view{key->key->record, key->key->scope, context_.ledger.key_usage(key->key_id)};
    answer(session, record, json_reply(http::status::ok, key_json(view).dump(), record.request_id));
}

std::optional<KeyIdentity> PublicApi::authenticate_manager(const SessionPtr& session,
                                                           const Request& request,
                                                           AccessRecord& record) {
    auto key = authenticate(session, request, record);
    if (!key) return std::nullopt;
    if (auto error = check_may_manage_keys(*key)) {
        fail(session, record, *error);
        return std::nullopt;
    }
    return key;
}

void PublicApi::create_sub_key(const SessionPtr& session, const Request& request,
                               AccessRecord& record) {
    auto key = authenticate_manager(session, request, record);
    if (!key) return;
    // What the body leaves out is the minting key's: a sub-key is never wider by omission.
    KeyScope inherited = key->key->scope;
    inherited.name.clear();
    auto scope = key_scope_from_body(request.body(), inherited);
    if (auto* error = std::get_if<ApiError>(&scope)) return fail(session, record, *error);
    if (auto error = check_within(std::get<KeyScope>(scope), *key)) {
        return fail(session, record, *error);
    }
    context_.keys.create(
        key->account_id, key->key_id, std::get<KeyScope>(std::move(scope)), actor_of(*key),
        on_session<CreatedKey>(session, record, [session](CreatedKey& created, AccessRecord& rec) {
            if (created.result != AuthResult::ok) {
                return fail(session, rec, api_error_from(created.result));
            }
            auto reply = key_json(created.key);
            reply["key"] = created.plaintext;  // the only time the key is ever shown
            answer(session, rec, json_reply(http::status::created, reply.dump(), rec.request_id));
        }));
}

void PublicApi::list_sub_keys(const SessionPtr& session, const Request& request,
                              AccessRecord& record) {
    auto key = authenticate_manager(session, request, record);
    if (!key) return;
    context_.keys.list_descendants(
        key->key_id,
        on_session<KeyList>(session, record, [session](KeyList& list, AccessRecord& rec) {
            if (list.result != AuthResult::ok)
                return fail(session, rec, api_error_from(list.result));
            nlohmann::json data = nlohmann::json::array();
            for (const auto& sub_key : list.keys) data.push_back(key_json(sub_key));
            answer(session, rec,
                   json_reply(http::status::ok,
                              nlohmann::json{{"object", "list"}, {"data", std::move(data)}}.dump(),
                              rec.request_id));
        }));
}

void PublicApi::update_sub_key(const SessionPtr& session, const Request& request,
                               AccessRecord& record, std::int64_t key_id) {
    auto key = authenticate_manager(session, request, record);
    if (!key) return;
    if (key_id == key->key_id || !context_.keys.descends_from(key_id, key->key_id)) {
        return fail(session, record, no_such_key(key_id));
    }
    context_.keys.get(
        key_id, on_session<KeyChange>(
                    session, record,
                    [&keys = context_.keys, session, body = request.body(), minter = *key](
                        KeyChange& found, AccessRecord& rec) {
                        if (found.result != AuthResult::ok) {
                            return fail(session, rec, api_error_from(found.result));
                        }
                        auto scope = key_scope_from_body(body, found.key.scope);
                        if (auto* error = std::get_if<ApiError>(&scope)) {
                            return fail(session, rec, *error);
                        }
                        if (auto error = check_within(std::get<KeyScope>(scope), minter)) {
                            return fail(session, rec, *error);
                        }
                        keys.update(
                            found.key.record.id, std::get<KeyScope>(std::move(scope)),
                            actor_of(minter),
                            on_session<KeyChange>(
                                session, rec, [session](KeyChange& changed, AccessRecord& r) {
                                    if (changed.result != AuthResult::ok) {
                                        return fail(session, r, api_error_from(changed.result));
                                    }
                                    answer(session, r,
                                           json_reply(http::status::ok,
                                                      key_json(changed.key).dump(), r.request_id));
                                }));
                    }));
}

void PublicApi::revoke_sub_key(const SessionPtr& session, const Request& request,
                               AccessRecord& record, std::int64_t key_id) {
    auto key = authenticate_manager(session, request, record);
    if (!key) return;
    if (key_id == key->key_id || !context_.keys.descends_from(key_id, key->key_id)) {
        return fail(session, record, no_such_key(key_id));
    }
    context_.keys.revoke(
        key_id, actor_of(*key),
        on_session<KeyChange>(
            session, record, [session, key_id](KeyChange& revoked, AccessRecord& rec) {
                if (revoked.result != AuthResult::ok) {
                    return fail(session, rec, api_error_from(revoked.result));
                }
                const nlohmann::json reply = {{"id", key_id},
                                              {"object", "api_key"},
                                              {"revoked", true},
                                              {"revoked_ids", revoked.revoked_ids}};
                answer(session, rec, json_reply(http::status::ok, reply.dump(), rec.request_id));
            }));
}

}  // namespace creditgate
