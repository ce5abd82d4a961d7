// The TLS contexts a reload prepares: shared per CA file, and a CA file that cannot be loaded
// refuses the reload naming the provider's field.
#include "creditgate/upstream/tls_contexts.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

ProviderConfig provider(const std::string& name, const std::string& scheme,
                        const std::string& ca_file = "") {
    ProviderConfig p;
    p.name = name;
    p.scheme = scheme;
    p.host = "example.com";
    p.port = scheme == "https" ? 443 : 80;
    p.ca_file = ca_file;
    return p;
}

TEST(TlsContexts, HttpsProvidersWithTheSameCaSettingShareOneContext) {
    TlsContexts tls;
    const auto a = tls.for_provider(provider("a", "https"));
    const auto b = tls.for_provider(provider("b", "https"));
    EXPECT_NE(a, nullptr);
    EXPECT_EQ(a, b);
    EXPECT_EQ(tls.for_provider(provider("plain", "http")), nullptr);
}

TEST(TlsContexts, AMissingCaFileIsAConfigErrorAtTheProvidersCaFile) {
    TlsContexts tls;
    Config config;
    config.providers["private"] = provider("private", "https", "/nonexistent/ca.pem");
    try {
        tls.prepare(config);
        FAIL() << "a CA file that cannot be read must refuse the config";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.json_path(), R"(providers["private"].ca_file)");
        EXPECT_NE(e.reason().find("cannot load the CA file"), std::string::npos) << e.reason();
    }
}

}  // namespace
}  // namespace creditgate
