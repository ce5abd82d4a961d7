#include "creditgate/ledger/key_limits.hpp"

#include <algorithm>

#include "creditgate/observe/invariant.hpp"

namespace creditgate {

namespace {

constexpr std::int64_t kUnitsPerCount = 60'000;  // a bucket's units per request or token

std::int64_t units_of(std::int64_t count) {
    return std::clamp<std::int64_t>(count, 0, kMaxKeyRate) * kUnitsPerCount;
}

// Milliseconds until a bucket filling `limit` units per ms holds `needed` units, rounded up.
std::int64_t wait_ms(std::int64_t level, std::int64_t needed, std::int64_t limit) {
    if (level >= needed) return 0;
    return (needed - level + limit - 1) / limit;
}

KeyRefusal refusal_of(KeyRefusalKind kind, std::int64_t key_id, const char* limit,
                      std::int64_t value) {
    KeyRefusal refusal;
    refusal.kind = kind;
    refusal.key_id = key_id;
    refusal.limit = limit;
    refusal.limit_value = value;
    return refusal;
}

}  // namespace

void KeyLimits::load(const std::vector<KeyRecord>& keys, const std::vector<KeySpendRecord>& spend,
                     std::int64_t now_ms) {
    nodes_.clear();
    children_.clear();
    for (const auto& key : keys) {  // in id order: a parent before its children
        add(key.id, key.parent_id);
        nodes_.at(key.id).revoked = key.revoked_at_ms.has_value();
    }
    for (auto& [id, node] : nodes_) {
        for (auto period : kBudgetPeriods) {
            node.spent[index_of(period)].start_ms = period_start(period, now_ms);
        }
    }
    // Each key's own spend goes to it and to every key above it.
    for (const auto& own : spend) {
        const std::array<std::int64_t, 4> by_period = {own.day_nanos, own.week_nanos,
                                                       own.month_nanos, own.lifetime_nanos};
        for (auto* node : chain(own.key_id)) {
            for (auto period : kBudgetPeriods) {
                node->spent[index_of(period)].nanos += by_period[index_of(period)];
            }
        }
    }
}

void KeyLimits::restore_hold(std::int64_t key_id, std::int64_t amount_nanos) {
    for (auto* node : chain(key_id)) {
        node->reserved_nanos += amount_nanos;
        node->concurrent += 1;
    }
}

void KeyLimits::add(std::int64_t key_id, std::optional<std::int64_t> parent_id) {
    auto& node = nodes_[key_id];
    node.parent_id = parent_id;
    if (parent_id) {
        CG_CHECK(nodes_.count(*parent_id) != 0 && *parent_id != key_id,
                 "a key's parent is known before it");
        children_[*parent_id].push_back(key_id);
    }
}

void KeyLimits::set_spec(std::int64_t key_id, const KeyLimitSpec& spec) {
    auto it = nodes_.find(key_id);
    if (it != nodes_.end()) it->second.spec = spec;
}

std::vector<std::int64_t> KeyLimits::revoke(std::int64_t key_id) {
    std::vector<std::int64_t> revoked;
    std::vector<std::int64_t> pending{key_id};
    while (!pending.empty()) {
        const auto id = pending.back();
        pending.pop_back();
        auto it = nodes_.find(id);
        if (it == nodes_.end()) continue;
        if (!it->second.revoked) revoked.push_back(id);
        it->second.revoked = true;
        if (auto kids = children_.find(id); kids != children_.end()) {
            pending.insert(pending.end(), kids->second.begin(), kids->second.end());
        }
    }
    return revoked;
}

std::vector<KeyLimits::Node*> KeyLimits::chain(std::int64_t key_id) {
    std::vector<Node*> out;
    std::optional<std::int64_t> id = key_id;
    while (id) {
        auto it = nodes_.find(*id);
        if (it == nodes_.end()) break;
        out.push_back(&it->second);
        id = it->second.parent_id;
    }
    return out;
}

void KeyLimits::roll(PeriodSpend& spend, BudgetPeriod period, std::int64_t now_ms) {
    const auto start = period_start(period, now_ms);
    // Only forward: a clock that steps back does not bring an old period's spend back.
    if (start > spend.start_ms) spend = {start, 0};
}

void KeyLimits::refill(Bucket& bucket, std::int64_t limit, std::int64_t now_ms) {
    const auto capacity = limit * kUnitsPerCount;
    if (!bucket.started) {
        bucket = {capacity, now_ms, true};
        return;
    }
    // Elapsed time counts up to what fills the bucket, however far below zero a large charge
    // left it (a minute's cap would lose the rest of a long pause), and no further: no overflow.
    // The cap also applies when the limit was lowered or a bound came back after a change.
    const auto to_full_ms =
        bucket.level >= capacity ? 0 : (capacity - bucket.level + limit - 1) / limit;
    const auto elapsed = std::clamp<std::int64_t>(now_ms - bucket.at_ms, 0, to_full_ms);
    bucket.level = std::min(capacity, bucket.level + elapsed * limit);
    bucket.at_ms = std::max(bucket.at_ms, now_ms);
}

std::optional<KeyRefusal> KeyLimits::check(std::int64_t key_id, Node& node,
                                           std::int64_t amount_nanos, std::int64_t token_bound,
                                           std::int64_t now_ms) {
    if (node.revoked) return refusal_of(KeyRefusalKind::revoked, key_id, "revoked", 0);
    for (auto period : kBudgetPeriods) {
        auto& spend = node.spent[index_of(period)];
        roll(spend, period, now_ms);
        const auto& budget = node.spec.budgets[index_of(period)];
        if (!budget) continue;
        const auto committed = spend.nanos + node.reserved_nanos;
        // Compared without adding the amount to the committed sum: no overflow near int64 max.
        if (committed > *budget || amount_nanos > *budget - committed) {
            auto refusal = refusal_of(KeyRefusalKind::budget, key_id, to_string(period), *budget);
            refusal.remaining_nanos = std::max<std::int64_t>(*budget - committed, 0);
            refusal.resets_at_ms = period_end(period, now_ms);
            return refusal;
        }
    }
    const auto rate_refusal = [&](const char* name, std::int64_t limit, std::int64_t wait) {
        auto refusal = refusal_of(KeyRefusalKind::rate, key_id, name, limit);
        refusal.retry_after_ms = wait;
        return refusal;
    };
    if (node.spec.max_concurrent && node.concurrent >= *node.spec.max_concurrent) {
        // A slot frees when a request ends; a second is a fair guess at when to try again.
        return rate_refusal("max_concurrent", *node.spec.max_concurrent, 1000);
    }
    if (node.spec.rpm) {
        refill(node.requests, *node.spec.rpm, now_ms);
        if (node.requests.level < kUnitsPerCount) {
            return rate_refusal("rpm", *node.spec.rpm,
                                wait_ms(node.requests.level, kUnitsPerCount, *node.spec.rpm));
        }
    }
    if (node.spec.tpm) {
        refill(node.tokens, *node.spec.tpm, now_ms);
        // The request's bound must fit in what is left; a bound above a minute's worth needs
        // a full bucket (and then takes it below zero, to be paid back before the next).
        const auto needed = std::min(units_of(token_bound), *node.spec.tpm * kUnitsPerCount);
        if (node.tokens.level < needed || node.tokens.level <= 0) {
            return rate_refusal(
                "tpm", *node.spec.tpm,
                wait_ms(node.tokens.level, std::max<std::int64_t>(needed, 1), *node.spec.tpm));
        }
    }
    return std::nullopt;
}

std::optional<KeyRefusal> KeyLimits::admit(std::int64_t key_id, std::int64_t amount_nanos,
                                           std::int64_t token_bound, std::int64_t now_ms) {
    auto nodes = chain(key_id);
    std::optional<std::int64_t> id = key_id;
    for (auto* node : nodes) {
        if (auto refusal = check(*id, *node, amount_nanos, token_bound, now_ms)) return refusal;
        id = node->parent_id;
    }
    // Every key in the chain passed: only now does anything change.
    for (auto* node : nodes) {
        node->reserved_nanos += amount_nanos;
        node->concurrent += 1;
        if (node->spec.rpm) node->requests.level -= kUnitsPerCount;
        if (node->spec.tpm) node->tokens.level -= units_of(token_bound);
    }
    return std::nullopt;
}

void KeyLimits::end_hold(std::int64_t key_id, std::int64_t amount_nanos, std::int64_t token_bound) {
    for (auto* node : chain(key_id)) {
        node->reserved_nanos -= amount_nanos;
        node->concurrent -= 1;
        CG_CHECK(node->reserved_nanos >= 0 && node->concurrent >= 0,
                 "a key's holds end as often as they were placed");
        // The bound reserved at admission comes back; the charge takes what was used.
        if (node->tokens.started) node->tokens.level += units_of(token_bound);
    }
}

void KeyLimits::charge(std::int64_t key_id, std::int64_t amount_nanos, std::int64_t tokens,
                       std::int64_t now_ms) {
    for (auto* node : chain(key_id)) {
        for (auto period : kBudgetPeriods) {
            auto& spend = node->spent[index_of(period)];
            roll(spend, period, now_ms);
            spend.nanos += amount_nanos;
        }
        if (node->tokens.started) node->tokens.level -= units_of(tokens);
    }
}

std::optional<KeyUsage> KeyLimits::usage(std::int64_t key_id, std::int64_t now_ms) {
    auto it = nodes_.find(key_id);
    if (it == nodes_.end()) return std::nullopt;
    auto& node = it->second;
    KeyUsage out;
    for (auto period : kBudgetPeriods) {
        auto& spend = node.spent[index_of(period)];
        roll(spend, period, now_ms);
        out.spent_nanos[index_of(period)] = spend.nanos;
        out.resets_at_ms[index_of(period)] = period_end(period, now_ms);
    }
    out.reserved_nanos = node.reserved_nanos;
    out.concurrent = node.concurrent;
    out.spec = node.spec;
    out.revoked = node.revoked;
    return out;
}

}  // namespace creditgate
