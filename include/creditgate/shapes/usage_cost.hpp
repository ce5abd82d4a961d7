#pragma once
// Adding the charge to a reply's usage object ("expose_cost": "usage"), for the shapes whose
// replies are JSON with a usage object somewhere in them.
#include <string>
#include <string_view>

#include "creditgate/shapes/shape.hpp"
#include "creditgate/usage/sse_parser.hpp"

namespace creditgate {

// Sets "cost": "<cost>" in the object at `usage_pointer` (a JSON pointer such as "/usage" or
// "/response/usage") of the JSON text, keeping the members' order. Returns false, and leaves
// the text as it was, when the text is not JSON or there is no object at the pointer.
bool add_usage_cost(std::string& json_text, const std::string& usage_pointer,
                    std::string_view cost);

// The bytes of an event with this name (none when empty) and data, one "data:" line per line
// of data, ended by a blank line.
std::string sse_event_bytes(std::string_view name, std::string_view data);

// The SSE comment that precedes a stream's last event, as a block of its own:
// `: creditgate-cost {"request_id":…,"cost":…,"balance":…,"provider_cost":…,"markup":…}` and a
// blank line. Clients skip comment lines; a raw reader finds it whole.
std::string cost_comment_block(const std::string& request_id, const ShownCost& cost,
                               const std::string& balance);

// An event's data rewritten: its raw bytes rebuilt from its name and new data.
void replace_event_data(SseEvent& event, std::string data);

}  // namespace creditgate
