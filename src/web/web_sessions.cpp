#include "creditgate/web/web_sessions.hpp"

#include <openssl/crypto.h>

#include <memory>

#include "creditgate/auth/api_key.hpp"

namespace creditgate {

namespace {

SignedIn signed_in_from(const WebSessionRecord& record, std::string_view cookie_token) {
    return SignedIn{record.account_id, record.key_id, csrf_token_for(cookie_token), record.id_hash};
}

// A new session row for the account; the outcome carries the cookie's token.
void insert_session(Store& store, std::int64_t account_id, std::optional<std::int64_t> key_id,
                    SessionOutcome& outcome) {
    auto token = random_token();
    WebSessionRecord record;
    record.id_hash = sha256_hex(token);
    record.account_id = account_id;
    record.key_id = key_id;
    record.created_at_ms = now_ms();
    record.expires_at_ms = record.created_at_ms + kSessionLifetimeMs;
    store.insert_web_session(record);
    outcome.signed_in = signed_in_from(record, token);
    outcome.cookie_token = std::move(token);
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
}

}  // namespace

std::string csrf_token_for(std::string_view cookie_token) {
    return sha256_hex("csrf:" + std::string(cookie_token));
}

bool same_secret(std::string_view presented, std::string_view expected) {
    return presented.size() == expected.size() &&
           CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

std::optional<std::string> session_cookie_of(const Request& request) {
    for (auto [it, end] = request.equal_range(http::field::cookie); it != end; ++it) {
        std::string_view rest = it->value();
        while (!rest.empty()) {
            auto semicolon = rest.find(';');
            auto pair = trimmed(rest.substr(0, semicolon));
            rest = semicolon == std::string_view::npos ? std::string_view()
                                                       : rest.substr(semicolon + 1);
            auto equals = pair.find('=');
            if (equals == std::string_view::npos) continue;
            if (trimmed(pair.substr(0, equals)) != kSessionCookieName) continue;
            auto value = trimmed(pair.substr(equals + 1));
            if (!value.empty()) return std::string(value);
        }
    }
    return std::nullopt;
}

bool cookie_needs_secure(const boost::asio::ip::address& client) {
    if (client.is_v6() && client.to_v6().is_v4_mapped()) {
        return !boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, client.to_v6())
                    .is_loopback();
    }
    return !client.is_loopback();
}

std::string session_set_cookie(std::string_view token, bool secure) {
    return std::string(kSessionCookieName) + "=" + std::string(token) +
           "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
           std::to_string(kSessionLifetimeMs / 1000) + (secure ? "; Secure" : "");
}

std::string session_clear_cookie(bool secure) {
    return std::string(kSessionCookieName) + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" +
           (secure ? "; Secure" : "");
}

void WebSessions::run(std::function<void(Store&, SessionOutcome&)> work,
                      Callback<SessionOutcome> done) {
    auto outcome = std::make_shared<SessionOutcome>();
    ledger_.submit({[outcome, work = std::move(work)](Store& store) {
                        *outcome = SessionOutcome{};  // a batch may run again
                        work(store, *outcome);
                        outcome->answered = true;
                    },
                    [outcome, done = std::move(done)](bool committed) {
                        if (!committed) *outcome = SessionOutcome{};
                        done(std::move(*outcome));
                    }});
}

void WebSessions::current(const Request& request, Callback<SessionOutcome> done) {
    auto token = session_cookie_of(request);
    // Longer than any token we issue: not ours, and not worth a hash.
    if (!token || token->size() > 128) {
        done(SessionOutcome{true, std::nullopt, {}});
        return;
    }
    run(
        [token = *token](Store& store, SessionOutcome& outcome) {
            const auto id_hash = sha256_hex(token);
            auto record = store.find_web_session(id_hash);
            const auto now = now_ms();
            if (!record || record->ended_at_ms || record->expires_at_ms <= now) return;
            if (record->key_id) {
                auto key = store.find_key(*record->key_id);
                if (!key || key->revoked_at_ms) {
                    store.end_web_session(id_hash, now);
                    return;
                }
            }
            outcome.signed_in = signed_in_from(*record, token);
        },
        std::move(done));
}

void WebSessions::start(std::int64_t account_id, std::optional<std::int64_t> key_id,
                        Callback<SessionOutcome> done) {
    run(
        [account_id, key_id](Store& store, SessionOutcome& outcome) {
            insert_session(store, account_id, key_id, outcome);
        },
        std::move(done));
}

void WebSessions::start_from_link(std::string link_token, Callback<SessionOutcome> done) {
    run(
        [hash = sha256_hex(link_token)](Store& store, SessionOutcome& outcome) {
            auto link = store.use_sign_in_link(hash, now_ms());
            if (!link) return;
            insert_session(store, link->account_id, std::nullopt, outcome);
        },
        std::move(done));
}

void WebSessions::end(std::string id_hash, Callback<bool> done) {
    run([id_hash = std::move(id_hash)](
            Store& store, SessionOutcome&) { store.end_web_session(id_hash, now_ms()); },
        [done = std::move(done)](SessionOutcome outcome) { done(outcome.answered); });
}

}  // namespace creditgate
