#include "creditgate/tokenize/encoding_name.hpp"

#include <array>
#include <utility>

namespace creditgate {

std::string_view to_string(EncodingName name) {
    switch (name) {
        case EncodingName::o200k_base:
            return "o200k_base";
        case EncodingName::cl100k_base:
            return "cl100k_base";
    }
    return "unknown";
}

std::optional<EncodingName> encoding_from_string(std::string_view text) {
    if (text == "o200k_base") return EncodingName::o200k_base;
    if (text == "cl100k_base") return EncodingName::cl100k_base;
    return std::nullopt;
}

std::optional<EncodingName> encoding_for_openai_model(std::string_view upstream_model) {
    // Longest prefixes first: "gpt-4o" and "gpt-4.1" must win over "gpt-4". A provider may
    // prefix its own namespace ("openai/gpt-4o"): only the last path segment names the model.
    if (const auto slash = upstream_model.rfind('/'); slash != std::string_view::npos) {
        upstream_model.remove_prefix(slash + 1);
    }
    static constexpr std::array<std::pair<std::string_view, EncodingName>, 8> kFamilies{{
        {"gpt-4o", EncodingName::o200k_base},
        {"gpt-4.1", EncodingName::o200k_base},
        {"gpt-5", EncodingName::o200k_base},
        {"o1", EncodingName::o200k_base},
        {"o3", EncodingName::o200k_base},
        {"o4", EncodingName::o200k_base},
        {"gpt-4", EncodingName::cl100k_base},
        {"gpt-3.5", EncodingName::cl100k_base},
    }};
    for (const auto& [prefix, encoding] : kFamilies) {
        if (upstream_model.starts_with(prefix)) return encoding;
    }
    return std::nullopt;
}

}  // namespace creditgate
