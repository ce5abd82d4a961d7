#include "embeddings.hpp"

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <boost/beast/core/detail/base64.hpp>
#include <nlohmann/json.hpp>

#include "mock_behaviour.hpp"
#include "openai_bodies.hpp"

namespace creditgate::mock {

namespace {

using nlohmann::json;

constexpr std::size_t kDefaultDimensions = 8;
constexpr std::size_t kMaxDimensions = 65'536;

std::size_t count_inputs(const json& input) {
    if (!input.is_array() || input.empty() || input.front().is_number_integer()) return 1;
    return input.size();
}

// k/256 for k in [-128, 128): exact in float32, so float and base64 replies carry equal values.
float value_at(std::size_t input, std::size_t dimension) {
    return static_cast<float>(static_cast<int>((input * 31 + dimension) % 256) - 128) / 256.0f;
}

std::string base64_of(const std::vector<float>& values) {
    static_assert(std::endian::native == std::endian::little, "OpenAI's base64 is little-endian");
    std::string bytes(values.size() * sizeof(float), '\0');
    std::memcpy(bytes.data(), values.data(), bytes.size());
    std::string out(boost::beast::detail::base64::encoded_size(bytes.size()), '\0');
    out.resize(boost::beast::detail::base64::encode(out.data(), bytes.data(), bytes.size()));
    return out;
}

}  // namespace

Reply embeddings_reply(const Request& request) {
    const bool keep_alive = request.keep_alive();
    MockRequest call;
    MockHeaders headers;
    if (auto error = read_mock_request(request, call, headers)) return std::move(*error);
    const ModelRoute route = route_model(call.model);
    if (route.behaviour == Behaviour::error)
        return mock_error_reply(route.error_status, keep_alive);
    if (route.behaviour == Behaviour::hang) return hang_reply();

    std::size_t dimensions = kDefaultDimensions;
    if (const auto it = call.body.find("dimensions"); it != call.body.end()) {
        if (!it->is_number_unsigned() || *it == 0 || *it > kMaxDimensions) {
            return openai_error_reply(400, "dimensions: expected an integer from 1 to 65536",
                                      "invalid_request_error", "dimensions", std::nullopt,
                                      keep_alive);
        }
        dimensions = it->get<std::size_t>();
    }
    const bool base64 = call.body.value("encoding_format", "float") == "base64";
    json data = json::array();
    const std::size_t inputs = count_inputs(call.body.value("input", json()));
    for (std::size_t i = 0; i < inputs; ++i) {
        std::vector<float> vector(dimensions);
        for (std::size_t d = 0; d < dimensions; ++d) vector[d] = value_at(i, d);
        json embedding = base64 ? json(base64_of(vector)) : json(vector);
        data.push_back(
            {{"object", "embedding"}, {"index", i}, {"embedding", std::move(embedding)}});
    }
    json body = {{"object", "list"}, {"data", std::move(data)}, {"model", call.model}};
    if (auto usage = route_usage(route, headers)) {
        body["usage"] = {{"prompt_tokens", usage->prompt_tokens},
                         {"total_tokens", usage->prompt_tokens}};
    }
    if (route.behaviour == Behaviour::cutoff) return truncated_reply(body.dump());
    return json_reply(200, body.dump(), keep_alive);
}

}  // namespace creditgate::mock
