#pragma once
// Routes of the public, OpenAI-compatible listener for one I/O thread.
#include "creditgate/http/session.hpp"
#include "creditgate/proxy/context.hpp"

namespace creditgate {

class PublicApi final : public RequestHandler {
  public:
    PublicApi(net::any_io_executor executor, std::shared_ptr<const Config> config, Ledger& ledger,
              KeyRegistry& keys, std::atomic<int>& in_flight,
              const std::map<std::string, std::shared_ptr<ssl::context>>& tls_by_provider);

    void handle(const std::shared_ptr<HttpSession>& session, Request&& request) override;
    // Shutdown: closes pooled idle connections; call once this thread's loop has stopped.
    void close_idle_upstreams();

  private:
    void list_models(const std::shared_ptr<HttpSession>& session, const std::string& request_id);

    ProxyContext context_;
    std::string models_body_;  // built once: the price table does not change while serving
};

}  // namespace creditgate
