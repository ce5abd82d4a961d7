#pragma once
// Internal to web: the OAuth 2.0 endpoints, one file each; oauth_routes.cpp routes them.
#include "creditgate/web/web_pages.hpp"
#include "creditgate/web/web_sessions.hpp"

namespace creditgate {

// POST /oauth/token (oauth_token.cpp): a code and its PKCE verifier for a key.
void oauth_token(const WebContext& context, const WebPages::CallPtr& call);
// POST /oauth/revoke (oauth_revoke.cpp), RFC 7009.
void oauth_revoke(const WebContext& context, const WebPages::CallPtr& call);
// GET /oauth/authorize (oauth_authorize.cpp): the consent page, or the sign-in form on it.
void oauth_consent_page(const WebContext& context, const WebPages::CallPtr& call,
                        const std::optional<SignedIn>& signed_in);
// POST /oauth/authorize (oauth_authorize.cpp), the session and its CSRF token checked: approve
// (a code to the app) or deny.
void oauth_decision(const WebContext& context, const WebPages::CallPtr& call,
                    const SignedIn& signed_in);

}  // namespace creditgate
