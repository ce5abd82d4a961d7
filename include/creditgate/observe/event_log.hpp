#pragma once
// Occasional log lines (start, stop, failures) as one JSON object each: {"event":"name",...}.
// nlohmann::json escapes the values, so an error text holding a quote, a backslash or a control
// byte cannot break the line. The per-request line is observe/access_log.hpp (built by hand: it
// runs once per request).
#include <spdlog/common.h>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace creditgate {

// A field name and its value: a string, a number, a bool or null (nlohmann::json converts).
using EventField = std::pair<std::string_view, nlohmann::ordered_json>;

// {"event":"<event>","<name>":<value>,...}, fields in the order given. Invalid UTF-8 in a value
// becomes U+FFFD rather than an exception: a log line must never throw.
std::string event_line(std::string_view event, std::initializer_list<EventField> fields = {});

// Writes event_line(event, fields) to the default logger at `level`.
void log_event(spdlog::level::level_enum level, std::string_view event,
               std::initializer_list<EventField> fields = {});

}  // namespace creditgate
