// libFuzzer target for the config parser (config/, validate/).
//
// Input: a config file's text. Every environment variable the file names is set (to a value long
// enough for an admin token), so the fuzzer reaches past the secret checks. Checked on every
// input (a failed check aborts, which libFuzzer reports):
// - the parser either returns a Config or throws ConfigError: nothing else escapes, nothing
//   crashes;
// - a returned Config keeps the promises deep code trusts: at least one provider and one model,
//   every model names a configured provider, no negative price, at least one thread;
// - parsing is deterministic: the same text gives the same price version.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "creditgate/config/config.hpp"

namespace {

void check(bool condition, const char* what) {
    if (condition) return;
    std::fprintf(stderr, "config_fuzz: check failed: %s\n", what);
    std::abort();
}

std::optional<std::string> any_variable(const std::string&) {
    return std::string(64, 'k');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    creditgate::Config config;
    try {
        config = creditgate::parse_config(text, any_variable);
    } catch (const creditgate::ConfigError&) {
        return 0;
    }
    check(!config.providers.empty(), "a config has a provider");
    check(!config.models.empty(), "a config has a model");
    check(config.threads >= 1, "at least one thread");
    for (const auto& [name, model] : config.models) {
        check(config.providers.count(model.provider) == 1, "a model names a known provider");
        check(model.price.input_nanos_per_mtok >= 0 && model.price.output_nanos_per_mtok >= 0 &&
                  model.price.cached_input_nanos_per_mtok >= 0,
              "prices are not negative");
        check(model.max_output_tokens >= 1, "a model allows some output");
    }
    check(creditgate::parse_config(text, any_variable).price_version == config.price_version,
          "the same text gives the same price version");
    return 0;
}
