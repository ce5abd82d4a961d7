#include "creditgate/store/writer.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "creditgate/observe/thread_name.hpp"

namespace creditgate {

Writer::Writer(std::unique_ptr<Store> store, std::function<void(Store&)> on_batch_lost,
               std::function<void()> on_committed)
    : store_(std::move(store)),
      on_batch_lost_(std::move(on_batch_lost)),
      on_committed_(on_committed ? std::move(on_committed) : [] {}) {}

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
}

void Writer::submit(WriterJob job) {
    {
        std::lock_guard lock(mutex_);
        if (accepting_) {
            queue_.push_back(std::move(job));
            wake_.notify_one();
            return;
        }
    }
    job.finish(false);
}

void Writer::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        wake_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
}

void Writer::run() {
    name_this_thread(kThreadName);
    std::deque<WriterJob> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {  // stopping and drained
                accepting_ = false;
                return;
            }
            while (!queue_.empty() && batch.size() < kMaxBatch) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        run_batch(batch);
        batch.clear();
    }
}

namespace {
// A job's own failure, told apart from the transaction's.
struct JobFailed {};
}  // namespace

void Writer::run_batch(std::deque<WriterJob>& batch) {
    // A batch is one transaction. Jobs fail only on store errors (disk full, I/O error, a
    // constraint), which are rare; when one does, the whole transaction is rolled back, memory
    // is rebuilt from the store (the failed job, or a job before it, may already have changed
    // it: a sweep inside a job, say) and the batch runs again without that job. So a failing
    // job undoes only itself, in the store and in memory, with no savepoint per job (which
    // cost ~18 % of the writer's CPU).
    std::vector<bool> failed(batch.size(), false);
    bool committed = false;
    int commit_attempts = 0;
    while (!committed && commit_attempts < 3) {
        try {
            store_->begin();
            for (std::size_t i = 0; i < batch.size(); ++i) {
                if (failed[i]) continue;
                try {
                    batch[i].apply(*store_);
                } catch (const StoreError& e) {
                    spdlog::error(R"({{"event":"store_operation_failed","error":"{}"}})", e.what());
                    failed[i] = true;
                    throw JobFailed{};
                }
            }
            store_->commit();
            committed = true;
        } catch (const JobFailed&) {
            undo_batch();
        } catch (const StoreError& e) {
            // BEGIN or COMMIT failed: the disk may be momentarily full or locked by a backup.
            spdlog::error(R"({{"event":"store_commit_failed","attempt":{},"error":"{}"}})",
                          commit_attempts + 1, e.what());
            undo_batch();
            std::this_thread::sleep_for(std::chrono::milliseconds(50 << commit_attempts));
            ++commit_attempts;
        }
    }
    if (committed) on_committed_();
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].finish(committed && !failed[i]);
}

void Writer::undo_batch() {
    try {
        store_->rollback();
    } catch (const StoreError&) {
        // SQLite may have rolled back already (after an I/O error, say).
    }
    on_batch_lost_(*store_);
}

}  // namespace creditgate
