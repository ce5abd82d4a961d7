// Statements and usage reports: SQL sums over a real SQLite file, written through the Ledger,
// checked against the entries the ledger lists.
#include <gtest/gtest.h>

#include <map>

#include "creditgate/ledger/reports.hpp"
#include "ledger_fixture.hpp"

namespace creditgate::testing {

namespace {

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;
const std::string kChat = "/v1/chat/completions";

class ReportsTest : public LedgerTest {
  protected:
    // A hold for `model` on `endpoint`, settled at once with these tokens and cost.
    SettleOutcome charge(std::int64_t account, const std::string& model,
                         const std::string& endpoint, std::int64_t hold_nanos, Cost cost,
                         TokenCounts tokens, bool estimated = false) {
        auto held = hold_for(account, model, endpoint, hold_nanos);
        EXPECT_EQ(held.result, LedgerResult::ok);
        Charge c;
        c.cost = cost;
        c.tokens = tokens;
        c.estimated = estimated;
        return await<SettleOutcome>(
            [&](auto done) { ledger_->settle(held.hold_id, std::move(c), std::move(done)); });
    }
    HoldOutcome hold_for(std::int64_t account, const std::string& model,
                         const std::string& endpoint, std::int64_t nanos) {
        HoldRequest request;
        request.account_id = account;
        request.key_id = 1;
        request.request_id = "req-" + std::to_string(++requests_);
        request.model = model;
        request.endpoint = endpoint;
        request.amount_nanos = nanos;
        request.quote_markup_nanos = nanos / 11;
        request.quote_provider_nanos = nanos - nanos / 11;
        return await<HoldOutcome>(
            [&](auto done) { ledger_->hold(std::move(request), std::move(done)); });
    }
    StatementOutcome statement(std::int64_t account, std::int64_t from_ms, std::int64_t to_ms,
                               ReportLimits limits = {}) {
        return await<StatementOutcome>([&](auto done) {
            build_statement(*ledger_, account, {from_ms, to_ms}, std::move(done), limits);
        });
    }
    UsageOutcome usage(std::int64_t from_ms, std::int64_t to_ms, EntryGrouping group_by,
                       ReportLimits limits = {}) {
        return await<UsageOutcome>([&](auto done) {
            build_usage(*ledger_, {from_ms, to_ms}, group_by, std::nullopt, std::move(done),
                        limits);
        });
    }
    // What the ledger itself lists for [from, to): the sum of the entries' amounts.
    std::int64_t listed_change(std::int64_t account, std::int64_t from_ms, std::int64_t to_ms) {
        std::int64_t sum = 0;
        for (const auto& e : entries(account)) {
            if (e.created_at_ms >= from_ms && e.created_at_ms < to_ms) sum += e.amount_nanos;
        }
        return sum;
    }
    static std::int64_t lines_amount(const Statement& s) {
        std::int64_t sum = 0;
        for (const auto& line : s.lines) sum += line.sums.amount_nanos;
        return sum;
    }
    static std::int64_t entries_amount(const Statement& s) {
        std::int64_t sum = 0;
        for (const auto& e : s.entries) sum += e.amount_nanos;
        return sum;
    }
    // The invariant of every statement: the lines explain the balance change exactly.
    static void expect_balanced(const Statement& s) {
        EXPECT_EQ(s.closing_balance_nanos - s.opening_balance_nanos,
                  lines_amount(s) + entries_amount(s));
        EXPECT_EQ(s.charges.amount_nanos, lines_amount(s));
        EXPECT_EQ(s.credits_nanos + s.debits_nanos, entries_amount(s));
    }
    const StatementLine* line(const Statement& s, const std::string& model,
                              const std::string& endpoint = kChat) {
        for (const auto& l : s.lines) {
            if (l.model == model && l.endpoint == endpoint) return &l;
        }
        return nullptr;
    }

    int requests_ = 0;
};

Cost cost_of(std::int64_t provider, std::int64_t markup) {
    return Cost{provider, markup, provider + markup};
}

}  // namespace

TEST_F(ReportsTest, StatementAcrossGrantsExpiryAdjustmentsAndAnOverrunAddsUpToTheBalanceChange) {
    const auto id = new_account();
    top_up(id, 10'000, "before-the-period");  // the opening balance
    advance(kHour);
    const auto from = clock_ms_.load();

    grant(id, 5'000, 2 * kHour, 10, "monthly");  // burns first
    charge(id, "gpt-a", kChat, 3'000, cost_of(1'000, 100), {100, 40, 20});
    charge(id, "gpt-a", kChat, 3'000, cost_of(2'000, 200), {200, 0, 30});
    charge(id, "gpt-b", kChat, 3'000, cost_of(500, 50), {10, 0, 5}, true);
    charge(id, "gpt-a", "/v1/embeddings", 1'000, cost_of(90, 9), {300, 0, 0});
    adjust(id, -700, "refund-correction");
    adjust(id, 250, "goodwill");
    advance(2 * kHour);
    ASSERT_EQ(sweep(), 1u);  // the grant's rest expires
    // An abandoned hold, voided by the default rule: visible, moves nothing.
    ASSERT_EQ(hold_for(id, "gpt-b", kChat, 500).result, LedgerResult::ok);
    advance(hold_timeout_ms_);
    ASSERT_EQ(sweep(), 1u);
    // Cost above the hold and above the balance: charged in full, flagged, owed.
    const auto available = account(id).available_nanos();
    auto overrun = charge(id, "gpt-b", kChat, 100, cost_of(available + 1'000, 0), {1, 0, 1});
    ASSERT_NE(overrun.entry.flags.find("overrun"), std::string::npos);
    ASSERT_LT(account(id).balance_nanos, 0);
    top_up(id, 4'000, "pays-the-debt");
    advance(1);
    const auto to = clock_ms_.load();

    auto outcome = statement(id, from, to);
    ASSERT_EQ(outcome.result, ReportResult::ok);
    const auto& s = outcome.statement;
    EXPECT_EQ(s.account_id, id);
    EXPECT_EQ(s.account_name, "test");
    EXPECT_EQ(s.opening_balance_nanos, 10'000);
    EXPECT_EQ(s.closing_balance_nanos, account(id).balance_nanos);
    expect_balanced(s);
    EXPECT_EQ(s.closing_balance_nanos - s.opening_balance_nanos, listed_change(id, from, to));

    ASSERT_EQ(s.lines.size(), 3u);  // sorted by model, then endpoint
    const auto* a_chat = line(s, "gpt-a");
    const auto* a_embed = line(s, "gpt-a", "/v1/embeddings");
    const auto* b_chat = line(s, "gpt-b");
    ASSERT_TRUE(a_chat && a_embed && b_chat);
    EXPECT_EQ(&s.lines[0], a_chat);
    EXPECT_EQ(&s.lines[1], a_embed);
    EXPECT_EQ(a_chat->sums.requests, 2);
    EXPECT_EQ(a_chat->sums.prompt_tokens, 300);
    EXPECT_EQ(a_chat->sums.cached_tokens, 40);
    EXPECT_EQ(a_chat->sums.completion_tokens, 50);
    EXPECT_EQ(a_chat->sums.provider_cost_nanos, 3'000);
    EXPECT_EQ(a_chat->sums.markup_nanos, 300);
    EXPECT_EQ(a_chat->sums.amount_nanos, -3'300);
    EXPECT_EQ(a_embed->sums.requests, 1);
    EXPECT_EQ(a_embed->sums.amount_nanos, -99);
    EXPECT_EQ(b_chat->sums.requests, 2);
    EXPECT_EQ(b_chat->sums.estimated, 1);
    EXPECT_EQ(b_chat->sums.overrun, 1);
    EXPECT_EQ(b_chat->sums.voided, 1);
    EXPECT_EQ(b_chat->sums.amount_nanos, -550 - (available + 1'000));

    std::vector<std::string> types;
    for (const auto& e : s.entries) types.push_back(e.type);
    EXPECT_EQ(types,
              (std::vector<std::string>{"grant", "adjustment", "adjustment", "expiry", "topup"}));
    EXPECT_EQ(s.entries[1].amount_nanos, -700);
    EXPECT_EQ(s.entries[1].actor, "ops");
    EXPECT_EQ(s.entries[1].reference, "correction");
    EXPECT_EQ(s.credits_nanos, 5'000 + 250 + 4'000);
    EXPECT_EQ(s.debits_nanos, -700 + s.entries[3].amount_nanos);
    EXPECT_LT(s.entries[3].amount_nanos, 0);
}

TEST_F(ReportsTest, AnAbandonedHoldChargedAtTheQuoteIsAFlaggedChargeLine) {
    on_abandoned_ = AbandonRule::charge_quote;
    reopen();
    const auto id = new_account(10'000);
    const auto from = clock_ms_.load();
    hold_for(id, "gpt-a", kChat, 1'100);
    advance(hold_timeout_ms_);
    ASSERT_EQ(sweep(), 1u);
    auto outcome = statement(id, from, clock_ms_.load() + 1);
    ASSERT_EQ(outcome.result, ReportResult::ok);
    const auto& s = outcome.statement;
    ASSERT_EQ(s.lines.size(), 1u);
    EXPECT_EQ(s.lines[0].sums.requests, 1);
    EXPECT_EQ(s.lines[0].sums.abandoned, 1);
    EXPECT_EQ(s.lines[0].sums.estimated, 1);
    EXPECT_EQ(s.lines[0].sums.voided, 0);
    EXPECT_EQ(s.lines[0].sums.provider_cost_nanos, 1'000);
    EXPECT_EQ(s.lines[0].sums.markup_nanos, 100);
    EXPECT_EQ(s.lines[0].sums.amount_nanos, -1'100);
    expect_balanced(s);
}

TEST_F(ReportsTest, AnEntryExactlyAtFromIsInAndOneExactlyAtToIsOut) {
    const auto id = new_account();
    const auto t = clock_ms_.load();
    top_up(id, 1'000, "at-t");
    advance(10);
    charge(id, "gpt-a", kChat, 200, cost_of(90, 10), {1, 0, 1});  // at t + 10

    auto at_from = statement(id, t, t + 10).statement;  // [t, t+10): the top-up only
    EXPECT_EQ(at_from.opening_balance_nanos, 0);
    EXPECT_EQ(at_from.closing_balance_nanos, 1'000);
    ASSERT_EQ(at_from.entries.size(), 1u);
    EXPECT_TRUE(at_from.lines.empty());
    expect_balanced(at_from);

    auto after_t = statement(id, t + 1, t + 11).statement;  // the charge only
    EXPECT_EQ(after_t.opening_balance_nanos, 1'000);
    EXPECT_EQ(after_t.closing_balance_nanos, 900);
    EXPECT_TRUE(after_t.entries.empty());
    ASSERT_EQ(after_t.lines.size(), 1u);
    expect_balanced(after_t);

    auto before_t = statement(id, t - 100, t).statement;  // ends exactly at the top-up
    EXPECT_EQ(before_t.opening_balance_nanos, 0);
    EXPECT_EQ(before_t.closing_balance_nanos, 0);
    EXPECT_TRUE(before_t.entries.empty());
    EXPECT_TRUE(before_t.lines.empty());

    auto by_model = usage(t, t + 10, EntryGrouping::model).report;
    EXPECT_TRUE(by_model.rows.empty());  // the charge is exactly at `to`
    by_model = usage(t + 10, t + 11, EntryGrouping::model).report;
    ASSERT_EQ(by_model.rows.size(), 1u);  // and exactly at `from`
    EXPECT_EQ(by_model.totals.amount_nanos, -100);
}

TEST_F(ReportsTest, ReadInSmallChunksTheReportsAreTheSameEvenWhenEntriesShareAMillisecond) {
    const auto a = new_account(100'000);
    const auto b = new_account(100'000);
    advance(1);
    const auto from = clock_ms_.load();
    for (int i = 0; i < 7; ++i) {
        charge(a, i % 2 ? "gpt-a" : "gpt-b", kChat, 1'000, cost_of(100 + i, 10), {10, 2, 3});
        charge(b, "gpt-a", kChat, 1'000, cost_of(50, 5), {1, 0, 1});
        if (i % 3 == 0) top_up(a, 10 + i, "more-" + std::to_string(i));
        if (i == 3) advance(1);  // the rest one millisecond later; most share one
    }
    const auto to = clock_ms_.load() + 1;
    auto whole = statement(a, from, to).statement;
    for (std::int64_t chunk : {1, 2, 3, 5}) {
        SCOPED_TRACE("chunk_rows " + std::to_string(chunk));
        auto chunked = statement(a, from, to, ReportLimits{chunk, 1'000, 100}).statement;
        ASSERT_EQ(chunked.lines.size(), whole.lines.size());
        for (std::size_t i = 0; i < whole.lines.size(); ++i) {
            EXPECT_EQ(chunked.lines[i].model, whole.lines[i].model);
            EXPECT_EQ(chunked.lines[i].sums.requests, whole.lines[i].sums.requests);
            EXPECT_EQ(chunked.lines[i].sums.prompt_tokens, whole.lines[i].sums.prompt_tokens);
            EXPECT_EQ(chunked.lines[i].sums.amount_nanos, whole.lines[i].sums.amount_nanos);
        }
        ASSERT_EQ(chunked.entries.size(), whole.entries.size());
        for (std::size_t i = 0; i < whole.entries.size(); ++i) {
            EXPECT_EQ(chunked.entries[i].id, whole.entries[i].id);
        }
        expect_balanced(chunked);

        auto by_model = usage(from, to, EntryGrouping::model, ReportLimits{chunk, 1'000, 0});
        ASSERT_EQ(by_model.result, ReportResult::ok);
        EXPECT_EQ(by_model.report.totals.requests, 14);
        EXPECT_EQ(by_model.report.totals.amount_nanos, lines_amount(whole) - 7 * 55);
    }
    EXPECT_EQ(whole.lines[0].sums.requests + whole.lines[1].sums.requests, 7);
    EXPECT_EQ(whole.entries.size(), 3u);
    expect_balanced(whole);
}

TEST_F(ReportsTest, AnEntryMadeWhileAReportIsReadIsNotInIt) {
    const auto id = new_account(10'000);
    advance(1);
    const auto from = clock_ms_.load();
    for (int i = 0; i < 4; ++i) charge(id, "gpt-a", kChat, 100, cost_of(10, 1), {1, 0, 1});
    std::promise<StatementOutcome> report;
    // One entry per job: the top-up below is queued before the report's second chunk.
    build_statement(
        *ledger_, id, {from, from + kHour},
        [&](StatementOutcome outcome) { report.set_value(std::move(outcome)); },
        ReportLimits{1, 1'000, 100});
    auto late = top_up(id, 777, "late");
    auto outcome = report.get_future().get();
    ASSERT_EQ(outcome.result, ReportResult::ok);
    EXPECT_LT(outcome.statement.as_of_entry_id, late.entry.id);
    EXPECT_TRUE(outcome.statement.entries.empty());
    EXPECT_EQ(outcome.statement.closing_balance_nanos, 10'000 - 4 * 11);
    expect_balanced(outcome.statement);
}

TEST_F(ReportsTest, APeriodWithMoreEntriesThanTheLimitIsRefusedAndOneAtTheLimitIsNot) {
    const auto id = new_account();
    const auto from = clock_ms_.load();
    for (int i = 0; i < 6; ++i) top_up(id, 10, std::to_string(i) + "-top-up");
    const auto to = clock_ms_.load() + 1;
    EXPECT_EQ(statement(id, from, to, ReportLimits{2, 6, 100}).result, ReportResult::ok);
    EXPECT_EQ(statement(id, from, to, ReportLimits{2, 4, 100}).result,
              ReportResult::too_many_entries);
    EXPECT_EQ(statement(id, from, to, ReportLimits{2, 100, 5}).result,
              ReportResult::too_many_entries);
    EXPECT_EQ(usage(from, to, EntryGrouping::day, ReportLimits{3, 3, 0}).result,
              ReportResult::too_many_entries);
}

TEST_F(ReportsTest, AStatementOfAnUnknownAccountIsNotFound) {
    new_account(5);
    EXPECT_EQ(statement(999, 0, clock_ms_.load() + 1).result, ReportResult::account_not_found);
}

TEST_F(ReportsTest, AnAccountWithoutEntriesInThePeriodKeepsItsBalance) {
    const auto id = new_account(1'234);
    advance(kDay);
    auto s = statement(id, clock_ms_.load() - kHour, clock_ms_.load()).statement;
    EXPECT_EQ(s.opening_balance_nanos, 1'234);
    EXPECT_EQ(s.closing_balance_nanos, 1'234);
    EXPECT_TRUE(s.lines.empty());
    EXPECT_TRUE(s.entries.empty());
    expect_balanced(s);
}

TEST_F(ReportsTest, UsageGroupsChargesByModelEndpointAccountAndDay) {
    const auto big = new_account(1'000'000);
    const auto small = new_account(1'000'000);
    // Day boundaries of the fixture's clock: start exactly at a UTC midnight.
    clock_ms_ = (clock_ms_.load() / kDay + 1) * kDay;
    const auto from = clock_ms_.load();
    charge(big, "gpt-a", kChat, 10'000, cost_of(5'000, 500), {1'000, 100, 200});
    charge(big, "gpt-b", "/v1/embeddings", 10'000, cost_of(100, 10), {500, 0, 0}, true);
    advance(kDay);  // the next UTC day
    charge(small, "gpt-a", kChat, 10'000, cost_of(300, 30), {30, 0, 3});
    top_up(small, 50, "not usage");
    const auto to = clock_ms_.load() + 1;

    auto by_model = usage(from, to, EntryGrouping::model).report;
    ASSERT_EQ(by_model.rows.size(), 2u);
    EXPECT_EQ(by_model.rows[0].model, "gpt-a");  // the largest total first
    EXPECT_EQ(by_model.rows[0].sums.requests, 2);
    EXPECT_EQ(by_model.rows[0].sums.provider_cost_nanos, 5'300);
    EXPECT_EQ(by_model.rows[0].sums.markup_nanos, 530);
    EXPECT_EQ(by_model.rows[0].sums.amount_nanos, -5'830);
    EXPECT_EQ(by_model.rows[1].model, "gpt-b");
    EXPECT_EQ(by_model.rows[1].sums.estimated, 1);
    EXPECT_EQ(by_model.totals.requests, 3);
    EXPECT_EQ(by_model.totals.prompt_tokens, 1'530);
    EXPECT_EQ(by_model.totals.cached_tokens, 100);
    EXPECT_EQ(by_model.totals.completion_tokens, 203);
    EXPECT_EQ(by_model.totals.amount_nanos, -5'940);
    EXPECT_EQ(by_model.totals.estimated, 1);
    EXPECT_EQ(by_model.group_by, EntryGrouping::model);

    auto by_endpoint = usage(from, to, EntryGrouping::endpoint).report;
    ASSERT_EQ(by_endpoint.rows.size(), 2u);
    EXPECT_EQ(by_endpoint.rows[0].endpoint, kChat);
    EXPECT_EQ(by_endpoint.rows[1].endpoint, "/v1/embeddings");
    EXPECT_EQ(by_endpoint.rows[0].model, "");

    auto by_account = usage(from, to, EntryGrouping::account).report;
    ASSERT_EQ(by_account.rows.size(), 2u);
    EXPECT_EQ(by_account.rows[0].account_id, big);
    EXPECT_EQ(by_account.rows[0].account_name, "test");
    EXPECT_EQ(by_account.rows[0].sums.amount_nanos, -5'610);
    EXPECT_EQ(by_account.rows[1].account_id, small);
    EXPECT_EQ(by_account.rows[1].sums.amount_nanos, -330);

    auto by_day = usage(from, to, EntryGrouping::day).report;
    ASSERT_EQ(by_day.rows.size(), 2u);  // in time order, whatever they cost
    EXPECT_EQ(by_day.rows[0].day, from / kDay);
    EXPECT_EQ(by_day.rows[0].sums.requests, 2);
    EXPECT_EQ(by_day.rows[1].day, from / kDay + 1);
    EXPECT_EQ(by_day.rows[1].sums.requests, 1);
    EXPECT_EQ(by_day.totals.amount_nanos, by_model.totals.amount_nanos);

    auto empty = usage(to, to + kHour, EntryGrouping::model);
    ASSERT_EQ(empty.result, ReportResult::ok);
    EXPECT_TRUE(empty.report.rows.empty());
    EXPECT_EQ(empty.report.totals.requests, 0);
}

TEST(ReportSums, AddingPastInt64IsAnOverflowNotAWrap) {
    UsageSums a;
    a.amount_nanos = INT64_MIN + 5;
    UsageSums more;
    more.amount_nanos = -5;  // would reach INT64_MIN, whose charge (-amount) cannot be shown
    EXPECT_FALSE(add_sums(a, more));
    UsageSums b;
    b.requests = INT64_MAX;
    UsageSums one;
    one.requests = 1;
    EXPECT_FALSE(add_sums(b, one));
    UsageSums c;
    EXPECT_TRUE(add_sums(c, one));
    EXPECT_EQ(c.requests, 1);
}

}  // namespace creditgate::testing
