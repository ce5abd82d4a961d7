#include "creditgate/upstream/pool.hpp"

namespace creditgate {

std::unique_ptr<UpstreamConnection> UpstreamPool::take_idle() {
    while (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        if (connection->usable_when_idle()) {
            connection->stop_watching_idle();
            return connection;
        }
        connection->close();  // the provider closed it while idle
    }
    return nullptr;
}

std::unique_ptr<UpstreamConnection> UpstreamPool::make_new() {
    return std::make_unique<UpstreamConnection>(executor_, provider_, tls_.get());
}

void UpstreamPool::give_back(std::unique_ptr<UpstreamConnection> connection) {
    if (!connection || !connection->is_open()) return;
    if (retired_) return connection->close();
    if (idle_.size() >= kMaxIdle) return connection->close();
    connection->watch_idle();
    idle_.push_back(std::move(connection));
}

}  // namespace creditgate
