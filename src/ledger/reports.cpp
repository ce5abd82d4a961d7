#include "creditgate/ledger/reports.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>
#include <map>
#include <memory>
#include <tuple>

#include "checked_math.hpp"

namespace creditgate {

const char* to_string(ReportResult result) {
    switch (result) {
        case ReportResult::ok:
            return "ok";
        case ReportResult::account_not_found:
            return "account_not_found";
        case ReportResult::too_many_entries:
            return "too_many_entries";
        case ReportResult::overflow:
            return "overflow";
        case ReportResult::unavailable:
            return "unavailable";
    }
    return "unavailable";
}

bool add_sums(UsageSums& into, const UsageSums& more) {
    bool overflow = false;
    auto add = [&](std::int64_t& a, std::int64_t b) { overflow |= checked_add(a, b, a); };
    add(into.requests, more.requests);
    add(into.voided, more.voided);
    add(into.prompt_tokens, more.prompt_tokens);
    add(into.cached_tokens, more.cached_tokens);
    add(into.completion_tokens, more.completion_tokens);
    add(into.cache_write_tokens, more.cache_write_tokens);
    add(into.reasoning_tokens, more.reasoning_tokens);
    add(into.images, more.images);
    add(into.provider_cost_nanos, more.provider_cost_nanos);
    add(into.markup_nanos, more.markup_nanos);
    add(into.amount_nanos, more.amount_nanos);
    add(into.estimated, more.estimated);
    add(into.overrun, more.overrun);
    add(into.abandoned, more.abandoned);
    add(into.byok, more.byok);
    // What was debited (-amount) must be representable too.
    return !overflow && into.amount_nanos != INT64_MIN;
}

namespace {

// Walks the entries of a period in chunks, one writer job per chunk. `read` runs inside the
// job and only fills the builder's pending slot; `keep` folds it in after the batch committed.
// A batch whose commit is retried applies its jobs again, so a job must not accumulate.
class Walk : public std::enable_shared_from_this<Walk> {
  public:
    using Begin = std::function<ReportResult(Store&, std::int64_t max_entry_id)>;
    using Read = std::function<ReportResult(Store&, const EntryWindow& chunk)>;
    using Keep = std::function<ReportResult()>;
    using Done = std::function<void(ReportResult, std::int64_t max_entry_id)>;

    Walk(Ledger& ledger, ReportLimits limits, std::optional<std::int64_t> account_id,
         ReportPeriod period, Begin begin, Read read, Keep keep, Done done)
        : ledger_(ledger),
          limits_(limits),
          begin_(std::move(begin)),
          read_(std::move(read)),
          keep_(std::move(keep)),
          done_(std::move(done)) {
        window_.account_id = account_id;
        // Everything at or after `from`: ids start at 1. Everything before `to`.
        window_.after = EntryPosition{period.from_ms, 0};
        window_.until = EntryPosition{period.to_ms - 1, INT64_MAX};
        if (limits_.chunk_rows < 1) limits_.chunk_rows = 1;
    }

    void start() { submit(); }

  private:
    void submit() {
        auto self = shared_from_this();
        ledger_.submit({[self](Store& store) { self->step(store); },
                        [self](bool committed) { self->after(committed); }});
    }

    void step(Store& store) {
        pending_ = Pending{};
        EntryWindow rest = window_;
        if (!begun_) {
            rest.max_entry_id = pending_.max_entry_id = store.max_entry_id();
            pending_.result = begin_(store, rest.max_entry_id);
            if (pending_.result != ReportResult::ok) return;
        }
        if (rows_ >= limits_.max_rows) {
            if (store.nth_entry_position(rest, 1)) pending_.result = ReportResult::too_many_entries;
            return;
        }
        pending_.next = store.nth_entry_position(rest, limits_.chunk_rows);
        EntryWindow chunk = rest;
        if (pending_.next) chunk.until = *pending_.next;
        pending_.result = read_(store, chunk);
    }

    void after(bool committed) {
        if (!committed) return finish(ReportResult::unavailable);
        if (pending_.result != ReportResult::ok) return finish(pending_.result);
        if (!begun_) {
            window_.max_entry_id = pending_.max_entry_id;
            begun_ = true;
        }
        if (rows_ >= limits_.max_rows) return finish(ReportResult::ok);  // nothing was left
        if (auto kept = keep_(); kept != ReportResult::ok) return finish(kept);
        if (!pending_.next) return finish(ReportResult::ok);
        window_.after = *pending_.next;
        rows_ += limits_.chunk_rows;
        submit();
    }

    void finish(ReportResult result) {
        auto done = std::move(done_);
        done(result, window_.max_entry_id);
    }

    struct Pending {
        ReportResult result = ReportResult::ok;
        std::int64_t max_entry_id = 0;
        std::optional<EntryPosition> next;  // where the chunk ended, when more may follow
    };

    Ledger& ledger_;
    ReportLimits limits_;
    Begin begin_;
    Read read_;
    Keep keep_;
    Done done_;
    EntryWindow window_;  // what is left to read
    bool begun_ = false;
    std::int64_t rows_ = 0;
    Pending pending_;
};

struct StatementBuild {
    Statement statement;
    std::map<std::pair<std::string, std::string>, UsageSums> lines;
    std::vector<EntryAggregate> pending_groups;
    std::vector<EntryRecord> pending_entries;
};

ReportResult keep_statement_chunk(StatementBuild& b, const ReportLimits& limits) {
    for (const auto& group : b.pending_groups) {
        if (!add_sums(b.lines[{group.model, group.endpoint}], group.sums)) {
            return ReportResult::overflow;
        }
    }
    auto& s = b.statement;
    if (s.entries.size() + b.pending_entries.size() > limits.max_listed_entries) {
        return ReportResult::too_many_entries;
    }
    for (auto& entry : b.pending_entries) {
        auto& sum = entry.amount_nanos > 0 ? s.credits_nanos : s.debits_nanos;
        if (checked_add(sum, entry.amount_nanos, sum)) return ReportResult::overflow;
        s.entries.push_back(std::move(entry));
    }
    return ReportResult::ok;
}

ReportResult finish_statement(StatementBuild& b) {
    auto& s = b.statement;
    for (auto& [key, sums] : b.lines) {
        if (!add_sums(s.charges, sums)) return ReportResult::overflow;
        s.lines.push_back(StatementLine{key.first, key.second, sums});
    }
    // Holds when entries' times follow their ids (one writer, a clock that does not step
    // back); `ledger verify` proves the chain itself.
    std::int64_t change = 0, explained = 0;
    if (checked_sub(s.closing_balance_nanos, s.opening_balance_nanos, change) ||
        checked_add(s.charges.amount_nanos, s.credits_nanos, explained) ||
        checked_add(explained, s.debits_nanos, explained)) {
        return ReportResult::overflow;
    }
    if (change != explained) {
        spdlog::warn(
            R"({{"event":"statement_unbalanced","account_id":{},"from_ms":{},"to_ms":{},"change_nanos":{},"explained_nanos":{}}})",
            s.account_id, s.period.from_ms, s.period.to_ms, change, explained);
    }
    return ReportResult::ok;
}

using UsageKey = std::tuple<std::string, std::string, std::int64_t, std::int64_t, std::int64_t>;

struct UsageBuild {
    UsageReport report;
    std::map<UsageKey, EntryAggregate> groups;
    std::vector<EntryAggregate> pending;
};

ReportResult finish_usage(UsageBuild& b) {
    auto& r = b.report;
    for (auto& [key, group] : b.groups) {
        if (!add_sums(r.totals, group.sums)) return ReportResult::overflow;
        r.rows.push_back(std::move(group));
    }
    // By day: in time order (the map's). Otherwise what people spend most on comes first.
    if (r.group_by != EntryGrouping::day) {
        std::stable_sort(r.rows.begin(), r.rows.end(),
                         [](const EntryAggregate& x, const EntryAggregate& y) {
                             return x.sums.amount_nanos < y.sums.amount_nanos;
                         });
    }
    return ReportResult::ok;
}

}  // namespace

void build_statement(Ledger& ledger, std::int64_t account_id, ReportPeriod period,
                     Callback<StatementOutcome> done, ReportLimits limits) {
    auto build = std::make_shared<StatementBuild>();
    build->statement.account_id = account_id;
    build->statement.period = period;
    auto begin = [build, account_id, period](Store& store, std::int64_t max_entry_id) {
        auto account = store.find_account(account_id);
        if (!account) return ReportResult::account_not_found;
        auto& s = build->statement;
        s.account_name = account->name;
        auto opening = store.last_entry_before(account_id, period.from_ms, max_entry_id);
        auto closing = store.last_entry_before(account_id, period.to_ms, max_entry_id);
        s.opening_balance_nanos = opening ? opening->balance_after_nanos : 0;
        s.closing_balance_nanos = closing ? closing->balance_after_nanos : 0;
        return ReportResult::ok;
    };
    auto read = [build](Store& store, const EntryWindow& chunk) {
        build->pending_groups = store.aggregate_usage(chunk, EntryGrouping::model_endpoint);
        build->pending_entries = store.list_balance_entries(chunk);
        return ReportResult::ok;
    };
    auto keep = [build, limits] { return keep_statement_chunk(*build, limits); };
    auto finish = [build, done = std::move(done)](ReportResult result, std::int64_t max_entry_id) {
        build->statement.as_of_entry_id = max_entry_id;
        if (result == ReportResult::ok) result = finish_statement(*build);
        StatementOutcome outcome{result, {}};
        if (result == ReportResult::ok) outcome.statement = std::move(build->statement);
        done(std::move(outcome));
    };
    std::make_shared<Walk>(ledger, limits, account_id, period, std::move(begin), std::move(read),
                           std::move(keep), std::move(finish))
        ->start();
}

void build_usage(Ledger& ledger, ReportPeriod period, EntryGrouping group_by,
                 std::optional<std::int64_t> account_id, Callback<UsageOutcome> done,
                 ReportLimits limits) {
    auto build = std::make_shared<UsageBuild>();
    build->report.account_id = account_id;
    build->report.period = period;
    build->report.group_by = group_by;
    auto begin = [account_id](Store& store, std::int64_t) {
        if (account_id && !store.find_account(*account_id)) return ReportResult::account_not_found;
        return ReportResult::ok;
    };
    auto read = [build, group_by](Store& store, const EntryWindow& chunk) {
        build->pending = store.aggregate_usage(chunk, group_by);
        return ReportResult::ok;
    };
    auto keep = [build] {
        for (auto& group : build->pending) {
            UsageKey key{group.model, group.endpoint, group.account_id, group.day, group.key_id};
            auto [it, fresh] = build->groups.try_emplace(std::move(key));
            if (fresh) {
                it->second = std::move(group);
            } else if (!add_sums(it->second.sums, group.sums)) {
                return ReportResult::overflow;
            }
        }
        return ReportResult::ok;
    };
    auto finish = [build, done = std::move(done)](ReportResult result, std::int64_t max_entry_id) {
        build->report.as_of_entry_id = max_entry_id;
        if (result == ReportResult::ok) result = finish_usage(*build);
        UsageOutcome outcome{result, {}};
        if (result == ReportResult::ok) outcome.report = std::move(build->report);
        done(std::move(outcome));
    };
    std::make_shared<Walk>(ledger, limits, account_id, period, std::move(begin), std::move(read),
                           std::move(keep), std::move(finish))
        ->start();
}

}  // namespace creditgate
