// POST /admin/reload: reads the config file again; the reply says what the reload did.
#include "admin_call.hpp"

namespace creditgate {

using namespace admin_detail;

void AdminApi::reload(const std::shared_ptr<Call>& call) {
    // No fields: the file on disk is the only input.
    auto body = object_body(call->request.body(), {});
    if (auto* error = std::get_if<ApiError>(&body)) return call->fail(*error);
    reload_(call->actor, call->on_session<ReloadOutcome>([call](ReloadOutcome& outcome) {
        if (!outcome.applied) {
            const std::string where = outcome.json_path.empty() ? "" : outcome.json_path + ": ";
            const std::string message =
                "The config file was not reloaded (the running config stays): " + where +
                outcome.reason;
            return call->fail(invalid(message, outcome.json_path));
        }
        call->reply(http::status::ok, {{"object", "config_reload"},
                                       {"price_version", outcome.price_version},
                                       {"previous_price_version", outcome.previous_price_version}});
    }));
}

}  // namespace creditgate
