#pragma once
// Converts LiteLLM price entries into creditgate model entries (the config's "models" object):
// per-token costs become exact per-1M-token decimal strings, and an entry creditgate cannot
// price exactly is skipped with the reason, never guessed.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "creditgate/pricing/litellm_file.hpp"

namespace creditgate {

struct LiteLlmImportOptions {
    // Our provider name for every entry; when absent, each entry's litellm_provider is used.
    std::optional<std::string> provider;
    // LiteLLM model keys to import; empty: every entry that can be imported.
    std::vector<std::string> models;
};

struct LiteLlmImport {
    nlohmann::json models = nlohmann::json::object();  // our entries, by model name
    // One line per entry left out, "NAME: reason" (when importing everything).
    std::vector<std::string> skipped;
    // One line per imported entry with a LiteLLM price creditgate has no class for and charges
    // at another class's price, "NAME: what" (e.g. Anthropic's 1-hour cache writes).
    std::vector<std::string> warnings;
    // Input errors: a selected model that is not in the file or cannot be imported.
    std::vector<std::string> errors;
};

LiteLlmImport import_litellm(const LiteLlmFile& file, const LiteLlmImportOptions& options);

}  // namespace creditgate
