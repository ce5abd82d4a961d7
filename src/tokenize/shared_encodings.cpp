#include "creditgate/tokenize/shared_encodings.hpp"

#include <array>
#include <atomic>
#include <mutex>
#include <optional>
#include <system_error>

namespace creditgate {

namespace {

constexpr std::array kAllEncodings{EncodingName::o200k_base, EncodingName::cl100k_base};

struct SharedEncodings {
    std::once_flag once;
    std::atomic<bool> ready{false};  // set once the encodings below are final
    EncodingLoadReport report;
    std::array<std::optional<BpeEncoding>, kAllEncodings.size()> encodings;
};

SharedEncodings& shared() {
    static SharedEncodings instance;
    return instance;
}

std::size_t index_of(EncodingName name) {
    return static_cast<std::size_t>(name);
}

}  // namespace

std::vector<std::filesystem::path> rank_file_dirs() {
    std::vector<std::filesystem::path> dirs;
    std::error_code ec;
    const auto binary = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto binary_dir = binary.parent_path();
        dirs.push_back(binary_dir.parent_path() / "share" / "creditgate");
        dirs.push_back(binary_dir / "share" / "creditgate");
    }
    dirs.emplace_back(CREDITGATE_INSTALL_DATA_DIR);
    return dirs;
}

const EncodingLoadReport& load_shared_encodings(const std::vector<std::filesystem::path>& dirs) {
    SharedEncodings& state = shared();
    std::call_once(state.once, [&] {
        for (const EncodingName name : kAllEncodings) {
            const std::string file_name = std::string(to_string(name)) + ".tiktoken";
            std::string error = file_name + " not found in any of:";
            for (const auto& dir : dirs) error.append(" ").append(dir.string());
            for (const auto& dir : dirs) {
                const auto path = dir / file_name;
                std::error_code ec;
                if (!std::filesystem::is_regular_file(path, ec)) continue;
                auto loaded = BpeEncoding::load(name, path);
                if (auto* encoding = std::get_if<BpeEncoding>(&loaded)) {
                    state.encodings[index_of(name)] = std::move(*encoding);
                    state.report.loaded.push_back(std::string(to_string(name)) + " from " +
                                                  path.string());
                    error.clear();
                } else {
                    error = std::get<std::string>(loaded);
                }
                break;
            }
            if (!error.empty()) state.report.errors.push_back(std::move(error));
        }
        state.ready.store(true, std::memory_order_release);
    });
    return state.report;
}

const BpeEncoding* shared_encoding(EncodingName name) {
    SharedEncodings& state = shared();
    if (!state.ready.load(std::memory_order_acquire)) return nullptr;
    const auto& slot = state.encodings[index_of(name)];
    return slot ? &*slot : nullptr;
}

}  // namespace creditgate
