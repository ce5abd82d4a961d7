#include "creditgate/store/sqlite_backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "creditgate/store/store.hpp"

namespace creditgate {

namespace {

namespace fs = std::filesystem;

std::string errno_text(const std::string& what) {
    return what + ": " + std::strerror(errno);
}

// One connection used by the backup only; closed (and checked) explicitly or on unwind.
class Connection {
  public:
    Connection(const std::string& path, int flags, std::string role) : role_(std::move(role)) {
        int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
        if (rc != SQLITE_OK) {
            std::string message = failure("open " + path);
            sqlite3_close(db_);
            db_ = nullptr;
            throw StoreError(message);
        }
        sqlite3_extended_result_codes(db_, 1);
    }
    ~Connection() {
        if (db_) sqlite3_close(db_);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    sqlite3* get() const { return db_; }

    std::string failure(const std::string& what) const {
        return role_ + ": " + what + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory");
    }

    void exec(const char* sql) {
        char* message = nullptr;
        if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
            std::string text = message ? message : sqlite3_errmsg(db_);
            sqlite3_free(message);
            throw StoreError(role_ + ": " + sql + ": " + text);
        }
    }

    // Every row's first column as text.
    std::vector<std::string> column(const char* sql) {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db_, sql, -1, &raw, nullptr) != SQLITE_OK) {
            throw StoreError(failure(sql));
        }
        std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
        std::vector<std::string> rows;
        int rc;
        while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
            rows.emplace_back(text ? text : "");
        }
        if (rc != SQLITE_DONE) throw StoreError(failure(sql));
        return rows;
    }

    std::int64_t single_int(const char* sql) {
        auto rows = column(sql);
        if (rows.size() != 1) throw StoreError(role_ + ": " + sql + ": expected one row");
        return std::stoll(rows.front());
    }

    void close() {
        if (sqlite3_close(db_) != SQLITE_OK) throw StoreError(failure("close"));
        db_ = nullptr;
    }

  private:
    std::string role_;
    sqlite3* db_ = nullptr;
};

// What a creditgate database holds, read in the connection's current transaction.
struct Contents {
    std::int64_t schema_version = 0;
    std::int64_t accounts = 0;
    std::int64_t entries = 0;
};

Contents read_contents(Connection& db) {
    Contents c;
    c.schema_version = db.single_int("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    c.accounts = db.single_int("SELECT COUNT(*) FROM accounts");
    c.entries = db.single_int("SELECT COUNT(*) FROM entries");
    return c;
}

// The .partial file and SQLite's side files next to it, removed unless the backup succeeded.
// Created with O_EXCL: a second backup to the same OUT fails instead of sharing the file.
class PartialFile {
  public:
    explicit PartialFile(std::string path) : path_(std::move(path)) {
        int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST) {
            throw StoreError(path_ +
                             " already exists: another backup to this file is running, or an "
                             "earlier one was interrupted (remove it and try again)");
        }
        if (fd < 0) throw StoreError(errno_text("create " + path_));
        ::close(fd);
    }
    ~PartialFile() {
        if (kept_) return;
        for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
            std::error_code ec;
            fs::remove(path_ + suffix, ec);
        }
    }
    PartialFile(const PartialFile&) = delete;
    PartialFile& operator=(const PartialFile&) = delete;

    const std::string& path() const { return path_; }
    void keep() { kept_ = true; }

  private:
    std::string path_;
    bool kept_ = false;
};

void fsync_path(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) throw StoreError(errno_text("open " + path + " for fsync"));
    int rc = ::fsync(fd);
    int saved = errno;
    ::close(fd);
    errno = saved;
    if (rc != 0) throw StoreError(errno_text("fsync " + path));
}

// rename() that never replaces an existing file: OUT may have appeared while we copied.
void rename_no_replace(const std::string& from, const std::string& to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
    if (errno == EEXIST) throw StoreError(to + " already exists: refusing to overwrite it");
    if (errno != EINVAL && errno != ENOSYS) throw StoreError(errno_text("rename to " + to));
    // The file system has no RENAME_NOREPLACE: link() fails on an existing name just as well.
    if (::link(from.c_str(), to.c_str()) != 0) {
        if (errno == EEXIST) throw StoreError(to + " already exists: refusing to overwrite it");
        throw StoreError(errno_text("link to " + to));
    }
    ::unlink(from.c_str());
}

// Copies the source into the (empty) destination inside one read transaction on the source.
//
// Why one read transaction: sqlite3_backup_step() restarts a multi-step copy from page 1 when
// another connection writes the source between steps, so under a steady stream of charges a
// plain step loop may never finish. Holding our own read transaction (BEGIN + the first SELECT)
// pins one WAL snapshot for every step; in WAL mode a reader never blocks the writer (it only
// stops checkpoints from recycling WAL frames newer than the snapshot until we end it), so the
// server's writer commits as usual while we copy. SQLITE_BUSY can only come from taking the
// snapshot (busy_timeout waits there) or from the destination (the step loop retries), each
// bounded by busy_timeout_ms.
Contents copy_snapshot(Connection& source, Connection& dest, const BackupOptions& options) {
    source.exec("BEGIN");
    const Contents snapshot = read_contents(source);  // starts the read transaction

    std::unique_ptr<sqlite3_backup, int (*)(sqlite3_backup*)> backup(
        sqlite3_backup_init(dest.get(), "main", source.get(), "main"), sqlite3_backup_finish);
    if (!backup) throw StoreError(dest.failure("backup_init"));
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options.busy_timeout_ms);
    const int pages_per_step = options.pages_per_step > 0 ? options.pages_per_step : -1;
    for (;;) {
        int rc = sqlite3_backup_step(backup.get(), pages_per_step);
        if (rc == SQLITE_OK || rc == SQLITE_DONE) {
            if (options.on_progress) {
                int total = sqlite3_backup_pagecount(backup.get());
                options.on_progress(total - sqlite3_backup_remaining(backup.get()), total);
            }
            if (rc == SQLITE_DONE) break;
            continue;
        }
        int primary = rc & 0xff;
        if ((primary == SQLITE_BUSY || primary == SQLITE_LOCKED) &&
            std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        throw StoreError(std::string("backup_step: ") + sqlite3_errstr(rc));
    }
    int rc = sqlite3_backup_finish(backup.release());
    if (rc != SQLITE_OK) throw StoreError(dest.failure("backup_finish"));
    source.exec("COMMIT");  // ends the read transaction: the snapshot is released
    return snapshot;
}

}  // namespace

BackupSummary backup_sqlite(const std::string& source_path, const std::string& out_path,
                            const BackupOptions& options) {
    if (out_path.empty()) throw StoreError("the output path is empty");
    std::error_code ec;
    if (fs::exists(fs::symlink_status(out_path, ec))) {
        throw StoreError(out_path + " already exists: refusing to overwrite it");
    }
    if (!fs::is_regular_file(source_path, ec)) {
        throw StoreError("database " + source_path +
                         " does not exist or is not a file (a relative path is relative to the "
                         "working directory)");
    }
    PartialFile partial(out_path + ".partial");

    Contents snapshot;
    {
        // Read-only: this connection can never take the write lock or checkpoint.
        Connection source(source_path, SQLITE_OPEN_READONLY, "source " + source_path);
        sqlite3_busy_timeout(source.get(), options.busy_timeout_ms);
        Connection dest(partial.path(), SQLITE_OPEN_READWRITE, "copy " + partial.path());
        sqlite3_busy_timeout(dest.get(), options.busy_timeout_ms);
        snapshot = copy_snapshot(source, dest, options);
        // The copied header says WAL like the source's; rollback mode makes the copy one
        // self-contained file (no -wal/-shm), readable read-only. serve switches it back to WAL.
        dest.exec("PRAGMA journal_mode=DELETE");
        dest.close();
        source.close();
    }
    {
        // A fresh connection reads what is on disk, not what the copying connection cached.
        Connection copy(partial.path(), SQLITE_OPEN_READONLY, "copy " + partial.path());
        auto problems = copy.column("PRAGMA integrity_check");
        if (problems.size() != 1 || problems.front() != "ok") {
            throw StoreError("the copy failed PRAGMA integrity_check: " +
                             (problems.empty() ? std::string("no result") : problems.front()));
        }
        const Contents copied = read_contents(copy);
        if (copied.schema_version != snapshot.schema_version ||
            copied.accounts != snapshot.accounts || copied.entries != snapshot.entries) {
            throw StoreError("the copy does not match the snapshot it was taken from (" +
                             std::to_string(copied.entries) + " entries instead of " +
                             std::to_string(snapshot.entries) + ")");
        }
        copy.close();
    }
    fsync_path(partial.path(), O_RDONLY);
    rename_no_replace(partial.path(), out_path);
    partial.keep();
    auto parent = fs::path(out_path).parent_path();
    fsync_path(parent.empty() ? std::string(".") : parent.string(), O_RDONLY | O_DIRECTORY);

    BackupSummary summary;
    summary.path = out_path;
    summary.bytes = fs::file_size(out_path, ec);
    if (ec) throw StoreError("stat " + out_path + ": " + ec.message());
    summary.schema_version = snapshot.schema_version;
    summary.accounts = snapshot.accounts;
    summary.entries = snapshot.entries;
    return summary;
}

}  // namespace creditgate
