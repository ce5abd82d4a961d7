#include "creditgate/pricing/litellm_file.hpp"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace creditgate {

namespace {

using json = nlohmann::json;
using Kind = LiteLlmValue::Kind;

// SAX events. Containers open are kept on a stack: [object] = inside the top level (entry
// names), [object, object] = inside an entry (its fields), anything deeper is a field's nested
// value (skipped). A DOM would have turned the numbers into doubles before we saw their text.
class EntryCollector : public nlohmann::json_sax<json> {
  public:
    explicit EntryCollector(LiteLlmFile& file) : file_(file) {}

    bool null() override { return value({Kind::null, {}}); }
    bool boolean(bool) override { return value({Kind::boolean, {}}); }
    bool number_integer(number_integer_t v) override {
        return value({Kind::number, std::to_string(v)});  // integers are exact: their digits
    }
    bool number_unsigned(number_unsigned_t v) override {
        return value({Kind::number, std::to_string(v)});
    }
    // `text` is the literal as the lexer read it, before any conversion to double. (The lexer
    // writes the C locale's '.', and creditgate never changes the locale.)
    bool number_float(number_float_t, const string_t& text) override {
        return value({Kind::number, text});
    }
    bool string(string_t& v) override { return value({Kind::string, v}); }
    bool binary(binary_t&) override { return value({Kind::object, {}}); }  // not in JSON text

    bool start_object(std::size_t) override { return open(Kind::object); }
    bool start_array(std::size_t) override { return open(Kind::array); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }

    bool key(string_t& name) override {
        if (open_.size() == 1) {
            const auto [it, inserted] = file_.entries.try_emplace(name);
            if (!inserted) {
                it->second = LiteLlmEntry{};  // neither copy is trusted
                it->second.listed_twice = true;
            }
            entry_ = &it->second;
        } else if (in_entry_fields()) {
            field_ = name;
        }
        return true;
    }

    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& e) override {
        error_ = "not valid JSON at byte " + std::to_string(position) + ": " + e.what();
        return false;
    }

    const std::string& error() const { return error_; }

  private:
    bool in_entry_fields() const { return open_.size() == 2 && open_[1] == Kind::object; }

    bool value(LiteLlmValue v) {
        if (open_.empty()) return top_level_not_object();
        if (open_.size() == 1) {
            entry_->is_object = false;
        } else if (in_entry_fields() && !entry_->listed_twice) {
            const auto [it, inserted] = entry_->fields.try_emplace(field_, std::move(v));
            if (!inserted && entry_->repeated_field.empty()) entry_->repeated_field = field_;
        }
        return true;
    }

    bool open(Kind kind) {
        if (open_.empty() && kind != Kind::object) return top_level_not_object();
        if (open_.size() == 1 && kind != Kind::object) entry_->is_object = false;
        if (in_entry_fields()) value({kind, {}});  // a field whose value is nested
        open_.push_back(kind);
        return true;
    }

    bool close() {
        open_.pop_back();
        return true;
    }

    bool top_level_not_object() {
        error_ = "the top level is not a JSON object of models";
        return false;
    }

    LiteLlmFile& file_;
    std::vector<Kind> open_;  // the containers entered and not yet left
    LiteLlmEntry* entry_ = nullptr;
    std::string field_;
    std::string error_;
};

}  // namespace

LiteLlmFile read_litellm_file(std::string_view json_text) {
    LiteLlmFile file;
    EntryCollector collector(file);
    // Strict (the whole text must be one value); comments are not JSON and LiteLLM has none.
    if (!json::sax_parse(json_text, &collector, json::input_format_t::json, true, false)) {
        throw LiteLlmFileError(collector.error().empty() ? "not valid JSON" : collector.error());
    }
    return file;
}

}  // namespace creditgate
