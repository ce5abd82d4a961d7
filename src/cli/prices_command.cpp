#include "creditgate/cli/prices_command.hpp"

#include <array>
#include <cerrno>
#include <cstddef>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

#include "creditgate/pricing/litellm_file.hpp"
#include "creditgate/pricing/litellm_import.hpp"

namespace creditgate {

namespace {

constexpr const char* kUsage =
    "  creditgate prices import --from litellm FILE [--provider P] [--models a,b]\n"
    "                                         print \"models\" entries converted exactly from\n"
    "                                         LiteLLM's model_prices_and_context_window.json;\n"
    "                                         entries left out are listed on stderr\n";

// LiteLLM's file is about 2 MB; anything far larger is the wrong file.
constexpr std::size_t kMaxFileBytes = 64 * 1024 * 1024;

int usage_error(std::ostream& err, const std::string& message) {
    err << "creditgate: prices " << message << "\nUsage:\n" << kUsage;
    return 2;
}

int input_error(std::ostream& err, const std::string& message) {
    err << "creditgate: prices import: " << message << "\n";
    return 2;
}

struct ImportArgs {
    std::optional<std::string> from;
    std::optional<std::string> file;
    std::optional<std::string> models_list;
    LiteLlmImportOptions options;
};

// "a,b" -> {"a", "b"}; nullopt when a name is empty ("a,,b", ",a", "").
std::optional<std::vector<std::string>> split_models(std::string_view list) {
    std::vector<std::string> names;
    std::size_t begin = 0;
    while (true) {
        const std::size_t comma = list.find(',', begin);
        const std::string_view name = list.substr(begin, comma - begin);
        if (name.empty()) return std::nullopt;
        names.emplace_back(name);
        if (comma == std::string_view::npos) return names;
        begin = comma + 1;
    }
}

// Returns an error message, or "" when args are complete.
std::string parse_import_args(const std::vector<std::string>& args, ImportArgs& parsed) {
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        std::optional<std::string>* target = nullptr;
        if (arg == "--from") target = &parsed.from;
        if (arg == "--provider") target = &parsed.options.provider;
        if (arg == "--models") target = &parsed.models_list;
        if (target) {
            if (i + 1 == args.size()) return arg + " needs a value";
            if (target->has_value()) return arg + " given twice";
            *target = args[++i];
        } else if (arg.size() > 1 && arg[0] == '-') {
            return "unknown option '" + arg + "'";
        } else if (parsed.file) {
            return "expected one FILE, got '" + *parsed.file + "' and '" + arg + "'";
        } else {
            parsed.file = arg;
        }
    }
    if (!parsed.from) return "--from is required (the one source known is litellm)";
    if (*parsed.from != "litellm") {
        return "unknown --from '" + *parsed.from + "' (the one source known is litellm)";
    }
    if (!parsed.file) return "missing FILE (LiteLLM's model_prices_and_context_window.json)";
    if (parsed.options.provider && parsed.options.provider->empty()) {
        return "--provider needs a provider name";
    }
    if (parsed.models_list) {
        auto names = split_models(*parsed.models_list);
        if (!names) return "--models takes model names separated by ',' (none empty)";
        parsed.options.models = std::move(*names);
    }
    return "";
}

std::optional<std::string> read_file(const std::string& path, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot read " + path + ": " + std::generic_category().message(errno);
        return std::nullopt;
    }
    // In chunks up to one past the limit: a pipe has no size to ask for first.
    std::string text;
    std::array<char, 64 * 1024> chunk{};
    while (in && text.size() <= kMaxFileBytes) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) {
        error = "cannot read " + path;
        return std::nullopt;
    }
    if (text.size() > kMaxFileBytes) {
        error = path + " is larger than " + std::to_string(kMaxFileBytes / (1024 * 1024)) +
                " MiB: not a price list";
        return std::nullopt;
    }
    return text;
}

int run_import(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    ImportArgs parsed;
    if (const std::string error = parse_import_args(args, parsed); !error.empty()) {
        return usage_error(err, "import: " + error);
    }
    std::string read_error;
    const std::optional<std::string> text = read_file(*parsed.file, read_error);
    if (!text) return input_error(err, read_error);

    LiteLlmImport result;
    try {
        result = import_litellm(read_litellm_file(*text), parsed.options);
    } catch (const LiteLlmFileError& e) {
        return input_error(err, *parsed.file + ": " + e.what());
    }
    if (!result.errors.empty()) {
        for (const std::string& error : result.errors) input_error(err, error);
        return 2;
    }
    if (!parsed.options.provider) {
        err << "creditgate: prices import: no --provider, so each entry's provider is its "
               "litellm_provider; the config needs providers of those names\n";
    }
    for (const std::string& line : result.warnings) {
        err << "creditgate: prices import: warning: " << line << "\n";
    }
    for (const std::string& line : result.skipped) {
        err << "creditgate: prices import: skipped " << line << "\n";
    }
    if (result.models.empty())
        return input_error(err, "no model in " + *parsed.file + " could be imported");
    err << "creditgate: prices import: " << result.models.size() << " models imported, "
        << result.skipped.size() << " skipped\n";
    // Sorted keys (nlohmann's objects are ordered maps), two-space indent: paste-ready.
    out << result.models.dump(2) << "\n";
    return 0;
}

}  // namespace

const char* prices_usage() {
    return kUsage;
}

int run_prices_command(const std::vector<std::string>& args) {
    return run_prices_command(args, std::cout, std::cerr);
}

int run_prices_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty()) return usage_error(err, "missing subcommand");
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        out << "Usage:\n" << kUsage;
        return 0;
    }
    if (args[0] != "import") return usage_error(err, "unknown subcommand '" + args[0] + "'");
    return run_import(args, out, err);
}

}  // namespace creditgate
