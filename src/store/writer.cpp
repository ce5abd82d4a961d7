#include "creditgate/store/writer.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "creditgate/observe/thread_name.hpp"

namespace creditgate {

Writer::Writer(std::unique_ptr<Store> store, std::function<void(Store&)> on_batch_lost)
    : store_(std::move(store)), on_batch_lost_(std::move(on_batch_lost)) {}

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

void Writer::run_batch(std::deque<WriterJob>& batch) {
    std::vector<bool> applied(batch.size(), false);
    bool committed = run_in_one_piece(batch);
    if (committed) {
        applied.assign(batch.size(), true);
    } else {
        committed = run_job_by_job(batch, applied);
    }
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].finish(committed && applied[i]);
}

bool Writer::run_in_one_piece(std::deque<WriterJob>& batch) {
    // Jobs fail only on store errors (disk full, I/O error, a constraint), which are rare. So
    // the batch first runs without a savepoint per job (which costs ~18 % of the writer's CPU);
    // if any job fails, or the commit does, everything is undone and memory rebuilt, and
    // run_job_by_job gives each job its own fate.
    try {
        store_->begin();
        for (auto& job : batch) job.apply(*store_);
        store_->commit();
        return true;
    } catch (const StoreError&) {
        try {
            store_->rollback();
        } catch (const StoreError&) {
        }
        on_batch_lost_(*store_);
        return false;
    }
}

bool Writer::run_job_by_job(std::deque<WriterJob>& batch, std::vector<bool>& applied) {
    bool committed = false;
    // A failed commit is retried (the disk may be momentarily full or locked by a backup);
    // the jobs are applied again only if the whole transaction was rolled back.
    for (int attempt = 0; attempt < 3 && !committed; ++attempt) {
        try {
            store_->begin();
            for (std::size_t i = 0; i < batch.size(); ++i) {
                if (attempt > 0 && !applied[i]) continue;
                store_->savepoint();
                try {
                    batch[i].apply(*store_);
                    store_->release_savepoint();
                    applied[i] = true;
                } catch (const StoreError& e) {
                    spdlog::error(R"({{"event":"store_operation_failed","error":"{}"}})", e.what());
                    store_->rollback_to_savepoint();
                    applied[i] = false;
                }
            }
            store_->commit();
            committed = true;
        } catch (const StoreError& e) {
            spdlog::error(R"({{"event":"store_commit_failed","attempt":{},"error":"{}"}})",
                          attempt + 1, e.what());
            try {
                store_->rollback();
            } catch (const StoreError&) {
            }
            // Memory already reflects the applied jobs: rebuild it from what was committed.
            on_batch_lost_(*store_);
            std::this_thread::sleep_for(std::chrono::milliseconds(50 << attempt));
        }
    }
    return committed;
}

}  // namespace creditgate
