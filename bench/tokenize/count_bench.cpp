// What counting tokens costs per request: the chat prompt bound with o200k_base against the
// byte bound, on typical requests, and the per-chunk output count of a stream (bench/README.md).
// Usage: build/bench/count_bench [iterations per round, default 1000]
// Prints one line per case: bytes and tokens of the bound, CPU µs per call, best of 5 rounds.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "creditgate/pricing/chat_quote.hpp"
#include "creditgate/tokenize/shared_encodings.hpp"
#include "creditgate/usage/openai_usage.hpp"

namespace {

using creditgate::BpeEncoding;
using nlohmann::json;

const char* kParagraph =
    "Creditgate places a hold on the caller's prepaid balance before it forwards a request, "
    "then settles the hold against the usage the provider reports. A hold that is too large "
    "refuses users who could afford the call; one that is too small is what the ledger guards "
    "against. Counting the prompt with the model's own tokenizer keeps it tight and safe. ";

const char* kCode =
    "int main(int argc, char** argv) {\n    std::vector<std::string> args(argv, argv + argc);\n"
    "    for (const auto& arg : args) std::printf(\"%s\\n\", arg.c_str());\n    return 0;\n}\n";

std::string repeat(const char* text, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) out += text;
    return out;
}

json message(const char* role, std::string content) {
    return json{{"role", role}, {"content", std::move(content)}};
}

struct Case {
    const char* name;
    json request;
};

std::vector<Case> cases() {
    return {
        {"short question (1 message, ~60 B)",
         json{{"messages", json::array({message("user", "What is the capital of France?")})}}},
        {"chat (system + 3 turns, ~1.5 KB)",
         json{{"messages", json::array({message("system", repeat(kParagraph, 1)),
                                        message("user", repeat(kParagraph, 1)),
                                        message("assistant", repeat(kParagraph, 1)),
                                        message("user", repeat(kCode, 2))})}}},
        {"long context (~16 KB)",
         json{{"messages", json::array({message("system", "Answer from the document."),
                                        message("user", repeat(kParagraph, 45))})}}},
    };
}

double thread_cpu_micros() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

// CPU time of this thread (not wall time: the machine may be shared), the best of 5 rounds.
template <typename F>
double micros_per_call(int iterations, F&& call) {
    std::int64_t sink = 0;
    double best = 1e300;
    for (int round = 0; round < 5; ++round) {
        const double start = thread_cpu_micros();
        for (int i = 0; i < iterations; ++i) sink += call();
        best = std::min(best, (thread_cpu_micros() - start) / iterations);
    }
    if (sink == 42) std::puts("");  // keeps the calls from being optimised away
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    const int iterations = argc > 1 ? std::atoi(argv[1]) : 1000;
    const auto load_start = std::chrono::steady_clock::now();
    const auto& report = creditgate::load_shared_encodings(creditgate::rank_file_dirs());
    const double load_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - load_start)
            .count();
    const BpeEncoding* bpe = creditgate::shared_encoding(creditgate::EncodingName::o200k_base);
    if (bpe == nullptr) {
        for (const auto& error : report.errors) std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    std::printf("load both rank files: %.0f ms\n", load_ms);
    std::printf("%-36s %10s %10s %10s %10s\n", "prompt bound of", "bytes", "tokens", "bytes µs",
                "o200k µs");
    for (const auto& c : cases()) {
        const std::int64_t by_bytes = creditgate::chat_prompt_tokens_bound(c.request);
        const std::int64_t by_bpe = creditgate::chat_prompt_tokens_bound(c.request, bpe);
        const double bytes_us = micros_per_call(
            iterations, [&] { return creditgate::chat_prompt_tokens_bound(c.request); });
        const double bpe_us = micros_per_call(
            iterations, [&] { return creditgate::chat_prompt_tokens_bound(c.request, bpe); });
        std::printf("%-36s %10lld %10lld %10.2f %10.2f\n", c.name, static_cast<long long>(by_bytes),
                    static_cast<long long>(by_bpe), bytes_us, bpe_us);
    }
    const std::string chunk =
        R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":" tokens"},"finish_reason":null}],"usage":null})";
    const double scan_us = micros_per_call(
        iterations * 10, [&] { return creditgate::inspect_chat_chunk(chunk).output_tokens; });
    const double scan_bpe_us = micros_per_call(
        iterations * 10, [&] { return creditgate::inspect_chat_chunk(chunk, bpe).output_tokens; });
    std::printf("%-36s %21s %10.3f %10.3f\n", "stream chunk (one content delta)", "", scan_us,
                scan_bpe_us);
    return 0;
}
