#include "creditgate/store/writer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>

#include "creditgate/observe/event_log.hpp"
#include "creditgate/observe/thread_name.hpp"

namespace creditgate {

Writer::Writer(std::unique_ptr<Store> store, std::function<void()> on_committed)
    : store_(std::move(store)), on_committed_(on_committed ? std::move(on_committed) : [] {}) {}

Writer::~Writer() {
    stop();
}

void Writer::with_store_before_start(const std::function<void(Store&)>& fn) {
    fn(*store_);
}

void Writer::start() {
    {
        std::lock_guard lock(mutex_);
        accepting_ = true;
    }
    thread_ = std::thread([this] { run(); });
    boost::asio::post(notifier_, [] { name_this_thread(kNotifierThreadName); });
}

WriteSeq Writer::submit(WriterJob job) {
    {
        std::lock_guard lock(mutex_);
        if (accepting_) {
            const auto seq = next_seq_++;
            queue_.push_back({seq, std::move(job)});
            queued_.store(queue_.size(), std::memory_order_relaxed);
            if (queue_.size() == 1) wake_.notify_one();  // the writer sleeps only on an empty queue
            return seq;
        }
    }
    if (job.finish) job.finish(false);
    return 0;
}

void Writer::when_durable(WriteSeq seq, std::function<void(bool)> fn) {
    {
        std::lock_guard lock(mutex_);
        if (!durable(seq)) {
            if (accepting_ || !queue_.empty()) {
                waiters_.emplace(seq, std::move(fn));
                return;
            }
            // Stopped before it committed.
            fn(false);
            return;
        }
    }
    fn(true);
}

void Writer::stop(std::int64_t give_up_ms) {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        give_up_ms_ = give_up_ms;
        wake_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
    notifier_.join();  // every callback handed to it has run
}

void Writer::run() {
    name_this_thread(kThreadName);
    std::deque<Queued> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {  // stopping and drained
                accepting_ = false;
                break;
            }
            const auto take = std::min(queue_.size(), kMaxBatch);
            std::move(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take),
                      std::back_inserter(batch));
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
            queued_.store(queue_.size(), std::memory_order_relaxed);
        }
        if (!run_batch(batch)) {
            // Stopping with a store that will not commit: nothing more can be made durable.
            std::unique_lock lock(mutex_);
            accepting_ = false;
            std::move(queue_.begin(), queue_.end(), std::back_inserter(batch));
            queue_.clear();
            lock.unlock();
            log_event(spdlog::level::critical, "ledger_records_lost",
                      {{"jobs", batch.size()},
                       {"first_seq", batch.front().seq},
                       {"last_seq", batch.back().seq},
                       {"why", "the store kept failing while stopping; never committed"}});
            finish_batch(batch, std::vector<bool>(batch.size(), false), false);
            batch.clear();
            break;
        }
        batch.clear();
    }
    // Whoever still waits hears that it will not become durable.
    std::multimap<WriteSeq, std::function<void(bool)>> left;
    {
        std::lock_guard lock(mutex_);
        left.swap(waiters_);
    }
    if (left.empty()) return;
    // After the callbacks of every committed batch (stop() joins the notifier after this thread).
    boost::asio::post(notifier_, [this, left = std::move(left)] {
        for (const auto& [seq, fn] : left) fn(durable(seq));
    });
}

namespace {
// A query's own failure, told apart from the store's.
struct QueryFailed {};
}  // namespace

// A batch is one transaction. A query that throws is left out and the batch runs again at
// once. Anything else that throws (BEGIN, COMMIT, a record's SQL) is the store failing: the
// batch is rolled back and retried with a growing pause until it commits, because the records
// describe money that memory has already moved. Returns false only when stopping with a store
// that failed for longer than give_up_ms.
bool Writer::run_batch(std::deque<Queued>& batch) {
    std::vector<bool> failed(batch.size(), false);
    int attempt = 0;
    std::chrono::steady_clock::time_point stopping_since{};
    running_batch_last_ = batch.back().seq;
    for (;;) {
        try {
            store_->begin();
            for (std::size_t i = 0; i < batch.size(); ++i) {
                if (failed[i]) continue;
                auto& job = batch[i].job;
                if (job.kind == WriterJob::Kind::record) {
                    job.apply(*store_);
                    continue;
                }
                try {
                    job.apply(*store_);
                } catch (const StoreError& e) {
                    log_event(spdlog::level::err, "store_query_failed", {{"error", e.what()}});
                    failed[i] = true;
                    throw QueryFailed{};
                }
            }
            store_->commit();
            break;
        } catch (const QueryFailed&) {
            rollback();
        } catch (const StoreError& e) {
            rollback();
            ++attempt;
            commits_failing_.store(true, std::memory_order_relaxed);
            log_event(spdlog::level::err, "store_commit_failed",
                      {{"attempt", attempt}, {"error", e.what()}});
            bool stopping = false;
            {
                std::lock_guard lock(mutex_);
                stopping = stopping_;
            }
            const auto now = std::chrono::steady_clock::now();
            if (stopping) {
                if (stopping_since == std::chrono::steady_clock::time_point{}) stopping_since = now;
                if (now - stopping_since >= std::chrono::milliseconds(give_up_ms_)) return false;
            }
            std::this_thread::sleep_for(
                std::chrono::milliseconds(std::min(10 << std::min(attempt, 7), 1000)));
        }
    }
    if (commits_failing_.exchange(false, std::memory_order_relaxed)) {
        log_event(spdlog::level::warn, "store_commit_recovered", {{"attempts", attempt + 1}});
    }
    on_committed_();
    durable_seq_.store(batch.back().seq, std::memory_order_release);
    finish_batch(batch, failed, true);
    return true;
}

void Writer::finish_batch(std::deque<Queued>& batch, const std::vector<bool>& failed,
                          bool committed) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (batch[i].job.finish) batch[i].job.finish(committed && !failed[i]);
    }
    if (!committed) return;
    std::vector<std::function<void(bool)>> due;
    {
        std::lock_guard lock(mutex_);
        const auto end = waiters_.upper_bound(batch.back().seq);
        for (auto it = waiters_.begin(); it != end; ++it) due.push_back(std::move(it->second));
        waiters_.erase(waiters_.begin(), end);
    }
    // The spent jobs go too: freeing what request threads allocated (the records' texts) cost
    // the writer several per cent of its CPU, partly waiting on those threads' malloc arenas.
    boost::asio::post(notifier_, [due = std::move(due), spent = std::move(batch)] {
        for (const auto& fn : due) fn(true);
    });
}

void Writer::rollback() {
    try {
        store_->rollback();
    } catch (const StoreError&) {
        // SQLite may have rolled back already (after an I/O error, say).
    }
}

}  // namespace creditgate
