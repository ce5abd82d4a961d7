// Report replies: RFC 4180 quoting, CSV rows that add up like the JSON, exact amounts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "creditgate/views/render_reports.hpp"

namespace creditgate {

namespace {

// Splits RFC 4180 text into rows of fields (quoted fields may hold commas, quotes, CR LF).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(std::move(field));
            field.clear();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            rows.back().push_back(std::move(field));
            field.clear();
            rows.emplace_back();
            ++i;
        } else {
            field += c;
        }
    }
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i] == name) return i;
    }
    ADD_FAILURE() << "no column " << name;
    return 0;
}

Statement sample_statement() {
    Statement s;
    s.account_id = 7;
    s.account_name = "acme, \"inc\"";
    s.period = {1'798'761'600'000, 1'801'440'000'000};  // 2027-01-01 .. 2027-02-01
    s.opening_balance_nanos = 10'000'000'000;
    StatementLine line;
    line.model = "gpt-4o";
    line.endpoint = "/v1/chat/completions";
    line.sums.requests = 3;
    line.sums.provider_cost_nanos = 1'000'000'000;
    line.sums.markup_nanos = 100'000'000;
    line.sums.amount_nanos = -1'100'000'000;
    line.sums.overrun = 1;
    s.lines.push_back(line);
    EntryRecord grant;
    grant.id = 41;
    grant.type = "grant";
    grant.amount_nanos = 5'000'000'000;
    grant.reference = "plan, January\r\n\"pro\"";
    grant.actor = "ops";
    grant.created_at_ms = 1'798'761'600'000;
    EntryRecord expiry = grant;
    expiry.id = 42;
    expiry.type = "expiry";
    expiry.amount_nanos = -1'500'000'000;
    expiry.actor.clear();
    s.entries = {grant, expiry};
    s.charges = line.sums;
    s.credits_nanos = 5'000'000'000;
    s.debits_nanos = -1'500'000'000;
    s.closing_balance_nanos = 10'000'000'000 - 1'100'000'000 + 5'000'000'000 - 1'500'000'000;
    return s;
}

}  // namespace

TEST(CsvField, OnlyFieldsWithCommasQuotesOrLineBreaksAreQuotedAndQuotesDoubled) {
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field(""), "");
    EXPECT_EQ(csv_field("-1.5"), "-1.5");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
    // A reference typed as a formula stays text in a spreadsheet; amounts stay numbers.
    EXPECT_EQ(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    EXPECT_EQ(csv_field("+1 refund"), "'+1 refund");
    EXPECT_EQ(csv_field("-x"), "'-x");
    EXPECT_EQ(csv_field("@sum"), "'@sum");
    EXPECT_EQ(csv_field("-0.000000001"), "-0.000000001");
}

TEST(StatementCsv, OneHeaderThenLinesThenEntriesThenTotalsAndTheAmountsAddUp) {
    const auto s = sample_statement();
    const auto text = statement_csv(s);
    ASSERT_GE(text.size(), 2u);
    EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
    const auto rows = parse_csv(text);
    ASSERT_EQ(rows.size(), 1u + 1 + 2 + 1);
    const auto& header = rows[0];
    for (const auto& row : rows) EXPECT_EQ(row.size(), header.size());
    const auto kind = column(header, "row");
    EXPECT_EQ(rows[1][kind], "charges");
    EXPECT_EQ(rows[2][kind], "entry");
    EXPECT_EQ(rows[3][kind], "entry");
    EXPECT_EQ(rows[4][kind], "total");
    EXPECT_EQ(rows[2][column(header, "reference")], "plan, January\r\n\"pro\"");
    EXPECT_EQ(rows[2][column(header, "created_at")], "2027-01-01T00:00:00.000Z");
    EXPECT_EQ(rows[1][column(header, "provider_cost")], "1");
    EXPECT_EQ(rows[1][column(header, "markup")], "0.1");
    EXPECT_EQ(rows[1][column(header, "total")], "1.1");
    EXPECT_EQ(rows[1][column(header, "total_nanos")], "1100000000");
    EXPECT_EQ(rows[1][column(header, "overrun")], "1");

    const auto nanos = column(header, "amount_nanos");
    std::int64_t sum = 0;
    for (std::size_t i = 1; i + 1 < rows.size(); ++i) sum += std::stoll(rows[i][nanos]);
    EXPECT_EQ(std::to_string(sum), rows[4][nanos]);
    EXPECT_EQ(sum, s.closing_balance_nanos - s.opening_balance_nanos);
    EXPECT_EQ(rows[4][column(header, "amount")], "2.4");
    EXPECT_EQ(rows[4][column(header, "opening_balance")], "10");
    EXPECT_EQ(rows[4][column(header, "closing_balance")], "12.4");
    EXPECT_EQ(rows[4][column(header, "closing_balance_nanos")], "12400000000");
}

TEST(StatementJson, AmountsAreExactDecimalsAndNanosAndTheTotalsExplainTheChange) {
    const auto j = statement_json(sample_statement());
    EXPECT_EQ(j["object"], "account_statement");
    EXPECT_EQ(j["from"], "2027-01-01T00:00:00.000Z");
    EXPECT_EQ(j["to"], "2027-02-01T00:00:00.000Z");
    EXPECT_EQ(j["opening_balance"], "10");
    EXPECT_EQ(j["closing_balance_nanos"], 12'400'000'000);
    EXPECT_EQ(j["lines"][0]["total"], "1.1");
    EXPECT_EQ(j["lines"][0]["amount_nanos"], -1'100'000'000);
    EXPECT_EQ(j["lines"][0]["flags"]["overrun"], 1);
    EXPECT_EQ(j["entries"][1]["type"], "expiry");
    EXPECT_EQ(j["entries"][1]["amount"], "-1.5");
    EXPECT_EQ(j["totals"]["change"], "2.4");
    EXPECT_EQ(j["totals"]["credits"], "5");
    EXPECT_EQ(j["totals"]["debits_nanos"], -1'500'000'000);
    EXPECT_EQ(j["totals"]["markup"], "0.1");
}

TEST(UsageReplies, KeysFollowTheGroupingAndDaysAreUtcDates) {
    UsageReport r;
    r.group_by = EntryGrouping::account;
    EntryAggregate a;
    a.account_id = 3;
    a.account_name = "x,y";
    a.sums.requests = 2;
    a.sums.amount_nanos = -5;
    r.rows = {a};
    r.totals = a.sums;
    auto j = usage_json(r);
    EXPECT_EQ(j["group_by"], "account");
    EXPECT_EQ(j["data"][0]["account_id"], 3);
    EXPECT_EQ(j["data"][0]["account_name"], "x,y");
    EXPECT_FALSE(j["data"][0].contains("model"));
    EXPECT_EQ(j["totals"]["total"], "0.000000005");
    auto rows = parse_csv(usage_csv(r));
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0][1], "account_id");
    EXPECT_EQ(rows[1][2], "x,y");
    EXPECT_EQ(rows[2][0], "total");
    EXPECT_EQ(rows[2][1], "");

    EXPECT_EQ(format_day(0), "1970-01-01");
    EXPECT_EQ(format_day(20'819), "2027-01-01");
}

}  // namespace creditgate
