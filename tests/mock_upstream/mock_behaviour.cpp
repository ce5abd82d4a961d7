#include "mock_behaviour.hpp"

#include <charconv>
#include <utility>

namespace creditgate::mock {

namespace {

constexpr std::uint64_t kMaxChunks = 100'000;
constexpr std::uint64_t kMaxDelayMs = 600'000;

std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value > max) return std::nullopt;
    return value;
}

// Returns an error message when the body is not a JSON object with a string model.
std::optional<std::string> parse_body(const std::string& body, MockRequest& out) {
    out.body = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    const auto& json = out.body;
    if (json.is_discarded() || !json.is_object()) {
        return "We could not parse the JSON body of your request. (HINT: This likely means you "
               "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, "
               "but what was sent was not valid JSON.)";
    }
    const auto model = json.find("model");
    if (model == json.end() || !model->is_string()) {
        return "you must provide a model parameter";
    }
    out.model = model->get<std::string>();
    const auto stream = json.find("stream");
    out.stream = stream != json.end() && stream->is_boolean() && stream->get<bool>();
    const auto options = json.find("stream_options");
    if (options != json.end() && options->is_object()) {
        const auto include = options->find("include_usage");
        out.include_usage =
            include != options->end() && include->is_boolean() && include->get<bool>();
    }
    return std::nullopt;
}

// Returns an error message naming the offending header.
std::optional<std::string> parse_mock_headers(const Request& request, MockHeaders& out) {
    if (const auto it = request.find("x-mock-chunks"); it != request.end()) {
        out.chunks = parse_decimal(it->value(), kMaxChunks);
        if (!out.chunks) return "x-mock-chunks: expected an integer from 0 to 100000";
    }
    if (const auto it = request.find("x-mock-delay-ms"); it != request.end()) {
        const auto delay_ms = parse_decimal(it->value(), kMaxDelayMs);
        if (!delay_ms) return "x-mock-delay-ms: expected an integer from 0 to 600000";
        out.delay_ms = *delay_ms;
    }
    if (const auto it = request.find("x-mock-first-delay-ms"); it != request.end()) {
        const auto delay_ms = parse_decimal(it->value(), kMaxDelayMs);
        if (!delay_ms) return "x-mock-first-delay-ms: expected an integer from 0 to 600000";
        out.first_delay_ms = *delay_ms;
    }
    if (const auto it = request.find("x-mock-usage"); it != request.end()) {
        const auto json = nlohmann::json::parse(std::string_view(it->value()), nullptr, false);
        if (json.is_discarded() || !json.is_object()) {
            return R"(x-mock-usage: expected {"prompt_tokens":N,"completion_tokens":N,)"
                   R"("cached_tokens":N,"reasoning_tokens":N})";
        }
        Usage usage;
        for (auto [name, field] : {std::pair{"prompt_tokens", &Usage::prompt_tokens},
                                   std::pair{"completion_tokens", &Usage::completion_tokens},
                                   std::pair{"cached_tokens", &Usage::cached_tokens},
                                   std::pair{"reasoning_tokens", &Usage::reasoning_tokens}}) {
            const auto value = json.find(name);
            if (value == json.end()) continue;  // a missing count is 0
            if (!value->is_number_unsigned()) {
                return std::string("x-mock-usage.") + name + ": expected a non-negative integer";
            }
            usage.*field = value->get<std::uint64_t>();
        }
        out.usage = usage;
    }
    return std::nullopt;
}

}  // namespace

ModelRoute route_model(std::string_view model) {
    if (model == "mock-cached") return {Behaviour::cached};
    if (model == "mock-no-usage") return {Behaviour::no_usage};
    if (model == "mock-slow-stream") return {Behaviour::slow_stream};
    if (model == "mock-cutoff") return {Behaviour::cutoff};
    if (model == "mock-hang") return {Behaviour::hang};
    if (model == "mock-usage-from-header") return {Behaviour::usage_from_header};
    if (model == "mock-stream-error") return {Behaviour::stream_error};
    if (model == "mock-drop-reused") return {Behaviour::drop_reused};
    if (model == "mock-reasoning") return {Behaviour::reasoning};
    if (model == "mock-failed") return {Behaviour::failed};
    if (model == "mock-incomplete") return {Behaviour::incomplete};
    constexpr std::string_view kErrorPrefix = "mock-error-";
    if (model.starts_with(kErrorPrefix)) {
        const auto status = parse_decimal(model.substr(kErrorPrefix.size()), 599);
        if (status && *status >= 400) {
            return {Behaviour::error, static_cast<unsigned>(*status)};
        }
    }
    return {Behaviour::fixed};  // mock-fixed and every model not listed above
}

std::optional<Reply> read_mock_request(const Request& request, MockRequest& out,
                                       MockHeaders& headers) {
    const bool keep_alive = request.keep_alive();
    if (const auto error = parse_body(request.body(), out)) {
        const std::optional<std::string> param = error->starts_with("you must provide")
                                                     ? std::optional<std::string>("model")
                                                     : std::nullopt;
        return openai_error_reply(400, *error, "invalid_request_error", param, std::nullopt,
                                  keep_alive);
    }
    if (const auto error = parse_mock_headers(request, headers)) {
        return openai_error_reply(400, *error, "invalid_request_error", std::nullopt, std::nullopt,
                                  keep_alive);
    }
    return std::nullopt;
}

std::optional<Usage> route_usage(const ModelRoute& route, const MockHeaders& headers) {
    switch (route.behaviour) {
        case Behaviour::cached:
            return kCachedUsage;
        case Behaviour::no_usage:
            return std::nullopt;
        case Behaviour::reasoning:
            return kReasoningUsage;
        case Behaviour::usage_from_header:
            return headers.usage.value_or(kFixedUsage);
        default:
            return kFixedUsage;
    }
}

Reply mock_error_reply(unsigned status, bool keep_alive) {
    const std::string text = std::to_string(status);
    Reply reply = openai_error_reply(status, "mock error " + text, "mock_error", std::nullopt,
                                     "mock_" + text, keep_alive);
    if (status == 429) reply.whole.set(http::field::retry_after, "1");
    return reply;
}

Reply truncated_reply(const std::string& body) {
    Reply reply;
    reply.kind = Reply::Kind::truncated;
    reply.raw =
        "HTTP/1.1 200 OK\r\nServer: mock_upstream\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2);
    return reply;
}

}  // namespace creditgate::mock
