#pragma once
// Standard base64 (RFC 4648 §4, padded) for the bytes BYOK stores as text: nonces, ciphertexts
// and the master key file. Decoding is strict: a stray character or bad padding is an error,
// never silently skipped.
#include <optional>
#include <string>
#include <string_view>

namespace creditgate {

std::string base64_encode(std::string_view bytes);

// nullopt unless `text` is padded base64 of some bytes (the empty text decodes to "").
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace creditgate
