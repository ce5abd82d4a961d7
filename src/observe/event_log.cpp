#include "creditgate/observe/event_log.hpp"

#include <spdlog/spdlog.h>

namespace creditgate {

std::string event_line(std::string_view event, std::initializer_list<EventField> fields) {
    nlohmann::ordered_json line = nlohmann::ordered_json::object();
    line["event"] = event;
    for (const auto& [name, value] : fields) line[std::string(name)] = value;
    return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void log_event(spdlog::level::level_enum level, std::string_view event,
               std::initializer_list<EventField> fields) {
    spdlog::log(level, event_line(event, fields));
}

}  // namespace creditgate
