#include "creditgate/shapes/images_reply.hpp"

#include <nlohmann/json.hpp>

namespace creditgate {

namespace {

using json = nlohmann::json;

// SAX handler: tracks the depth and the key that led to it, and keeps only what the bill needs.
// Depth 1 is the top-level object; a "data" entry starts at depth 3 (object -> array -> entry).
class ReplyHandler final : public nlohmann::json_sax<json> {
  public:
    explicit ReplyHandler(ImagesReplyView& view) : view_(view) {}
    bool saw_object() const { return top_level_object_seen_; }

    bool null() override { return value(); }
    bool boolean(bool) override { return value(); }
    bool number_integer(number_integer_t n) override {
        if (n >= 0) take_count(n);
        return value();
    }
    bool number_unsigned(number_unsigned_t n) override {
        if (n <= static_cast<number_unsigned_t>(INT64_MAX)) {
            take_count(static_cast<std::int64_t>(n));
        }
        return value();
    }
    bool number_float(number_float_t, const string_t&) override { return value(); }
    bool string(string_t& s) override {
        if (depth_ == 1 && key_ == "size") view_.size = s;
        if (depth_ == 1 && key_ == "quality") view_.quality = s;
        return value();
    }
    bool binary(binary_t&) override { return value(); }

    bool start_object(std::size_t) override {
        if (depth_ == 0) top_level_object_seen_ = true;
        if (depth_ == 1 && top_key_ == "usage") in_usage_ = true;
        return open();
    }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override {
        if (depth_ == 1 && top_key_ == "data") in_data_array_ = true;
        return open();
    }
    bool end_array() override { return close(); }

    bool key(string_t& k) override {
        if (depth_ == 1) top_key_ = k;
        key_ = std::move(k);
        return true;
    }

    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;
    }

  private:
    bool open() {
        if (depth_ == 2 && in_data_array_) ++view_.images;
        ++depth_;
        return depth_ <= kMaxDepth;
    }
    bool close() {
        --depth_;
        if (depth_ == 1) in_data_array_ = in_usage_ = false;
        return true;
    }
    // A scalar entry of "data" is malformed but counted as delivered: never billed as free.
    bool value() {
        if (depth_ == 2 && in_data_array_) ++view_.images;
        return true;
    }
    void take_count(std::int64_t n) {
        if (depth_ != 2 || !in_usage_) return;
        if (key_ == "input_tokens") view_.input_tokens = n;
        if (key_ == "output_tokens") view_.output_tokens = n;
        if (key_ == "total_tokens") view_.total_tokens = n;
    }

    static constexpr int kMaxDepth = 128;
    ImagesReplyView& view_;
    bool top_level_object_seen_ = false;
    int depth_ = 0;
    std::string top_key_;
    std::string key_;
    bool in_data_array_ = false;
    bool in_usage_ = false;
};

}  // namespace

ImagesReplyView inspect_images_reply(std::string_view body) {
    ImagesReplyView view;
    ReplyHandler handler(view);
    const bool ok = json::sax_parse(body, &handler, json::input_format_t::json, true, false);
    if (!ok || !handler.saw_object()) return ImagesReplyView{};
    view.valid_json = true;
    return view;
}

}  // namespace creditgate
