#include "creditgate/validate/time_text.hpp"

#include <fmt/chrono.h>

#include <chrono>

namespace creditgate {

namespace {

// Reads exactly `count` digits at `pos`.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t count) {
    if (pos + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

}  // namespace

std::string format_time_ms(std::int64_t epoch_ms) {
    using namespace std::chrono;
    // floor, not truncation: -1 ms is 23:59:59.999 of the day before, not 00:00:00.-01.
    // The milliseconds are written apart because fmt 9 drops them from a time_point.
    const sys_time<milliseconds> time{milliseconds(epoch_ms)};
    const auto second = floor<seconds>(time);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", second, (time - second).count());
}

std::optional<std::int64_t> parse_time_ms(std::string_view text) {
    using namespace std::chrono;
    auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
    if (!year || !month || !day || text[4] != '-' || text[7] != '-') return std::nullopt;
    const year_month_day date{std::chrono::year{*year}, std::chrono::month{unsigned(*month)},
                              std::chrono::day{unsigned(*day)}};
    if (!date.ok()) return std::nullopt;
    const std::int64_t day_ms =
        duration_cast<milliseconds>(sys_days{date}.time_since_epoch()).count();
    if (text.size() == 10) return day_ms;

    if (text.size() < 20 || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
        text[16] != ':') {
        return std::nullopt;
    }
    auto hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
    if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 59) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    int millis = 0;
    if (text[pos] == '.') {
        std::size_t count = 0;
        for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++count) {
            if (count < 3) millis = millis * 10 + (text[pos] - '0');
        }
        if (count == 0) return std::nullopt;
        for (; count < 3; ++count) millis *= 10;
    }
    std::int64_t offset_minutes = 0;
    const std::string_view zone = text.substr(pos);
    if (zone == "Z" || zone == "z") {
        offset_minutes = 0;
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
        auto oh = digits(zone, 1, 2), om = digits(zone, 4, 2);
        if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
        offset_minutes = (zone[0] == '+' ? 1 : -1) * (*oh * 60 + *om);
    } else {
        return std::nullopt;
    }
    return day_ms + ((*hour * 60 + *minute - offset_minutes) * 60 + *second) * 1000 + millis;
}

}  // namespace creditgate
