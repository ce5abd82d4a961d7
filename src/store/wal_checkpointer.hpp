#pragma once
// Checkpoints a WAL-mode SQLite database from its own connection and thread, so that the
// writer's commits never run a checkpoint (and its fsyncs) themselves.
//
// SQLite's default auto-checkpoint runs inside the COMMIT that pushes the WAL past 1000 pages,
// on the writer thread: that commit, and every request waiting for it, stalls for the copy and
// two fsyncs. Instead, the writer connection's WAL hook (called after each commit) tells this
// thread how long the WAL is, and it runs PASSIVE checkpoints, which never block the writer.
//
// The bound: the WAL file only starts over when a write transaction begins with every frame
// already copied. Under sustained load the background checkpoints never quite catch up (the
// writer keeps appending while they copy), so once the WAL reaches `hard_limit_pages` the
// writer's hook runs a PASSIVE checkpoint itself, between two transactions: one short stall
// (the background thread has already copied almost everything), and the next transaction
// starts the WAL over. If a background checkpoint is running then, the following commits try
// again, and past `hard_limit_pages + soft_limit_pages` the hook waits for it to end. A reader
// that keeps an old snapshot (a backup) holds the WAL back whatever we do; nothing here waits
// for it, and once it lets go the next checkpoint has all of that to copy (as with SQLite's own
// auto-checkpoint).
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace creditgate {

class WalCheckpointer {
  public:
    // Half SQLite's own auto-checkpoint size: each background checkpoint is a burst of copying
    // (and a WAL fsync) that competes with requests; shorter bursts took the added p99 at one
    // connection from ~4 ms to ~1.5 ms on a 2-core VM (docs/performance.md).
    static constexpr int kDefaultSoftLimitPages = 500;
    static constexpr int kDefaultHardLimitPages = 16000;  // 62.5 MiB with 4 KiB pages

    // Opens a second connection to `path` (already in WAL mode) with the same `synchronous`
    // level as the writer's ("NORMAL" or "FULL"), so checkpoints sync the same way. Throws
    // StoreError.
    WalCheckpointer(const std::string& path, const char* synchronous,
                    int soft_limit_pages = kDefaultSoftLimitPages,
                    int hard_limit_pages = kDefaultHardLimitPages);
    // Stops the thread and closes its connection (which, as the last one, may checkpoint).
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // Installs the WAL hook on the writer's connection, replacing SQLite's auto-checkpoint.
    // The hook runs on the thread that commits. Close `writer` before destroying this object.
    void attach(sqlite3* writer);

  private:
    static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
    void after_commit(sqlite3* db, const char* schema, int wal_pages);
    void run();

    sqlite3* db_ = nullptr;
    const int soft_limit_pages_;
    const int hard_limit_pages_;

    std::mutex mutex_;
    std::condition_variable wake_;  // the thread: a checkpoint is asked for, or stop
    std::condition_variable idle_;  // the writer's hook: the background checkpoint ended
    // Writer thread only (the hook): frames in the WAL after the latest commit, and the count
    // at which the next background checkpoint is asked for.
    int wal_pages_ = 0;
    int next_request_at_ = 0;

    bool requested_ = false;
    bool background_running_ = false;
    bool writer_waiting_ = false;  // the hook checkpoints itself: the thread must not start one
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace creditgate
