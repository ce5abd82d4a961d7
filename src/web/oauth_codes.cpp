#include "creditgate/web/oauth_codes.hpp"

#include <nlohmann/json.hpp>

#include "creditgate/auth/api_key.hpp"
#include "creditgate/web/pkce.hpp"

namespace creditgate {

namespace {

// The code row keeps the approved scope in the grammar: the key's limits are made from it and
// from the signing-in key as it is when the code is redeemed (it may have narrowed since).
std::string stored_scope(const OAuthScope& approved) {
    return nlohmann::json{{"scope", render_oauth_scope(approved)}}.dump();
}

std::optional<OAuthScope> approved_scope(const std::string& stored) {
    const auto body = nlohmann::json::parse(stored, nullptr, false);
    if (body.is_discarded() || !body.contains("scope") || !body["scope"].is_string()) {
        return std::nullopt;
    }
    auto parsed = parse_oauth_scope(body["scope"].get<std::string>());
    if (auto* scope = std::get_if<OAuthScope>(&parsed)) return *scope;
    return std::nullopt;
}

TokenOutcome refusal(TokenResult result, std::string why) {
    TokenOutcome outcome;
    outcome.result = result;
    outcome.description = std::move(why);
    return outcome;
}

std::string actor_of(const std::string& client_id) {
    return "oauth:" + client_id;
}

}  // namespace

// One exchange in progress: what the writer found, then the key minted for it.
struct OAuthCodes::Redemption {
    std::string code_hash;
    std::string client_id;
    TokenOutcome outcome;
    std::optional<std::int64_t> key_to_revoke;  // a replayed code's key
    std::int64_t account_id = 0;
    std::optional<std::int64_t> parent_key_id;
    KeyScope key_scope;
    bool replayed = false;
};

void OAuthCodes::find_client(std::string client_id,
                             Callback<std::optional<OAuthClientRecord>> done) const {
    auto client = std::make_shared<std::optional<OAuthClientRecord>>();
    ledger_.submit({[client, client_id = std::move(client_id)](Store& store) {
                        *client = store.find_oauth_client(client_id);
                    },
                    [client, done = std::move(done)](bool committed) {
                        done(committed ? std::move(*client) : std::nullopt);
                    }});
}

void OAuthCodes::issue(CodeGrant grant, Callback<std::optional<std::string>> done) const {
    auto code = std::make_shared<std::string>(random_token());
    const auto at_ms = now_ms();
    OAuthCodeRecord record{sha256_hex(*code),
                           std::move(grant.client_id),
                           std::move(grant.redirect_uri),
                           std::move(grant.code_challenge),
                           grant.account_id,
                           grant.parent_key_id,
                           stored_scope(grant.approved),
                           at_ms,
                           at_ms + kOAuthCodeLifetimeMs,
                           std::nullopt,
                           std::nullopt,
                           std::nullopt};
    ledger_.submit({[record = std::move(record)](Store& store) { store.insert_oauth_code(record); },
                    [code, done = std::move(done)](bool committed) {
                        done(committed ? std::optional<std::string>(std::move(*code))
                                       : std::nullopt);
                    }});
}

// Every check and the code's use happen in one writer job: two exchanges of one code are
// serialised there, and exactly one of them finds it unused.
void OAuthCodes::exchange(TokenRequest request, Callback<TokenOutcome> done) const {
    auto redemption = std::make_shared<Redemption>();
    redemption->code_hash = sha256_hex(request.code);
    redemption->client_id = request.client_id;
    ledger_.submit(
        {[redemption, request = std::move(request)](Store& store) {
             auto& r = *redemption;
             const auto hash = r.code_hash;
             const auto client_id = r.client_id;
             r = Redemption{};
             r.code_hash = hash;
             r.client_id = client_id;
             auto refuse = [&r](std::string why) {
                 r.outcome.result = TokenResult::invalid_grant;
                 r.outcome.description = std::move(why);
             };
             if (!store.find_oauth_client(client_id)) {
                 r.outcome = refusal(TokenResult::invalid_client, "The client is unknown.");
                 return;
             }
             const auto code = store.find_oauth_code(hash);
             const auto at_ms = now_ms();
             if (!code) return refuse("The code is unknown.");
             // RFC 6749 §4.1.2: a code used twice revokes what it was exchanged for.
             auto replay = [&] {
                 store.mark_oauth_code_replayed(hash, at_ms);
                 r.key_to_revoke = code->key_id;
                 r.replayed = true;
                 refuse("The code was used already; the key issued for it is revoked.");
             };
             if (code->used_at_ms) return replay();
             if (code->client_id != request.client_id) {
                 return refuse("The code was issued to another client.");
             }
             if (code->redirect_uri != request.redirect_uri) {
                 return refuse("redirect_uri differs from the one the code was sent to.");
             }
             if (at_ms >= code->expires_at_ms) return refuse("The code has expired.");
             if (!verifier_matches(request.code_verifier, code->code_challenge)) {
                 return refuse("code_verifier does not match the code_challenge.");
             }
             const auto approved = approved_scope(code->scope_json);
             const auto client = store.find_oauth_client(code->client_id);
             if (!approved || !client) return refuse("The code is no longer valid.");
             KeyScope minter;
             if (code->parent_key_id) {
                 const auto parent = store.find_key(*code->parent_key_id);
                 if (!parent || parent->revoked_at_ms) {
                     return refuse("The key that approved the code has been revoked.");
                 }
                 minter = key_scope_from_stored(parent->scope_json);
             }
             r.key_scope = key_scope_for(*approved, minter, client->name, at_ms);
             if (auto field = first_widened_field(r.key_scope, minter)) {
                 return refuse("The approved scope is wider than the approving key in '" + *field +
                               "'.");
             }
             // Only a request that passed every check uses the code up.
             if (!store.use_oauth_code(hash, at_ms)) return replay();
             r.account_id = code->account_id;
             r.parent_key_id = code->parent_key_id;
             r.outcome.scope = render_oauth_scope(*approved);
             if (r.key_scope.expires_at_ms) {
                 r.outcome.expires_in_s = (*r.key_scope.expires_at_ms - at_ms + 999) / 1000;
             }
             r.outcome.result = TokenResult::ok;
         },
         [self = *this, redemption, done = std::move(done)](bool committed) mutable {
             if (!committed) {
                 redemption->outcome =
                     refusal(TokenResult::unavailable, "The store is unavailable.");
                 return done(std::move(redemption->outcome));
             }
             if (redemption->key_to_revoke) {
                 // Answered once the key is revoked: the app's next call is refused.
                 return self.keys_.revoke(*redemption->key_to_revoke,
                                          actor_of(redemption->client_id),
                                          [redemption, done = std::move(done)](KeyChange) mutable {
                                              done(std::move(redemption->outcome));
                                          });
             }
             if (redemption->outcome.result != TokenResult::ok) {
                 return done(std::move(redemption->outcome));
             }
             self.mint(std::move(redemption), std::move(done));
         }});
}

void OAuthCodes::mint(std::shared_ptr<Redemption> redemption, Callback<TokenOutcome> done) const {
    const auto account_id = redemption->account_id;
    const auto parent = redemption->parent_key_id;
    auto scope = redemption->key_scope;
    const auto actor = actor_of(redemption->client_id);
    keys_.create(
        account_id, parent, std::move(scope), actor,
        [self = *this, redemption = std::move(redemption),
         done = std::move(done)](CreatedKey created) mutable {
            if (created.result == AuthResult::unavailable) {
                return done(refusal(TokenResult::unavailable, "The store is unavailable."));
            }
            if (created.result != AuthResult::ok) {
                return done(refusal(TokenResult::invalid_grant,
                                    "No key could be issued: the account has too many "
                                    "keys or is gone."));
            }
            self.record_key(std::move(redemption), std::move(created), std::move(done));
        });
}

// Links the key to its code. A second use that came between the code's use and this (it found
// no key to revoke) has marked the code replayed: the key is revoked here instead.
void OAuthCodes::record_key(std::shared_ptr<Redemption> redemption, CreatedKey created,
                            Callback<TokenOutcome> done) const {
    const auto key_id = created.key.record.id;
    redemption->outcome.access_token = std::move(created.plaintext);
    ledger_.submit(
        {[redemption, key_id](Store& store) {
             store.set_oauth_code_key(redemption->code_hash, key_id);
             const auto code = store.find_oauth_code(redemption->code_hash);
             redemption->replayed = code && code->replayed_at_ms;
         },
         [self = *this, redemption, key_id, done = std::move(done)](bool committed) mutable {
             if (committed && !redemption->replayed) return done(std::move(redemption->outcome));
             // Unlinked (the store failed) or replayed: the key is revoked before the reply.
             auto outcome =
                 committed ? refusal(TokenResult::invalid_grant,
                                     "The code was used twice; the key issued for it is revoked.")
                           : refusal(TokenResult::unavailable, "The store is unavailable.");
             self.keys_.revoke(key_id, actor_of(redemption->client_id),
                               [outcome = std::move(outcome), done = std::move(done)](
                                   KeyChange) mutable { done(std::move(outcome)); });
         }});
}

}  // namespace creditgate
