// Fuzzes what every client byte reaches first: request validation, the prompt-token bound and
// the quote. None may crash; an accepted request must price to a non-negative bound or a named
// error, and the rewrite for the provider must be valid JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "creditgate/pricing/chat_quote.hpp"
#include "creditgate/pricing/cost.hpp"
#include "creditgate/shapes/chat_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace creditgate;
    auto parsed = parse_chat_request(std::string_view(reinterpret_cast<const char*>(data), size));
    auto* request = std::get_if<ChatRequest>(&parsed);
    if (!request) return 0;
    ModelConfig model{"m", "p", "upstream", ModelPrice{150'000'000, 75'000'000, 600'000'000},
                      16'384};
    auto bound = chat_prompt_tokens_bound(request->body);
    if (bound < 0) __builtin_trap();
    auto quote = compute_quote(model.price, Markup{10'000'000'000, 0}, bound,
                               output_tokens_bound(*request, model));
    if (quote.result == CostResult::ok && quote.cost.total_nanos < 0) __builtin_trap();
    auto body = upstream_body(*request, model);
    if (nlohmann::json::parse(body, nullptr, false).is_discarded()) __builtin_trap();
    return 0;
}
