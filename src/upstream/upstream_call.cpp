#include "creditgate/upstream/upstream_call.hpp"

#include <openssl/crypto.h>

#include <boost/asio/error.hpp>

#include "creditgate/config/host_port.hpp"

namespace creditgate {

const char* to_string(UpstreamFailure failure) {
    switch (failure) {
        case UpstreamFailure::none:
            return "none";
        case UpstreamFailure::unreachable:
            return "unreachable";
        case UpstreamFailure::send_failed:
            return "send_failed";
        case UpstreamFailure::timeout:
            return "timeout";
        case UpstreamFailure::malformed:
            return "malformed";
    }
    return "malformed";
}

void set_provider_headers(const ProviderConfig& provider, UpstreamRequest& request,
                          const std::string* credential) {
    const bool default_port = (provider.scheme == "https" && provider.port == 443) ||
                              (provider.scheme == "http" && provider.port == 80);
    request.set(http::field::host, default_port ? bracketed_host(provider.host)
                                                : host_port(provider.host, provider.port));
    // The caller's own credentials never reach the provider: they are replaced, always.
    request.erase(http::field::authorization);
    request.erase("api-key");
    request.erase("x-api-key");
    for (const auto& [name, value] : provider.headers) request.set(name, value);
    if (!provider.anthropic_version.empty()) {
        request.set("anthropic-version", provider.anthropic_version);
    }
    const std::string& key = credential ? *credential : provider.api_key;
    if (key.empty()) return;
    switch (provider.auth) {
        case ProviderAuth::bearer:
            request.set(http::field::authorization, "Bearer " + key);
            break;
        case ProviderAuth::api_key_header:
            request.set("api-key", key);
            break;
        case ProviderAuth::x_api_key_header:
            request.set("x-api-key", key);
            break;
    }
}

std::string upstream_target(const ProviderConfig& provider, std::string_view path) {
    std::string target = provider.base_path;
    target += path;
    if (!provider.query.empty()) {
        target += '?';
        target += provider.query;
    }
    return target;
}

UpstreamCall::~UpstreamCall() {
    if (connection_) connection_->close();
    if (credential_) OPENSSL_cleanse(credential_->data(), credential_->size());
}

void UpstreamCall::start(std::shared_ptr<void> owner, std::function<void()> sent,
                         std::function<void(UpstreamFailure)> done) {
    owner_ = std::move(owner);
    on_sent_ = std::move(sent);
    done_ = std::move(done);
    set_provider_headers(pool_.provider(), request_, credential_ ? &*credential_ : nullptr);
    request_.keep_alive(true);
    request_.prepare_payload();
    attempt(false);
}

void UpstreamCall::attempt(bool fresh_connection) {
    started_ = std::chrono::steady_clock::now();
    // A retry must not reuse the connection that just failed (it would fail again, forever).
    connection_ = fresh_connection ? nullptr : pool_.take_idle();
    if (connection_) {
        reused_ = true;
        return on_connected({});
    }
    reused_ = false;
    connection_ = pool_.make_new();
    connection_->connect(timeouts_.connect,
                         [this, owner = owner_](beast::error_code ec) { on_connected(ec); });
}

void UpstreamCall::on_connected(beast::error_code ec) {
    if (ec) return complete(UpstreamFailure::unreachable);
    connection_->write(
        request_, timeouts_.idle,
        [this, owner = owner_](beast::error_code write_ec) { on_written(write_ec); });
}

void UpstreamCall::on_written(beast::error_code ec) {
    if (ec && retry_on_fresh(ec)) return;
    if (ec) return complete(UpstreamFailure::send_failed);
    if (!sent_) {
        sent_ = true;
        if (on_sent_) on_sent_();
    }
    parser_.emplace();
    parser_->body_limit(boost::none);  // the caller limits whole bodies; streams are timed
    parser_->header_limit(64 * 1024);
    connection_->read_header(
        *parser_, timeouts_.first_byte,
        [this, owner = owner_](beast::error_code read_ec) { on_header(read_ec); });
}

// A pooled connection the provider closed while it sat idle fails on the write, or reads an
// end of stream before any byte of a reply: the provider answered nothing, so one retry on a
// new connection cannot bill twice. A new connection is never retried.
bool UpstreamCall::retry_on_fresh(beast::error_code ec) {
    if (!reused_) return false;
    if (ec == beast::error::timeout) return false;
    connection_->close();
    attempt(true);
    return true;
}

void UpstreamCall::on_header(beast::error_code ec) {
    if (ec == beast::error::timeout) return complete(UpstreamFailure::timeout);
    if (ec &&
        (ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset) &&
        retry_on_fresh(ec)) {
        return;
    }
    if (ec) return complete(UpstreamFailure::malformed);
    time_to_header_ = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started_);
    complete(UpstreamFailure::none);
}

// The owner is held only while an operation is pending: never a cycle once the header is in.
void UpstreamCall::complete(UpstreamFailure failure) {
    auto keep = std::move(owner_);
    done_(failure);
}

void UpstreamCall::finish(bool reply_complete) {
    if (!connection_) return;
    if (reply_complete && parser_ && parser_->keep_alive()) {
        pool_.give_back(std::move(connection_));
    } else {
        connection_->close();
        connection_.reset();
    }
}

void UpstreamCall::cancel() {
    if (connection_) connection_->close();
}

}  // namespace creditgate
