#pragma once
// The one thread that owns the write connection: a durable log behind the ledger's memory.
//
// The ledger decides in memory and appends what it decided here, in the order it decided it.
// The writer commits queued jobs in groups (one transaction per batch, many requests' records
// in each), and tells waiters when a sequence number is durable. A record is never dropped: a
// batch whose commit fails is rolled back and run again, with a growing pause, until it commits;
// meanwhile healthy() is false so the ledger refuses new admissions.
#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "creditgate/store/store.hpp"

namespace creditgate {

struct WriterJob {
    enum class Kind {
        // Writes what memory already holds. Retried with its batch until it commits: a failure
        // is the store's (disk full, I/O error), never the job's own.
        record,
        // Reads, or writes whose outcome the caller learns from finish (API keys). One that
        // throws fails alone: its batch runs again without it.
        query,
    };
    // Runs on the writer thread inside the batch transaction; may run more than once (every
    // retry of its batch runs it again after the rollback), so it must only touch the store.
    std::function<void(Store&)> apply;
    // Runs once on the writer thread after the batch, in queue order: committed is false only
    // for a query that failed, or for anything left when the writer stops with a failing store.
    // Must not block; it may submit further jobs.
    std::function<void(bool committed)> finish;
    Kind kind = Kind::query;
};

using WriteSeq = std::uint64_t;

class Writer {
  public:
    static constexpr std::size_t kMaxBatch = 1024;
    // Past this many queued jobs the writer reports itself unhealthy (new requests get 503)
    // instead of growing without bound while the disk cannot keep up.
    static constexpr std::size_t kMaxQueued = 200'000;
    static constexpr const char* kThreadName = "cg-ledger";  // as top, perf and gdb show it
    static constexpr const char* kNotifierThreadName = "cg-durable";

    // on_committed runs on the writer thread after each committed batch, before the jobs'
    // finish callbacks: what must be said only once work is durable (log lines) is said there.
    explicit Writer(std::unique_ptr<Store> store, std::function<void()> on_committed = {});
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    // Runs `fn` on the calling thread with exclusive access to the store, before start().
    void with_store_before_start(const std::function<void(Store&)>& fn);
    void start();
    // Thread-safe. Returns the job's sequence number (rising by one per job), or 0 when the
    // writer no longer accepts jobs (stopping): then finish(false) has already run.
    WriteSeq submit(WriterJob job);
    // True once every job up to `seq` has committed. Lock-free: the request path asks it.
    bool durable(WriteSeq seq) const { return durable_seq_.load(std::memory_order_acquire) >= seq; }
    // fn(true) once `seq` is durable: at once on the calling thread when it already is, else
    // after the commit on the notifier thread (in sequence order). fn(false) if the writer stops
    // before that. fn must not block.
    void when_durable(WriteSeq seq, std::function<void(bool)> fn);
    // False while commits fail or the queue is over kMaxQueued.
    // On the writer thread, while a job's apply runs: the last sequence number of its batch
    // (the same on every retry). A record learns from it whether a later record shares its
    // transaction.
    WriteSeq running_batch_last() const { return running_batch_last_; }
    bool healthy() const {
        return !commits_failing_.load(std::memory_order_relaxed) &&
               queued_.load(std::memory_order_relaxed) < kMaxQueued;
    }
    // Commits everything queued, then joins the thread. With a store that keeps failing it
    // gives up after `give_up_ms` of retries, logging what is lost.
    void stop(std::int64_t give_up_ms = 5'000);

  private:
    struct Queued {
        WriteSeq seq = 0;
        WriterJob job;
    };
    void run();
    bool run_batch(std::deque<Queued>& batch);
    void finish_batch(std::deque<Queued>& batch, const std::vector<bool>& failed, bool committed);
    void rollback();

    std::unique_ptr<Store> store_;
    std::function<void()> on_committed_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Queued> queue_;
    std::multimap<WriteSeq, std::function<void(bool)>> waiters_;
    WriteSeq next_seq_ = 1;
    std::atomic<WriteSeq> durable_seq_{0};
    std::atomic<std::size_t> queued_{0};
    std::atomic<bool> commits_failing_{false};
    // One thread that runs durability callbacks, off the writer thread: each typically wakes
    // another thread (a post to a client's I/O thread), and those wake-ups were a fifth of the
    // writer's CPU per hold+settle when the writer made them itself (bench/ledger_bench).
    boost::asio::thread_pool notifier_{1};
    bool stopping_ = false;
    WriteSeq running_batch_last_ = 0;  // writer thread only
    std::int64_t give_up_ms_ = 5'000;
    bool accepting_ = false;  // false before start() and once the thread has drained and left
    std::thread thread_;
};

}  // namespace creditgate
