// Ledger alone: hold+settle pairs per second through the real writer and a real SQLite file.
//
// K client threads stand in for the proxy's I/O threads: each runs its own Asio io_context and
// keeps W hold→settle pairs in flight. As in the proxy (proxy/exchange.cpp), hold and settle are
// decided in memory on the client's thread, and a pair is done when its settle is durable: the
// durability callback runs on the writer's notifier thread and only posts back to the client's
// io_context.
// Every run uses a fresh SQLite file in a temporary directory; afterwards the file is reopened by a
// new Ledger and the balances are checked against what the clients saw: Σ balances == Σ top-ups − Σ
// charges, no hold left open, one charge entry per pair.
//
// Not a test: it prints numbers and fails only if the money does not add up.
// Usage: ledger_bench --help
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "creditgate/ledger/ledger.hpp"
#include "creditgate/store/sqlite_store.hpp"

namespace net = boost::asio;
using creditgate::Durability;
using creditgate::Ledger;
using creditgate::LedgerResult;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kTargetPairsPerSecond = 100'000;            // issue 12
constexpr std::int64_t kTopUpNanos = 1'000'000'000'000'000;  // 1,000,000 credits per account
constexpr std::int64_t kHoldNanos = 5'000'000;               // 0.005 credits per request

struct Options {
    std::int64_t pairs = 200'000;
    int clients = 2;
    int window = 128;
    int accounts = 16;
    std::vector<Durability> durabilities{Durability::process, Durability::power};
    std::string dir;   // default: a fresh directory under the system temp dir
    std::string json;  // append one JSON line per run here
    bool keep = false;
};

[[noreturn]] void usage(int status) {
    std::fprintf(status ? stderr : stdout,
                 "Usage: ledger_bench [options]\n"
                 "  --pairs N         hold+settle pairs per durability (default 200000)\n"
                 "  --clients K       client threads, like the proxy's I/O threads (default 2)\n"
                 "  --window W        pairs each client keeps in flight (default 128)\n"
                 "  --accounts A      accounts the pairs are spread over (default 16)\n"
                 "  --durability D    process | power | both (default both)\n"
                 "  --dir DIR         where to create the SQLite files (default: a new temp dir)\n"
                 "  --json FILE       append one JSON line per durability to FILE\n"
                 "  --keep            keep the SQLite files\n");
    std::exit(status);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(2);
            return argv[++i];
        };
        if (a == "--pairs") {
            o.pairs = std::stoll(value());
        } else if (a == "--clients") {
            o.clients = std::stoi(value());
        } else if (a == "--window") {
            o.window = std::stoi(value());
        } else if (a == "--accounts") {
            o.accounts = std::stoi(value());
        } else if (a == "--durability") {
            auto d = value();
            if (d == "process") {
                o.durabilities = {Durability::process};
            } else if (d == "power") {
                o.durabilities = {Durability::power};
            } else if (d == "both") {
                o.durabilities = {Durability::process, Durability::power};
            } else {
                usage(2);
            }
        } else if (a == "--dir") {
            o.dir = value();
        } else if (a == "--json") {
            o.json = value();
        } else if (a == "--keep") {
            o.keep = true;
        } else if (a == "-h" || a == "--help") {
            usage(0);
        } else {
            std::fprintf(stderr, "ledger_bench: unknown option '%s'\n", a.c_str());
            usage(2);
        }
    }
    if (o.pairs <= 0 || o.clients <= 0 || o.window <= 0 || o.accounts <= 0) usage(2);
    return o;
}

const char* name(Durability d) {
    return d == Durability::power ? "power" : "process";
}

// Runs an asynchronous ledger call and waits for its callback (set-up and check only).
template <typename T, typename Call>
T await(Call&& call) {
    std::promise<T> promise;
    auto future = promise.get_future();
    call([&promise](T value) { promise.set_value(std::move(value)); });
    return future.get();
}

std::int64_t micros(Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

double percentile(std::vector<std::int64_t>& v, double p) {
    if (v.empty()) return 0;
    auto k = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return static_cast<double>(v[k]);
}

struct Usage {
    double cpu_s = 0;
    long context_switches = 0;
};

Usage process_usage() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    auto seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return {seconds(ru.ru_utime) + seconds(ru.ru_stime), ru.ru_nvcsw + ru.ru_nivcsw};
}

std::set<long> thread_ids() {
    std::set<long> ids;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
        ids.insert(std::stol(e.path().filename().string()));
    }
    return ids;
}

// CPU seconds (user + system) one thread of this process has used so far.
double thread_cpu_s(long tid) {
    std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = stat.rfind(')');  // the thread name may contain spaces
    if (close == std::string::npos) return 0;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Nanoseconds a thread has spent on a CPU and waiting for one (runnable, not running), from
// /proc/self/task/<tid>/schedstat (zeros where the kernel does not provide it).
struct SchedStat {
    double on_cpu_s = 0;
    double waiting_s = 0;
};
SchedStat thread_schedstat(long tid) {
    std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/schedstat");
    double on_cpu_ns = 0, waiting_ns = 0;
    if (!(in >> on_cpu_ns >> waiting_ns)) return {};
    return {on_cpu_ns / 1e9, waiting_ns / 1e9};
}

// Bytes a thread has handed to write(2)/pwrite(2) so far ("wchar" in /proc/self/task/<tid>/io).
// For the writer thread that is the WAL frames its commits append (24-byte header + one page
// each), plus the rare checkpoint it runs itself when the WAL reaches its hard limit.
std::uint64_t thread_bytes_written(long tid) {
    std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/io");
    std::string key;
    std::uint64_t value = 0;
    while (in >> key >> value) {
        if (key == "wchar:") return value;
    }
    return 0;
}

// One client thread: its own io_context, W pairs in flight, `quota` pairs in all.
class Client {
  public:
    Client(Ledger& ledger, int index, std::int64_t quota, int window,
           const std::vector<std::int64_t>& accounts)
        : ledger_(ledger),
          index_(index),
          quota_(quota),
          window_(window),
          accounts_(accounts),
          work_(net::make_work_guard(io_)) {
        hold_us_.reserve(static_cast<std::size_t>(quota));
        settle_us_.reserve(static_cast<std::size_t>(quota));
    }

    void start() {
        thread_ = std::thread([this] {
            for (int i = 0; i < window_ && started_ < quota_; ++i) next_pair();
            io_.run();
        });
    }
    void join() { thread_.join(); }

    std::vector<std::int64_t> hold_us_, settle_us_;
    std::int64_t charged_nanos_ = 0;  // Σ of settled charges this client saw succeed
    std::int64_t settled_ = 0;
    std::int64_t failed_ = 0;  // holds or settles that did not answer ok
    Clock::time_point finished_at_{};

  private:
    void next_pair() {
        const std::int64_t n = started_++;
        creditgate::HoldRequest request;
        request.account_id =
            accounts_[static_cast<std::size_t>((n * 7 + index_) % std::ssize(accounts_))];
        request.key_id = 1 + index_;
        request.request_id = "bench-" + std::to_string(index_) + "-" + std::to_string(n);
        request.model = "bench-model";
        request.endpoint = "/v1/chat/completions";
        request.amount_nanos = kHoldNanos;
        request.quote_provider_nanos = kHoldNanos - kHoldNanos / 11;
        request.quote_markup_nanos = kHoldNanos / 11;
        // As the proxy does: the hold is decided in memory on this thread, the settle too, and
        // the pair is done once the settle's record is durable (the reply's last byte waits
        // for that).
        const auto sent = Clock::now();
        const auto outcome = ledger_.hold(request);
        on_hold(n, sent, outcome);
    }

    void on_hold(std::int64_t n, Clock::time_point sent, const creditgate::HoldOutcome& outcome) {
        const auto now = Clock::now();
        hold_us_.push_back(micros(now - sent));
        if (outcome.result != LedgerResult::ok) {
            ++failed_;
            return net::post(io_, [this] { done_one(); });  // no recursion through next_pair
        }
        creditgate::Charge charge;
        charge.tokens.prompt_tokens = 120 + n % 50;
        charge.tokens.cached_tokens = 0;
        charge.tokens.completion_tokens = 40 + n % 30;
        // Varies per pair so that a lost or doubled charge shows in the sums.
        charge.cost.provider_nanos = 1'000'000 + (n * 7919) % 1'000'000;
        charge.cost.markup_nanos = charge.cost.provider_nanos / 10;
        charge.cost.total_nanos = charge.cost.provider_nanos + charge.cost.markup_nanos;
        charge.raw_usage = R"({"prompt_tokens":)" + std::to_string(charge.tokens.prompt_tokens) +
                           R"(,"completion_tokens":)" +
                           std::to_string(charge.tokens.completion_tokens) + "}";
        charge.price_version = "bench";
        const std::int64_t total = charge.cost.total_nanos;
        const auto settled = ledger_.settle(outcome.hold_id, charge);
        if (settled.result != LedgerResult::ok) {
            return net::post(io_, [this, total, now, result = settled.result] {
                on_settle(total, now, result);
            });
        }
        ledger_.when_durable(settled.durable_seq, [this, total, settle_sent = now](bool ok) {
            // Writer thread (or this one, when already durable): hand the result to the
            // client's own thread, never block here.
            net::post(io_, [this, total, settle_sent, ok] {
                on_settle(total, settle_sent, ok ? LedgerResult::ok : LedgerResult::unavailable);
            });
        });
    }

    void on_settle(std::int64_t total, Clock::time_point sent, LedgerResult result) {
        settle_us_.push_back(micros(Clock::now() - sent));
        if (result == LedgerResult::ok) {
            charged_nanos_ += total;
            ++settled_;
        } else {
            ++failed_;
        }
        done_one();
    }

    void done_one() {
        if (++done_ == quota_) {
            finished_at_ = Clock::now();
            work_.reset();
        } else if (started_ < quota_) {
            next_pair();
        }
    }

    Ledger& ledger_;
    const int index_;
    const std::int64_t quota_;
    const int window_;
    const std::vector<std::int64_t>& accounts_;
    net::io_context io_{1};
    net::executor_work_guard<net::io_context::executor_type> work_;
    std::thread thread_;
    std::int64_t started_ = 0;
    std::int64_t done_ = 0;
};

struct Check {
    bool ok = false;
    std::string detail;
};

// Counts rows straight from the file, independently of the ledger's own loading code.
std::optional<std::pair<std::int64_t, std::int64_t>> count_rows(const std::string& path) {
    sqlite3* db = nullptr;
    std::optional<std::pair<std::int64_t, std::int64_t>> out;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* q = nullptr;
        const char* sql =
            "SELECT (SELECT COUNT(*) FROM entries WHERE type = 'charge'), "
            "(SELECT COUNT(*) FROM holds WHERE state = 'settled')";
        if (sqlite3_prepare_v2(db, sql, -1, &q, nullptr) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW) {
            out = std::make_pair(sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1));
        }
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return out;
}

Check check_file(const std::string& path, Durability durability,
                 const std::vector<std::int64_t>& accounts, std::int64_t topped_up,
                 std::int64_t charged, std::int64_t settled) {
    Check c;
    Ledger ledger(std::make_unique<creditgate::SqliteStore>(path, durability));
    const auto abandoned = ledger.start();
    std::int64_t balances = 0, reserved = 0;
    for (auto id : accounts) {
        auto a = await<std::optional<creditgate::AccountBalance>>(
            [&](auto done) { ledger.get_account(id, std::move(done)); });
        if (!a) {
            c.detail = "account " + std::to_string(id) + " missing after reopen";
            return c;
        }
        balances += a->balance_nanos;
        reserved += a->reserved_nanos;
    }
    ledger.stop();
    const std::int64_t expected = topped_up - charged;
    c.ok = balances == expected && reserved == 0 && abandoned == 0;
    c.detail = "Σ balances " + std::to_string(balances) + (balances == expected ? " == " : " != ") +
               "Σ top-ups − Σ charges " + std::to_string(expected) + ", reserved " +
               std::to_string(reserved) + ", holds left open " + std::to_string(abandoned);
    if (auto rows = count_rows(path)) {
        const bool rows_ok = rows->first == settled && rows->second == settled;
        c.ok = c.ok && rows_ok;
        c.detail += ", charge entries " + std::to_string(rows->first) + ", settled holds " +
                    std::to_string(rows->second) + (rows_ok ? " == " : " != ") + "pairs settled " +
                    std::to_string(settled);
    } else {
        c.detail += ", row count unavailable (schema changed?)";
    }
    return c;
}

struct Result {
    Durability durability{};
    std::int64_t pairs = 0;
    double seconds = 0;
    double pairs_per_s = 0;
    double hold_p50 = 0, hold_p99 = 0, hold_max = 0;
    double settle_p50 = 0, settle_p99 = 0;
    double cpu_us_per_pair = 0;
    double writer_cpu_us_per_pair = 0;  // the ledger's writer thread alone
    // Shares of the run's wall time the writer spent on a CPU and waiting for one: on a quiet
    // machine the waiting share is ~0 and on-CPU near 100 % when the writer is the bottleneck.
    double writer_on_cpu = 0, writer_waiting_for_cpu = 0;
    double csw_per_pair = 0;
    double writer_bytes_per_pair = 0;  // WAL written per pair (see thread_bytes_written)
    std::int64_t failed = 0;
    std::uintmax_t db_bytes = 0, wal_bytes = 0;
    Check check;
};

std::uintmax_t file_size(const std::filesystem::path& p) {
    std::error_code ec;
    auto s = std::filesystem::file_size(p, ec);
    return ec ? 0 : s;
}

Result run(const Options& o, Durability durability, const std::filesystem::path& dir) {
    Result r;
    r.durability = durability;
    const auto path = (dir / (std::string("ledger-") + name(durability) + ".db")).string();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);

    std::vector<std::int64_t> accounts;
    std::int64_t topped_up = 0;
    auto ledger =
        std::make_unique<Ledger>(std::make_unique<creditgate::SqliteStore>(path, durability));
    const auto before_start = thread_ids();
    ledger->start();
    for (int i = 0; i < o.accounts; ++i) {
        auto a = await<std::optional<creditgate::AccountBalance>>([&](auto done) {
            ledger->create_account("bench-" + std::to_string(i), std::move(done));
        });
        if (!a) throw std::runtime_error("create_account failed");
        creditgate::CreditRequest t;
        t.kind = creditgate::GrantKind::topup;
        t.account_id = a->id;
        t.amount_nanos = kTopUpNanos;
        t.reference = "bench";
        t.idempotency_key = "bench-topup-" + std::to_string(i);
        t.request_hash = "bench";
        auto up = await<creditgate::CreditOutcome>(
            [&](auto done) { ledger->credit(std::move(t), std::move(done)); });
        if (up.result != LedgerResult::ok) throw std::runtime_error("top_up failed");
        topped_up += kTopUpNanos;
        accounts.push_back(a->id);
    }

    // The writer thread is the one start() created and named (it names itself once running: by
    // now it has answered the account set-up).
    long writer_tid = 0;
    for (auto tid : thread_ids()) {
        std::string name;
        std::ifstream("/proc/self/task/" + std::to_string(tid) + "/comm") >> name;
        if (!before_start.count(tid) && name == creditgate::Writer::kThreadName) writer_tid = tid;
    }
    std::vector<std::unique_ptr<Client>> clients;
    for (int k = 0; k < o.clients; ++k) {
        const std::int64_t quota = o.pairs / o.clients + (k < o.pairs % o.clients ? 1 : 0);
        clients.push_back(std::make_unique<Client>(*ledger, k, quota, o.window, accounts));
    }
    const auto usage_before = process_usage();
    const double writer_before = writer_tid ? thread_cpu_s(writer_tid) : 0;
    const SchedStat sched_before = writer_tid ? thread_schedstat(writer_tid) : SchedStat{};
    const auto written_before = writer_tid ? thread_bytes_written(writer_tid) : 0;
    const auto started = Clock::now();
    for (auto& c : clients) c->start();
    for (auto& c : clients) c->join();
    auto finished = started;
    for (auto& c : clients) finished = std::max(finished, c->finished_at_);
    const auto usage_after = process_usage();
    const double writer_after = writer_tid ? thread_cpu_s(writer_tid) : 0;
    const SchedStat sched_after = writer_tid ? thread_schedstat(writer_tid) : SchedStat{};
    const auto written_after = writer_tid ? thread_bytes_written(writer_tid) : 0;
    r.wal_bytes = file_size(path + "-wal");
    ledger->stop();
    ledger.reset();
    r.db_bytes = file_size(path);

    std::vector<std::int64_t> holds, settles;
    std::int64_t charged = 0, settled = 0;
    for (auto& c : clients) {
        holds.insert(holds.end(), c->hold_us_.begin(), c->hold_us_.end());
        settles.insert(settles.end(), c->settle_us_.begin(), c->settle_us_.end());
        charged += c->charged_nanos_;
        settled += c->settled_;
        r.failed += c->failed_;
    }
    r.pairs = o.pairs;
    r.seconds = std::chrono::duration<double>(finished - started).count();
    r.pairs_per_s = static_cast<double>(settled) / r.seconds;
    r.hold_p50 = percentile(holds, 50);
    r.hold_p99 = percentile(holds, 99);
    r.hold_max =
        holds.empty() ? 0 : static_cast<double>(*std::max_element(holds.begin(), holds.end()));
    r.settle_p50 = percentile(settles, 50);
    r.settle_p99 = percentile(settles, 99);
    r.cpu_us_per_pair =
        (usage_after.cpu_s - usage_before.cpu_s) * 1e6 / static_cast<double>(o.pairs);
    r.writer_cpu_us_per_pair = (writer_after - writer_before) * 1e6 / static_cast<double>(o.pairs);
    r.writer_on_cpu = (sched_after.on_cpu_s - sched_before.on_cpu_s) / r.seconds;
    r.writer_waiting_for_cpu = (sched_after.waiting_s - sched_before.waiting_s) / r.seconds;
    r.writer_bytes_per_pair =
        static_cast<double>(written_after - written_before) / static_cast<double>(o.pairs);
    r.csw_per_pair =
        static_cast<double>(usage_after.context_switches - usage_before.context_switches) /
        static_cast<double>(o.pairs);
    r.check = check_file(path, durability, accounts, topped_up, charged, settled);
    if (r.failed != 0) {
        r.check.ok = false;
        r.check.detail += ", " + std::to_string(r.failed) + " holds/settles failed";
    }
    if (!o.keep) {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    }
    return r;
}

void print_table(const Options& o, const std::vector<Result>& results) {
    fmt::print(
        "\nledger_bench: {} hold+settle pairs per durability, {} client threads x {} in flight, "
        "{} accounts, SQLite {}\n\n",
        o.pairs, o.clients, o.window, o.accounts, sqlite3_libversion());
    fmt::print(
        "| durability | pairs/s | vs 100k | hold p50 | hold p99 | hold max | settle p50 "
        "| settle p99 | writer CPU/pair | writer-bound pairs/s | writer on CPU / waiting for one "
        "| CPU/pair, all threads | ctx sw/pair | WAL written/pair | WAL at end | check |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (const auto& r : results) {
        fmt::print(
            "| {} | {:.0f} | {:.2f} × | {:.0f} µs | {:.0f} µs | {:.0f} µs | {:.0f} µs | {:.0f} µs "
            "| {:.1f} µs | {:.0f} | {:.0f} % / {:.0f} % | {:.1f} µs | {:.2f} | {:.0f} B | {:.1f} "
            "MiB "
            "| {} |\n",
            name(r.durability), r.pairs_per_s, r.pairs_per_s / kTargetPairsPerSecond, r.hold_p50,
            r.hold_p99, r.hold_max, r.settle_p50, r.settle_p99, r.writer_cpu_us_per_pair,
            r.writer_cpu_us_per_pair > 0 ? 1e6 / r.writer_cpu_us_per_pair : 0.0,
            r.writer_on_cpu * 100, r.writer_waiting_for_cpu * 100, r.cpu_us_per_pair,
            r.csw_per_pair, r.writer_bytes_per_pair, static_cast<double>(r.wal_bytes) / (1 << 20),
            r.check.ok ? "ok" : "FAIL");
    }
    fmt::print(
        "\nwriter-bound pairs/s = 10^6 / writer CPU µs per pair: what the writer thread could do "
        "with a core of its own. Writer on CPU / waiting for one: shares of the run's wall time "
        "(schedstat); a writer that waits for a CPU is sharing it with something else.\n");
    for (const auto& r : results) {
        fmt::print("{}: {:.2f} s; {}; target {} ({:.0f} pairs/s)\n", name(r.durability), r.seconds,
                   r.check.detail, r.pairs_per_s >= kTargetPairsPerSecond ? "met" : "missed",
                   kTargetPairsPerSecond);
    }
}

void append_json(const Options& o, const std::vector<Result>& results) {
    if (o.json.empty()) return;
    std::ofstream out(o.json, std::ios::app);
    for (const auto& r : results) {
        out << fmt::format(
                   R"({{"durability":"{}","pairs":{},"clients":{},"window":{},"accounts":{},)"
                   R"("seconds":{:.4f},"pairs_per_s":{:.1f},"ratio_to_target":{:.4f},)"
                   R"("hold_p50_us":{:.0f},"hold_p99_us":{:.0f},"hold_max_us":{:.0f},)"
                   R"("settle_p50_us":{:.0f},"settle_p99_us":{:.0f},"writer_cpu_us_per_pair":{:.2f},)"
                   R"("writer_on_cpu":{:.3f},"writer_waiting_for_cpu":{:.3f},)"
                   R"("cpu_us_per_pair":{:.2f},"context_switches_per_pair":{:.3f},"wal_bytes_per_pair":{:.0f},)"
                   R"("wal_bytes_at_end":{},"db_bytes":{},"failed":{},"check_ok":{},"sqlite":"{}"}})",
                   name(r.durability), r.pairs, o.clients, o.window, o.accounts, r.seconds,
                   r.pairs_per_s, r.pairs_per_s / kTargetPairsPerSecond, r.hold_p50, r.hold_p99,
                   r.hold_max, r.settle_p50, r.settle_p99, r.writer_cpu_us_per_pair,
                   r.writer_on_cpu, r.writer_waiting_for_cpu, r.cpu_us_per_pair, r.csw_per_pair,
                   r.writer_bytes_per_pair, r.wal_bytes, r.db_bytes, r.failed, r.check.ok,
                   sqlite3_libversion())
            << "\n";
    }
}

}  // namespace

int main(int argc, char** argv) {
    const auto options = parse(argc, argv);
    spdlog::set_level(spdlog::level::warn);
    std::filesystem::path dir = options.dir;
    const bool own_dir = dir.empty();
    if (own_dir) {
        dir = std::filesystem::temp_directory_path() /
              ("creditgate-ledger-bench-" + std::to_string(std::random_device{}()));
    }
    std::filesystem::create_directories(dir);

    std::vector<Result> results;
    bool ok = true;
    try {
        for (auto d : options.durabilities) {
            std::fprintf(stderr, "ledger_bench: %s: %" PRId64 " pairs in %s ...\n", name(d),
                         options.pairs, dir.c_str());
            results.push_back(run(options, d, dir));
            ok = ok && results.back().check.ok;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ledger_bench: %s\n", e.what());
        ok = false;
    }
    print_table(options, results);
    append_json(options, results);
    if (own_dir && !options.keep) std::filesystem::remove_all(dir);
    return ok ? 0 : 1;
}
