#pragma once
// What a finished request is charged: the one rule, for every shape and every ending.
//
// - Usage reported and priceable: its exact cost; tokens the provider counted in total_tokens
//   outside the priced classes are charged at the dearest class, flagged "usage_mismatch";
//   1-hour cache writes (no class sells them) and cache writes on an entry without a
//   cache_write price are charged at the dearest class, flagged "unpriced_class".
// - Usage missing, or 0 prompt and 0 completion tokens beside real output (usage_assessment.hpp),
//   or usage missing (the client hung up, the upstream was cut off, the provider sent none): the
//   prompt's upper bound plus the output the proxy relayed (its tokens counted with the model's
//   tokenizer, or its bytes, which bound tokens), flagged "estimated". Missing usage is never
//   billed as zero. Images the reply delivered (ReportedUsage::images) are charged either way:
//   they are counted, not estimated.
// - A cost that cannot be computed (inconsistent counts, overflow): the quote, flagged
//   "estimated" and "quote". A charge is never dropped for a pricing failure.
#include <cstdint>
#include <optional>
#include <string>

#include "creditgate/pricing/cost.hpp"
#include "creditgate/usage/openai_usage.hpp"

namespace creditgate {

struct BillInputs {
    const ModelPrice& price;
    const Markup& markup;
    const Cost& quote;  // what the hold reserved
    const std::optional<ReportedUsage>& usage;
    std::int64_t prompt_bound_tokens = 0;
    std::int64_t output_bytes = 0;
    // The relayed output counted with the model's tokenizer (Shape::output_tokens_estimate);
    // nullopt: output_bytes stands in.
    std::optional<std::int64_t> output_tokens = std::nullopt;
};

struct Bill {
    TokenCounts tokens;
    Cost cost;
    bool estimated = false;
    std::string flags;  // beyond "estimated": "quote" when the quote was charged
    std::string raw_usage;
};

Bill bill_for(const BillInputs& in);

}  // namespace creditgate
