// This month's spend by model as a horizontal bar chart in inline SVG: no script, no external
// asset, readable as text (each bar's label and amount are <text>, its title the exact figure).
#include <algorithm>

#include "account_view.hpp"
#include "creditgate/pricing/decimal.hpp"
#include "creditgate/web/html_page.hpp"

namespace creditgate {

namespace {

constexpr int kWidth = 640;
constexpr int kLabelWidth = 180;
constexpr int kAmountWidth = 110;
constexpr int kRowHeight = 24;
constexpr int kBarHeight = 16;
constexpr std::size_t kMaxBars = 20;  // the largest; the rest are in the requests table

}  // namespace

std::string render_spend_chart(const std::vector<EntryAggregate>& spend) {
    std::vector<std::pair<std::string, std::int64_t>> bars;
    for (const auto& row : spend) {
        const auto spent = -row.sums.amount_nanos;
        if (spent > 0) bars.emplace_back(row.model, spent);
    }
    std::sort(bars.begin(), bars.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    if (bars.size() > kMaxBars) bars.resize(kMaxBars);
    const auto largest = bars.empty() ? 1 : bars.front().second;
    const int height = std::max<int>(static_cast<int>(bars.size()) * kRowHeight, kRowHeight);

    std::string svg =
        "<svg id=\"spend-chart\" role=\"img\" aria-label=\"Spend this month by "
        "model\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
        std::to_string(kWidth) + "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " +
        std::to_string(kWidth) + " " + std::to_string(height) + "\">";
    if (bars.empty()) {
        svg += "<text x=\"0\" y=\"16\">Nothing spent this month.</text>";
    }
    const int span = kWidth - kLabelWidth - kAmountWidth;
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const auto& [model, nanos] = bars[i];
        const int y = static_cast<int>(i) * kRowHeight;
        // Pixels, not money: a double is exact enough. At least one pixel, so that a model
        // that cost something is never invisible.
        const auto width = std::max(
            static_cast<int>(static_cast<double>(nanos) / static_cast<double>(largest) * span), 1);
        const auto name = html_escape(model);
        const auto amount = format_nanos(nanos);
        svg += "<text x=\"0\" y=\"" + std::to_string(y + 13) + "\">" + name + "</text>";
        svg += "<rect class=\"bar\" data-model=\"" + name + "\" data-credits=\"" + amount +
               "\" x=\"" + std::to_string(kLabelWidth) + "\" y=\"" + std::to_string(y + 2) +
               "\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(kBarHeight) +
               "\"><title>" + name + ": " + amount + " credits</title></rect>";
        svg += "<text x=\"" + std::to_string(kLabelWidth + width + 6) + "\" y=\"" +
               std::to_string(y + 13) + "\">" + amount + "</text>";
    }
    svg += "</svg>";
    return svg;
}

}  // namespace creditgate
