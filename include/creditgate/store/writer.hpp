#pragma once
// The one thread that owns the write connection. Operations are queued and committed in groups
// (group commit): one transaction per batch, so the request path never waits on a transaction
// of its own and SQLite never sees two writers. One failing operation never undoes the others.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "creditgate/store/store.hpp"

namespace creditgate {

struct WriterJob {
    // Runs on the writer thread inside the batch transaction. Throws StoreError to fail (its SQL
    // is undone). It must change in-memory state only after its SQL succeeded, and may run more
    // than once: when a job of the batch fails, the batch is rolled back, memory is rebuilt
    // (on_batch_lost) and the other jobs run again.
    std::function<void(Store&)> apply;
    // Runs on the writer thread after the batch: committed = false if apply threw or the commit
    // failed (three times). Must not block; post the result to the caller's executor.
    std::function<void(bool committed)> finish;
};

class Writer {
  public:
    static constexpr std::size_t kMaxBatch = 1024;
    static constexpr const char* kThreadName = "cg-ledger";  // as top, perf and gdb show it

    // on_batch_lost runs on the writer thread when a batch is rolled back after jobs changed
    // memory: the owner rebuilds its in-memory state from the store. on_committed runs on the
    // writer thread after each committed batch, before the jobs' finish callbacks: what jobs
    // want said only once their work is durable (log lines) is said there.
    Writer(std::unique_ptr<Store> store, std::function<void(Store&)> on_batch_lost,
           std::function<void()> on_committed = {});
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    // Runs `fn` on the calling thread with exclusive access to the store, before start().
    void with_store_before_start(const std::function<void(Store&)>& fn);
    void start();
    // Thread-safe. Jobs submitted after stop() began finish with committed = false.
    void submit(WriterJob job);
    // Commits everything queued, then joins the thread.
    void stop();

  private:
    void run();
    void run_batch(std::deque<WriterJob>& batch);
    void undo_batch();

    std::unique_ptr<Store> store_;
    std::function<void(Store&)> on_batch_lost_;
    std::function<void()> on_committed_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<WriterJob> queue_;
    bool stopping_ = false;
    bool accepting_ = false;  // false before start() and once the thread has drained and left
    std::thread thread_;
};

}  // namespace creditgate
