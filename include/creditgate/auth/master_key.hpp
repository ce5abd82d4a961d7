#pragma once
// The BYOK master key: 32 random bytes, kept base64-encoded in a file of its own that only the
// service may read. Its id (the first 16 hex digits of its SHA-256) is stored on every record it
// seals, so a record sealed under another key is recognised instead of failing as "tampered".
#include <stdexcept>
#include <string>
#include <string_view>

#include "creditgate/auth/aes_gcm.hpp"

namespace creditgate {

struct MasterKey {
    AesKey bytes{};
    std::string id;  // 16 lowercase hex digits
};

class MasterKeyError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The file's text: base64 of exactly 32 bytes, surrounding whitespace ignored. Throws
// MasterKeyError saying what is wrong (never echoing the text).
MasterKey master_key_from_text(std::string_view text);

// Reads `path`: a regular file that others may not read or write (mode o-rwx), holding a key
// as above. Throws MasterKeyError naming the file and the problem.
MasterKey load_master_key_file(const std::string& path);

// Writes a new random key to `path`, created with mode 0600; refuses to overwrite. Returns it.
MasterKey write_new_master_key_file(const std::string& path);

}  // namespace creditgate
