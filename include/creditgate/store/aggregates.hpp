#pragma once
// Read-only views of the entries that reports are built from: a window of entries in time
// order, read in bounded chunks, and the sums of a chunk grouped one way. Plain data.
#include <cstdint>
#include <optional>
#include <string>

namespace creditgate {

// An entry's place in time order: (created_at_ms, id). Reports walk entries in this order.
struct EntryPosition {
    std::int64_t created_at_ms = 0;
    std::int64_t id = 0;
};

// The entries with after < (created_at_ms, id) <= until and id <= max_entry_id, of one
// account or of all. max_entry_id pins a snapshot: entries are append-only, so a report read
// in several chunks (several transactions) sees exactly the entries that existed at its start.
struct EntryWindow {
    std::optional<std::int64_t> account_id;  // all accounts when empty
    EntryPosition after;
    EntryPosition until;
    std::int64_t max_entry_id = 0;
};

enum class EntryGrouping { model_endpoint, model, endpoint, account, day, key };

// Sums over the charges of a group, and the count of its abandoned holds that were voided.
struct UsageSums {
    std::int64_t requests = 0;       // charges
    std::int64_t voided = 0;         // holds voided as abandoned ("void" entries: nothing moved)
    std::int64_t prompt_tokens = 0;  // cached tokens included, as in the OpenAI shape
    std::int64_t cached_tokens = 0;
    std::int64_t completion_tokens = 0;
    std::int64_t cache_write_tokens = 0;  // part of prompt_tokens
    std::int64_t reasoning_tokens = 0;    // part of completion_tokens
    std::int64_t images = 0;
    std::int64_t provider_cost_nanos = 0;
    std::int64_t markup_nanos = 0;
    std::int64_t amount_nanos = 0;  // signed like the entries: minus what was debited
    // Charges carrying each flag.
    std::int64_t estimated = 0;
    std::int64_t overrun = 0;
    std::int64_t abandoned = 0;  // charged at the quote because nobody settled the hold
    std::int64_t byok = 0;
};

// One group of a chunk. Only the key fields of the grouping are set; the others stay empty.
struct EntryAggregate {
    std::string model;
    std::string endpoint;
    std::int64_t account_id = 0;
    std::string account_name;
    std::int64_t day = 0;     // days since 1970-01-01, UTC
    std::int64_t key_id = 0;  // 0: no key (an entry an admin made)
    std::string key_name;
    UsageSums sums;
};

}  // namespace creditgate
