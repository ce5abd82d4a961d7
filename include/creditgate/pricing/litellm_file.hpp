#pragma once
// Reads LiteLLM's model_prices_and_context_window.json keeping every number as its source text
// ("1.5e-07"), so prices never pass through double. Only each entry's top-level fields are kept:
// nested objects and arrays (regions, search costs) are noted by kind, not read.
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace creditgate {

struct LiteLlmValue {
    enum class Kind { number, string, boolean, null, object, array };
    Kind kind = Kind::null;
    std::string text;  // number: its literal as written; string: its value; else empty
};

struct LiteLlmEntry {
    bool is_object = true;       // false: the entry's value is not a JSON object
    bool listed_twice = false;   // the file has two entries of this name
    std::string repeated_field;  // a field given twice in this entry (the first found), or ""
    std::map<std::string, LiteLlmValue, std::less<>> fields;
};

struct LiteLlmFile {
    std::map<std::string, LiteLlmEntry, std::less<>> entries;  // by LiteLLM model key
};

// Not JSON, or the top level is not an object. what() says where.
class LiteLlmFileError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

LiteLlmFile read_litellm_file(std::string_view json_text);

}  // namespace creditgate
