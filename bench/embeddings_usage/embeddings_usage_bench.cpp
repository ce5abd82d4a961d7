// How long finding the usage of a large embeddings reply takes: top_level_usage (one validating
// pass, only the usage object parsed) against a full nlohmann parse of the body, which is what
// extracting usage from a DOM would cost. Usage: embeddings_usage_bench [inputs] [dimensions].
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "creditgate/usage/openai_usage.hpp"

namespace {

std::string embeddings_body(int inputs, int dimensions) {
    std::string body = R"({"object":"list","data":[)";
    for (int i = 0; i < inputs; ++i) {
        if (i > 0) body += ',';
        body += R"({"object":"embedding","index":)" + std::to_string(i) + R"(,"embedding":[)";
        for (int d = 0; d < dimensions; ++d) {
            if (d > 0) body += ',';
            body += std::to_string(-0.0123456789 * ((i * 31 + d) % 97));
        }
        body += "]}";
    }
    return body +
           R"(],"model":"text-embedding-3-large","usage":{"prompt_tokens":8000,"total_tokens":8000}})";
}

template <typename F>
double best_ms(F&& run) {
    double best = 1e300;
    for (int round = 0; round < 5; ++round) {
        const auto start = std::chrono::steady_clock::now();
        run();
        const std::chrono::duration<double, std::milli> took =
            std::chrono::steady_clock::now() - start;
        best = std::min(best, took.count());
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    const int inputs = argc > 1 ? std::atoi(argv[1]) : 100;
    const int dimensions = argc > 2 ? std::atoi(argv[2]) : 3072;
    const std::string body = embeddings_body(inputs, dimensions);
    std::int64_t seen = 0;
    const double scan = best_ms([&] { seen += *creditgate::top_level_usage(body)->prompt_tokens; });
    const double dom = best_ms([&] {
        const auto parsed = nlohmann::json::parse(body);
        seen += parsed["usage"]["prompt_tokens"].get<std::int64_t>();
    });
    std::printf(
        "body %.1f MB (%d x %d floats): top_level_usage %.1f ms (%.0f MB/s), DOM parse %.1f ms; "
        "ratio %.1fx [%lld]\n",
        body.size() / 1e6, inputs, dimensions, scan, body.size() / 1e3 / scan, dom, dom / scan,
        static_cast<long long>(seen));
    return 0;
}
