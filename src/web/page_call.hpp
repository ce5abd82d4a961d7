#pragma once
// Internal to the web module: one page request in progress, and the helpers every page route
// shares (reply once and log, the HTML error page, hopping back from the writer thread).
#include <boost/asio/post.hpp>

#include <functional>
#include <optional>
#include <string>

#include "creditgate/web/form_fields.hpp"
#include "creditgate/web/html_page.hpp"
#include "creditgate/web/web_pages.hpp"

namespace creditgate {

struct WebPages::Call {
    SessionPtr session;
    Request request;
    AccessRecord record;
    boost::asio::ip::address client;

    // Logs the request and sends the reply: exactly once per call.
    void reply(Response&& response) {
        record.status = response.result_int();
        log_access(record);
        session->reply(std::move(response));
    }
    void fail(const ApiError& error) {
        record.error_code = code_name(error.code);
        reply(html_error_page(error, record.request_id));
    }
    void page(http::status status, std::string_view title, std::string body_html,
              HtmlOptions options = {}) {
        reply(
            html_page(status, title, std::move(body_html), record.request_id, std::move(options)));
    }
    void redirect(std::string location) {
        reply(redirect_to(std::move(location), record.request_id));
    }
    // The POST body's fields; nullopt after answering 400 when the body does not parse.
    std::optional<FormFields> form() {
        auto fields = FormFields::parse(request.body());
        if (!fields) fail(api_error(ErrorCode::invalid_request, "The form could not be read."));
        return fields;
    }
    // Writer-thread callbacks hop back to this connection's thread.
    template <typename T>
    Callback<T> on_session(std::function<void(T&)> fn) {
        return [keep = session, fn = std::move(fn)](T value) mutable {
            net::post(keep->executor(),
                      [fn = std::move(fn), value = std::move(value)]() mutable { fn(value); });
        };
    }
};

// The hidden CSRF field every page form carries.
std::string csrf_field(const std::string& csrf_token);

}  // namespace creditgate
