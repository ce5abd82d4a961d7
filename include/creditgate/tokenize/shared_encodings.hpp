#pragma once
// The process's BPE encodings, loaded once at start-up from the installed rank files and shared
// read-only by every request (the ranks are ~10 MB: one copy, never per request or per reload).
//
//   load_shared_encodings(rank_file_dirs());          // once, at start-up
//   if (const BpeEncoding* bpe = shared_encoding(EncodingName::o200k_base)) bpe->count(text);
#include <filesystem>
#include <string>
#include <vector>

#include "creditgate/tokenize/bpe_encoding.hpp"

namespace creditgate {

// Where the rank files are looked for, in order: the directory of the running binary's
// ../share/creditgate (an installed layout: /usr/bin → /usr/share/creditgate), its
// share/creditgate (the build tree: build/creditgate → build/share/creditgate) and the install
// prefix's share/creditgate compiled in.
std::vector<std::filesystem::path> rank_file_dirs();

struct EncodingLoadReport {
    std::vector<std::string> loaded;  // "o200k_base from /usr/share/creditgate/o200k_base.tiktoken"
    std::vector<std::string> errors;  // one per encoding that could not be loaded
};

// Loads every encoding from the first directory holding its `<name>.tiktoken`. Only the first
// call loads (thread-safe); later calls return the first call's report.
const EncodingLoadReport& load_shared_encodings(const std::vector<std::filesystem::path>& dirs);

// The loaded encoding, or nullptr (not loaded, or load_shared_encodings never called): callers
// fall back to the byte bound.
const BpeEncoding* shared_encoding(EncodingName name);

}  // namespace creditgate
