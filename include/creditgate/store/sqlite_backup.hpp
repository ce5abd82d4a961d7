#pragma once
// A consistent copy of the SQLite ledger database, taken while the server keeps serving.
#include <cstdint>
#include <functional>
#include <string>

namespace creditgate {

// What the finished copy holds, read back from the copy itself after its integrity check.
struct BackupSummary {
    std::string path;  // the final file (out_path)
    std::uintmax_t bytes = 0;
    std::int64_t schema_version = 0;
    std::int64_t accounts = 0;
    std::int64_t entries = 0;
};

struct BackupOptions {
    // Pages copied per sqlite3_backup_step; every step runs inside the same read snapshot.
    int pages_per_step = 1024;
    // Called after each step with the pages copied so far and the total, while the snapshot is
    // still held (a caller can report progress; tests write to the source from here).
    std::function<void(int copied_pages, int total_pages)> on_progress;
    // How long taking the read snapshot may wait on SQLite locks before the backup fails.
    int busy_timeout_ms = 10'000;
};

// Copies the database at source_path into out_path with the SQLite online backup API, through
// a separate read-only connection: the copy is one read snapshot of the source, and the source's
// writer (another connection or process) is never blocked. The copy is written to
// out_path + ".partial", checked with PRAGMA integrity_check, fsynced, then renamed to out_path.
//
// Throws StoreError when out_path (or its .partial file) already exists, the source cannot be
// read or is not a creditgate database, or the copy fails its checks; nothing is left behind
// at out_path and the .partial file this call created is removed.
BackupSummary backup_sqlite(const std::string& source_path, const std::string& out_path,
                            const BackupOptions& options = {});

}  // namespace creditgate
