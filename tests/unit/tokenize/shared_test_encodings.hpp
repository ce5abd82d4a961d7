#pragma once
// The rank files from the build tree (build/share/creditgate), loaded once for every test.
#include <gtest/gtest.h>

#include "creditgate/tokenize/shared_encodings.hpp"

namespace creditgate::testing_support {

inline const BpeEncoding& test_encoding(EncodingName name) {
    const auto& report = load_shared_encodings(rank_file_dirs());
    const BpeEncoding* encoding = shared_encoding(name);
    if (encoding == nullptr) {
        std::string errors;
        for (const auto& error : report.errors) errors += error + "\n";
        ADD_FAILURE() << "rank files not found from the test binary:\n" << errors;
        std::abort();
    }
    return *encoding;
}

}  // namespace creditgate::testing_support
