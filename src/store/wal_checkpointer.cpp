#include "wal_checkpointer.hpp"

#include <sqlite3.h>

#include "creditgate/observe/event_log.hpp"
#include "creditgate/observe/thread_name.hpp"
#include "creditgate/store/store.hpp"

namespace creditgate {

WalCheckpointer::WalCheckpointer(const std::string& path, const char* synchronous,
                                 int soft_limit_pages, int hard_limit_pages)
    : soft_limit_pages_(soft_limit_pages),
      hard_limit_pages_(hard_limit_pages),
      next_request_at_(soft_limit_pages) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
        std::string message = std::string("open checkpointer connection: ") + sqlite3_errmsg(db_);
        sqlite3_close(db_);
        throw StoreError(message);
    }
    // A checkpoint syncs the WAL before copying it and the database after, as the connection's
    // synchronous level says: the same as the writer's.
    const std::string pragma = std::string("PRAGMA synchronous=") + synchronous;
    char* error = nullptr;
    if (sqlite3_exec(db_, pragma.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = std::string("checkpointer: ") + (error ? error : "unknown error");
        sqlite3_free(error);
        sqlite3_close(db_);
        throw StoreError(message);
    }
    thread_ = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
    sqlite3_close(db_);
}

void WalCheckpointer::attach(sqlite3* writer) {
    sqlite3_wal_hook(writer, &WalCheckpointer::on_commit, this);
}

int WalCheckpointer::on_commit(void* self, sqlite3* db, const char* schema, int wal_pages) {
    try {
        static_cast<WalCheckpointer*>(self)->after_commit(db, schema, wal_pages);
    } catch (...) {
        // Nothing may unwind through SQLite; a missed checkpoint is retried at the next commit.
    }
    // Always OK: an error here would make the COMMIT report failure although it happened.
    return SQLITE_OK;
}

void WalCheckpointer::after_commit(sqlite3* db, const char* schema, int wal_pages) {
    if (wal_pages < wal_pages_) next_request_at_ = soft_limit_pages_;  // the WAL started over
    wal_pages_ = wal_pages;
    if (wal_pages >= hard_limit_pages_) {
        // The background checkpoints did not catch up with the writer: copy the rest here,
        // with no commit in between, so that the next transaction can start the WAL over.
        // PASSIVE, so it never waits for a reader (a backup): what a reader still needs stays.
        // The checkpoint lock never waits (two at once make one SQLITE_BUSY): while a
        // background checkpoint runs, let the next commits try again, up to soft_limit_pages
        // past the bound; beyond that, wait for it to end.
        {
            std::unique_lock lock(mutex_);
            if (background_running_ && wal_pages < hard_limit_pages_ + soft_limit_pages_) return;
            writer_waiting_ = true;
            idle_.wait(lock, [this] { return !background_running_; });
        }
        int log = 0, copied = 0;
        const int rc =
            sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
        {
            std::lock_guard lock(mutex_);
            writer_waiting_ = false;
        }
        wake_.notify_one();  // a background checkpoint may have been asked for meanwhile
        // Busy: another process is checkpointing; the next commit tries again.
        if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
            log_event(
                spdlog::level::warn, "wal_checkpoint_failed",
                {{"where", "writer"}, {"wal_pages", wal_pages}, {"error", sqlite3_errmsg(db)}});
        }
        return;
    }
    if (wal_pages < next_request_at_) return;
    next_request_at_ = wal_pages + soft_limit_pages_;
    {
        std::lock_guard lock(mutex_);
        requested_ = true;
    }
    wake_.notify_one();
}

void WalCheckpointer::run() {
    name_this_thread("cg-checkpoint");
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || (requested_ && !writer_waiting_); });
        if (stopping_) return;
        requested_ = false;
        background_running_ = true;
        lock.unlock();
        int log = 0, copied = 0;
        // PASSIVE: copies what it can without waiting for, or blocking, the writer.
        const int rc =
            sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY) {  // busy: another process checkpoints
            log_event(spdlog::level::warn, "wal_checkpoint_failed",
                      {{"where", "checkpointer"}, {"error", sqlite3_errmsg(db_)}});
        }
        lock.lock();
        background_running_ = false;
        idle_.notify_all();
    }
}

}  // namespace creditgate
