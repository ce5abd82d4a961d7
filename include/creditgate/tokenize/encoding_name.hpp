#pragma once
// The BPE encodings creditgate can count with, by the names OpenAI's tiktoken gives them.
#include <optional>
#include <string_view>

namespace creditgate {

enum class EncodingName {
    o200k_base,   // gpt-4o, gpt-4.1, gpt-5, o1, o3, o4 families
    cl100k_base,  // gpt-4, gpt-3.5-turbo
};

std::string_view to_string(EncodingName name);
std::optional<EncodingName> encoding_from_string(std::string_view text);

// The encoding OpenAI uses for an upstream model name, by family prefix; nullopt when the name
// belongs to no family we know (the caller falls back to the byte bound).
std::optional<EncodingName> encoding_for_openai_model(std::string_view upstream_model);

}  // namespace creditgate
