#pragma once
// A key's own limits, decided with the balance: budgets per period and for its lifetime, requests
// and tokens per minute, and requests at once. A sub-key's use counts against every key above
// it, so each key's counters cover the key and all the keys it minted, and admission checks the
// whole chain up to the account's root key.
//
// Not thread-safe: the ledger calls it under its one mutex, in the same step as the balance
// check, so 64 requests racing on one key cannot together pass a budget that each alone would.
// A budget counts what is spent in the current period plus what open holds reserve; a charge
// counts in the period it is made in. Rates are token buckets refilled continuously: a full
// minute's allowance at once, then limit/60 per second. A request passes when its token bound
// fits in the tokens per minute left, reserves it, and the charge replaces it by the tokens used.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "creditgate/ledger/key_periods.hpp"
#include "creditgate/store/records.hpp"

namespace creditgate {

// The upper bound of any rate or concurrency limit: keeps the bucket arithmetic in int64.
inline constexpr std::int64_t kMaxKeyRate = 1'000'000'000;

struct KeyLimitSpec {
    std::array<std::optional<std::int64_t>, 4> budgets;  // nanos, by BudgetPeriod
    std::optional<std::int64_t> rpm;
    std::optional<std::int64_t> tpm;
    std::optional<std::int64_t> max_concurrent;
    bool operator==(const KeyLimitSpec&) const = default;
};

enum class KeyRefusalKind { budget, rate, revoked };

struct KeyRefusal {
    KeyRefusalKind kind = KeyRefusalKind::revoked;
    std::int64_t key_id = 0;  // the key whose limit refused: the caller's or one above it
    std::string limit;        // "day", "week", "month", "lifetime", "rpm", "tpm", "max_concurrent"
    std::int64_t limit_value = 0;              // the budget (nanos) or the rate
    std::int64_t remaining_nanos = 0;          // budgets: what is left (never negative)
    std::optional<std::int64_t> resets_at_ms;  // budgets: the next period (none for lifetime)
    std::int64_t retry_after_ms = 0;           // rates: when one more request could pass
};

// A key's counters as of a time: its own use and that of every key it minted.
struct KeyUsage {
    std::array<std::int64_t, 4> spent_nanos{};  // charged in the current period, by BudgetPeriod
    std::array<std::optional<std::int64_t>, 4> resets_at_ms{};
    std::int64_t reserved_nanos = 0;  // open holds
    std::int64_t concurrent = 0;
    KeyLimitSpec spec;
    bool revoked = false;
};

class KeyLimits {
  public:
    // The tree as the store has it (every key, revoked ones too) and each key's own spend in
    // the day, week and month that contain `now_ms`, and in all.
    void load(const std::vector<KeyRecord>& keys, const std::vector<KeySpendRecord>& spend,
              std::int64_t now_ms);

    // A hold a previous process left open (loaded with the store): counted as admitted with no
    // token bound, so that ending it balances.
    void restore_hold(std::int64_t key_id, std::int64_t amount_nanos);
    // A key made after load (its parent, if any, already known). Its limits are set apart.
    void add(std::int64_t key_id, std::optional<std::int64_t> parent_id);
    // Changes what a key's limits are; from the next admission on.
    void set_spec(std::int64_t key_id, const KeyLimitSpec& spec);
    // The key and every key below it; returns the ids that were live and now are revoked.
    std::vector<std::int64_t> revoke(std::int64_t key_id);

    // Checks every limit of the key and the keys above it; if all pass, reserves the amount
    // and the token bound, counts the request and a concurrent slot on each. Keys it does not
    // know (key id 0, tests) have no limits.
    std::optional<KeyRefusal> admit(std::int64_t key_id, std::int64_t amount_nanos,
                                    std::int64_t token_bound, std::int64_t now_ms);
    // The hold admitted with these numbers ended (settled, voided or abandoned).
    void end_hold(std::int64_t key_id, std::int64_t amount_nanos, std::int64_t token_bound);
    // A charge of the key's request (also late and abandoned ones), in the period of `now_ms`.
    void charge(std::int64_t key_id, std::int64_t amount_nanos, std::int64_t tokens,
                std::int64_t now_ms);

    std::optional<KeyUsage> usage(std::int64_t key_id, std::int64_t now_ms);

  private:
    struct PeriodSpend {
        std::int64_t start_ms = 0;
        std::int64_t nanos = 0;
    };
    // Continuous token bucket in units of 1/60000 of a request or token: refills `limit` units
    // per millisecond, holds at most a minute's worth.
    struct Bucket {
        std::int64_t level = 0;
        std::int64_t at_ms = 0;
        bool started = false;
    };
    struct Node {
        std::optional<std::int64_t> parent_id;
        KeyLimitSpec spec;
        bool revoked = false;
        std::array<PeriodSpend, 4> spent{};
        std::int64_t reserved_nanos = 0;
        std::int64_t concurrent = 0;
        Bucket requests;
        Bucket tokens;
    };

    // The key and the keys above it, the key first; empty for an unknown key.
    std::vector<Node*> chain(std::int64_t key_id);
    static void roll(PeriodSpend& spend, BudgetPeriod period, std::int64_t now_ms);
    static void refill(Bucket& bucket, std::int64_t limit, std::int64_t now_ms);
    std::optional<KeyRefusal> check(std::int64_t key_id, Node& node, std::int64_t amount_nanos,
                                    std::int64_t token_bound, std::int64_t now_ms);

    std::unordered_map<std::int64_t, Node> nodes_;
    std::unordered_map<std::int64_t, std::vector<std::int64_t>> children_;
};

}  // namespace creditgate
