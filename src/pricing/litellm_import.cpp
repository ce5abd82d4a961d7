#include "creditgate/pricing/litellm_import.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "creditgate/pricing/decimal_shift.hpp"

namespace creditgate {

namespace {

using json = nlohmann::json;
using Kind = LiteLlmValue::Kind;

constexpr int kPerMillionTokens = 6;  // LiteLLM prices one token; ours a million
// The config's bound on max_output_tokens (config.cpp): an entry above it would not load.
constexpr std::int64_t kMaxOutputTokens = 10'000'000;

// The modes whose cost is tokens × per-token prices. Others (image_generation,
// audio_transcription, rerank, ...) are priced per image, second or call.
constexpr std::array<std::string_view, 4> kTokenPricedModes = {"chat", "completion", "responses",
                                                               "embedding"};

// Why one entry cannot be imported; caught per entry, so one bad entry never stops the rest.
class NotImportable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// As JSON writes it: quotes escaped, so a message cannot be misread.
std::string as_json_string(const std::string& text) {
    return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string_view kind_name(Kind kind) {
    switch (kind) {
        case Kind::number:
            return "a number";
        case Kind::string:
            return "a string";
        case Kind::boolean:
            return "a boolean";
        case Kind::null:
            return "null";
        case Kind::object:
            return "an object";
        case Kind::array:
            return "an array";
    }
    return "something else";
}

// A field's value, or nullptr when the entry does not have it or has it as null.
const LiteLlmValue* find(const LiteLlmEntry& entry, std::string_view field) {
    const auto it = entry.fields.find(field);
    if (it == entry.fields.end() || it->second.kind == Kind::null) return nullptr;
    return &it->second;
}

std::string price_per_mtok(const LiteLlmValue& value, std::string_view field) {
    if (value.kind != Kind::number) {
        throw NotImportable(std::string(field) + ": expected a JSON number, got " +
                            std::string(kind_name(value.kind)));
    }
    const DecimalShift shift = shift_decimal_point(value.text, kPerMillionTokens);
    if (shift.status != DecimalShiftStatus::ok) {
        throw NotImportable(std::string(field) + " " + value.text + " " +
                            std::string(describe(shift.status)));
    }
    return shift.decimal;
}

std::string required_price(const LiteLlmEntry& entry, std::string_view field) {
    const LiteLlmValue* value = find(entry, field);
    if (!value) throw NotImportable("no " + std::string(field) + ": not priced per token");
    return price_per_mtok(*value, field);
}

std::string token_priced_mode(const LiteLlmEntry& entry) {
    const LiteLlmValue* mode = find(entry, "mode");
    if (!mode) return "chat";  // LiteLLM's own default for an entry without a mode
    if (mode->kind != Kind::string) {
        throw NotImportable("mode: expected a string, got " + std::string(kind_name(mode->kind)));
    }
    for (const std::string_view priced : kTokenPricedModes) {
        if (mode->text == priced) return mode->text;
    }
    throw NotImportable("mode " + as_json_string(mode->text) +
                        " is not priced per token (imported: chat, completion, responses, "
                        "embedding)");
}

// LiteLLM's "input_cost_per_token_above_200k_tokens" and the like: a dearer price once the
// prompt passes a size. One price per class would under-charge every long prompt.
void refuse_prompt_size_tiers(const LiteLlmEntry& entry) {
    for (const auto& [field, value] : entry.fields) {
        const bool size_tier = field.find("_above_") != std::string::npos &&
                               field.ends_with("_tokens") && value.kind != Kind::null;
        if (size_tier || (field == "tiered_pricing" && value.kind != Kind::null)) {
            throw NotImportable("priced by prompt size (" + field +
                                "); creditgate has one price per class and would under-charge "
                                "long prompts");
        }
    }
}

std::int64_t token_count(const LiteLlmValue& value, std::string_view field) {
    std::int64_t count = 0;
    const char* end = value.text.data() + value.text.size();
    const auto [ptr, ec] = std::from_chars(value.text.data(), end, count);
    if (value.kind != Kind::number || ec != std::errc{} || ptr != end || count < 1 ||
        count > kMaxOutputTokens) {
        throw NotImportable(
            std::string(field) + ": expected an integer from 1 to " +
            std::to_string(kMaxOutputTokens) + ", got " +
            (value.kind == Kind::number ? value.text : std::string(kind_name(value.kind))));
    }
    return count;
}

std::int64_t max_output_tokens(const LiteLlmEntry& entry, const std::string& mode) {
    // An embedding produces no tokens; LiteLLM's max_tokens there is the input limit.
    if (mode == "embedding") return 1;
    if (const LiteLlmValue* value = find(entry, "max_output_tokens")) {
        return token_count(*value, "max_output_tokens");
    }
    if (const LiteLlmValue* value = find(entry, "max_tokens")) {
        return token_count(*value, "max_tokens");
    }
    throw NotImportable("no max_output_tokens or max_tokens: the hold needs an output bound");
}

// LiteLLM keys are often "<litellm_provider>/<model>" ("groq/llama-3.1-8b-instant"); the
// provider itself is sent the part after the prefix.
std::string upstream_model(const std::string& name, const LiteLlmValue* litellm_provider) {
    if (litellm_provider && litellm_provider->kind == Kind::string) {
        const std::string prefix = litellm_provider->text + "/";
        if (name.size() > prefix.size() && name.starts_with(prefix)) {
            return name.substr(prefix.size());
        }
    }
    return name;
}

// Anthropic's 1-hour cache writes cost more than the 5-minute ones cache_write holds.
std::optional<std::string> one_hour_cache_write_warning(const LiteLlmEntry& entry) {
    const LiteLlmValue* price = find(entry, "cache_creation_input_token_cost_above_1hr");
    if (!price) return std::nullopt;
    return "cache_creation_input_token_cost_above_1hr " + price->text +
           " not imported: creditgate's cache_write is one price (this entry's 5-minute one), so "
           "1-hour cache writes would be charged at it";
}

json convert_entry(const std::string& name, const LiteLlmEntry& entry,
                   const LiteLlmImportOptions& options) {
    if (entry.listed_twice) throw NotImportable("listed more than once in the file");
    if (!entry.is_object) throw NotImportable("not a JSON object");
    if (!entry.repeated_field.empty()) {
        throw NotImportable(entry.repeated_field + ": given more than once in the entry");
    }
    const std::string mode = token_priced_mode(entry);
    refuse_prompt_size_tiers(entry);

    json model = json::object();
    model["input"] = required_price(entry, "input_cost_per_token");
    const LiteLlmValue* output = find(entry, "output_cost_per_token");
    if (output) {
        model["output"] = price_per_mtok(*output, "output_cost_per_token");
    } else if (mode == "embedding") {
        model["output"] = "0";
    } else {
        throw NotImportable("no output_cost_per_token: not priced per token");
    }
    if (const LiteLlmValue* cached = find(entry, "cache_read_input_token_cost")) {
        model["cached_input"] = price_per_mtok(*cached, "cache_read_input_token_cost");
    }
    if (const LiteLlmValue* write = find(entry, "cache_creation_input_token_cost")) {
        model["cache_write"] = price_per_mtok(*write, "cache_creation_input_token_cost");
    }
    if (const LiteLlmValue* reasoning = find(entry, "output_cost_per_reasoning_token")) {
        // Both strings are in shortest form, so equal text is an equal price.
        std::string price = price_per_mtok(*reasoning, "output_cost_per_reasoning_token");
        if (price != model["output"].get<std::string>()) model["reasoning"] = std::move(price);
    }
    model["max_output_tokens"] = max_output_tokens(entry, mode);

    const LiteLlmValue* litellm_provider = find(entry, "litellm_provider");
    if (options.provider) {
        model["provider"] = *options.provider;
    } else if (litellm_provider && litellm_provider->kind == Kind::string &&
               !litellm_provider->text.empty()) {
        model["provider"] = litellm_provider->text;
    } else {
        throw NotImportable("no litellm_provider to name the provider; pass --provider");
    }
    model["upstream_model"] = upstream_model(name, litellm_provider);
    return model;
}

}  // namespace

LiteLlmImport import_litellm(const LiteLlmFile& file, const LiteLlmImportOptions& options) {
    LiteLlmImport result;
    const auto convert = [&](const std::string& name, const LiteLlmEntry& entry,
                             std::vector<std::string>& failures) {
        try {
            result.models[name] = convert_entry(name, entry, options);
            if (auto warning = one_hour_cache_write_warning(entry)) {
                result.warnings.push_back(name + ": " + *warning);
            }
        } catch (const NotImportable& e) {
            failures.push_back(name + ": " + e.what());
        }
    };
    if (options.models.empty()) {
        for (const auto& [name, entry] : file.entries) convert(name, entry, result.skipped);
        return result;
    }
    // Asked for by name: anything that cannot be delivered is an error, not a skip.
    for (const std::string& name : options.models) {
        const auto it = file.entries.find(name);
        if (it == file.entries.end()) {
            result.errors.push_back(name + ": no such model in the file");
        } else {
            convert(name, it->second, result.errors);
        }
    }
    return result;
}

}  // namespace creditgate
