#include "creditgate/proxy/model_list.hpp"

#include <nlohmann/json.hpp>

#include "creditgate/pricing/decimal.hpp"

namespace creditgate {

namespace {

using Json = nlohmann::ordered_json;

// One price with the mark-up percent applied as a charge applies it (rounded up), and
// `fixed_nanos` of fee on top (per_request only).
Json marked_up(std::int64_t provider_nanos, const Markup& markup, bool with_fixed) {
    const Markup applied{markup.percent_nanos, with_fixed ? markup.fixed_nanos : 0};
    const auto outcome = apply_markup(provider_nanos, applied);
    if (outcome.result != CostResult::ok) {
        return {
            {"provider", format_nanos(provider_nanos)}, {"markup", nullptr}, {"price", nullptr}};
    }
    return {{"provider", format_nanos(outcome.cost.provider_nanos)},
            {"markup", format_nanos(outcome.cost.markup_nanos)},
            {"price", format_nanos(outcome.cost.total_nanos)}};
}

// The token classes and the per-request fee of one price; classes the entry does not sell
// (cache_write) or does not price apart (reasoning: then it is output) are left out.
Json token_prices(const ModelPrice& price, const Markup& markup) {
    Json out = Json::object();
    out["input"] = marked_up(price.input_nanos_per_mtok, markup, false);
    out["cached_input"] = marked_up(price.cached_input_nanos_per_mtok, markup, false);
    if (price.cache_write_nanos_per_mtok) {
        out["cache_write"] = marked_up(*price.cache_write_nanos_per_mtok, markup, false);
    }
    out["output"] = marked_up(price.output_nanos_per_mtok, markup, false);
    if (price.reasoning_nanos_per_mtok) {
        out["reasoning"] = marked_up(*price.reasoning_nanos_per_mtok, markup, false);
    }
    out["per_request"] = marked_up(price.per_request_nanos, markup, true);
    return out;
}

Json model_pricing(const ModelConfig& model, const Markup& markup) {
    Json pricing = {{"currency", "credits"},
                    {"token_unit", "1M tokens"},
                    {"markup",
                     {{"percent", format_nanos(markup.percent_nanos)},
                      {"fixed_per_request", format_nanos(markup.fixed_nanos)}}}};
    pricing.update(token_prices(model.price, markup));
    if (!model.image_prices.empty()) {
        Json images = Json::object();
        for (const auto& [size_quality, price] : model.image_prices) {
            images[size_quality] = marked_up(price.per_image_nanos, markup, false);
        }
        pricing["per_image"] = std::move(images);
    }
    if (!model.service_tier_prices.empty()) {
        Json tiers = Json::object();
        for (const auto& [tier, price] : model.service_tier_prices) {
            tiers[tier] = token_prices(price, markup);
        }
        pricing["service_tiers"] = std::move(tiers);
    }
    return pricing;
}

}  // namespace

std::string models_list_body(const Config& config) {
    Json data = Json::array();
    for (const auto& [name, model] : config.models) {
        data.push_back({{"id", name},
                        {"object", "model"},
                        {"created", 0},
                        {"owned_by", model.provider},
                        {"pricing", model_pricing(model, config.markup)}});
    }
    return Json{{"object", "list"}, {"data", std::move(data)}}.dump();
}

}  // namespace creditgate
