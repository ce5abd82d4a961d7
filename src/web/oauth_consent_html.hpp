#pragma once
// Internal to web: the consent page's parts. What the app asks for is shown to everyone; the
// form that narrows and approves it only to a signed-in user, and the sign-in form otherwise.
#include <string>

#include "oauth_authorize_request.hpp"

namespace creditgate {

// The app (#app-name, its logo when it has one) and the limits it proposes (#proposed).
std::string consent_summary_html(const ValidAuthorization& authorization);
// The form POST /oauth/authorize: the request's parameters hidden, the narrowing fields, and
// Approve / Deny.
std::string consent_form_html(const ValidAuthorization& authorization,
                              const std::string& csrf_token);
// The sign-in form (POST /sign-in), coming back to `next` (this authorize URL).
std::string consent_sign_in_html(const std::string& next);

}  // namespace creditgate
