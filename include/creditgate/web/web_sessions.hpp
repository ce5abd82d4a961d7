#pragma once
// Browser sessions on the user's pages. The cookie `cg_session` carries 32 random bytes
// (base64url); the store keeps only their SHA-256. Every POST from a page carries the CSRF token
// derived from the cookie (hidden field `csrf`), compared in constant time. Lookups and changes
// run on the ledger's writer queue, behind every key change already made, so a session whose
// key was revoked is seen signed out at once.
#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "creditgate/http/session.hpp"
#include "creditgate/ledger/ledger.hpp"

namespace creditgate {

inline constexpr std::string_view kSessionCookieName = "cg_session";
inline constexpr std::int64_t kSessionLifetimeMs = 12LL * 3600 * 1000;

struct SignedIn {
    std::int64_t account_id = 0;
    std::optional<std::int64_t> key_id;  // signed in with this key; none: with a sign-in link
    std::string csrf_token;
    std::string id_hash;  // the stored session, to end it
};

struct SessionOutcome {
    bool answered = false;  // false: the store failed (503), nothing is known
    std::optional<SignedIn> signed_in;
    std::string cookie_token;  // a session just started: the cookie's value, sent once
};

// Hex SHA-256 of "csrf:" + the cookie's token.
std::string csrf_token_for(std::string_view cookie_token);
// Constant-time equality of two secrets (CRYPTO_memcmp); different lengths are unequal.
bool same_secret(std::string_view presented, std::string_view expected);
// The cg_session cookie of the request's Cookie header(s), if any.
std::optional<std::string> session_cookie_of(const Request& request);
// Whether the cookie must be Secure: always, except to a client on a loopback address (the
// listener speaks plain HTTP; browsers refuse Secure cookies over plain HTTP to localhost only
// in some versions, and a loopback peer is a developer or a TLS proxy on the same host).
bool cookie_needs_secure(const boost::asio::ip::address& client);
// Set-Cookie values: a new session's cookie, and one that deletes it.
std::string session_set_cookie(std::string_view token, bool secure);
std::string session_clear_cookie(bool secure);

class WebSessions {
  public:
    explicit WebSessions(Ledger& ledger) : ledger_(ledger) {}

    // The request's live session: signed out when there is no cookie, the session is unknown,
    // ended or expired, or the key it was started with is revoked (the session is then ended).
    void current(const Request& request, Callback<SessionOutcome> done);
    // A new session for the account (and the key signed in with).
    void start(std::int64_t account_id, std::optional<std::int64_t> key_id,
               Callback<SessionOutcome> done);
    // Uses the one-time sign-in link (unknown, used or expired: signed_in empty) and starts a
    // session for its account in the same transaction.
    void start_from_link(std::string link_token, Callback<SessionOutcome> done);
    void end(std::string id_hash, Callback<bool> done);

  private:
    void run(std::function<void(Store&, SessionOutcome&)> work, Callback<SessionOutcome> done);

    Ledger& ledger_;
};

}  // namespace creditgate
