#include "creditgate/auth/master_key.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "creditgate/auth/base64.hpp"
#include "creditgate/auth/provider_key_seal.hpp"

namespace creditgate {
namespace {

class MasterKeyFile : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("creditgate-master-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string write(const std::string& name, const std::string& text, mode_t mode) {
        const auto path = (dir_ / name).string();
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
        return path;
    }
    std::string message_of(const std::string& path) {
        try {
            load_master_key_file(path);
        } catch (const MasterKeyError& e) {
            return e.what();
        }
        return "loaded";
    }
    std::filesystem::path dir_;
};

TEST_F(MasterKeyFile, ANewKeyIsWrittenOwnerOnlyAndLoadsWithTheSameId) {
    const auto path = (dir_ / "master.key").string();
    const auto written = write_new_master_key_file(path);
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    const auto loaded = load_master_key_file(path);
    EXPECT_EQ(loaded.id, written.id);
    EXPECT_EQ(loaded.id.size(), 16u);
    EXPECT_EQ(loaded.bytes, written.bytes);
}

TEST_F(MasterKeyFile, NewMasterNeverOverwritesAFile) {
    const auto path = write("existing.key", "keep me", 0600);
    EXPECT_THROW(write_new_master_key_file(path), MasterKeyError);
    std::ifstream in(path);
    std::string text;
    std::getline(in, text);
    EXPECT_EQ(text, "keep me");
}

TEST_F(MasterKeyFile, AWorldReadableFileIsRefusedWithTheFix) {
    const auto path = write("open.key", base64_encode(std::string(32, 'k')), 0644);
    EXPECT_NE(message_of(path).find("chmod o-rwx"), std::string::npos) << message_of(path);
}

TEST_F(MasterKeyFile, AGroupReadableFileIsAccepted) {
    // root:creditgate 0640 is the usual way to hand a secret to a service.
    const auto path = write("group.key", base64_encode(std::string(32, 'k')) + "\n", 0640);
    EXPECT_EQ(message_of(path), "loaded");
}

TEST_F(MasterKeyFile, AWrongLengthIsRefusedSayingHowToMakeOne) {
    const auto path = write("short.key", base64_encode(std::string(16, 'k')), 0600);
    const auto message = message_of(path);
    EXPECT_NE(message.find("16 bytes; it must be 32"), std::string::npos) << message;
    EXPECT_NE(message.find("keys new-master"), std::string::npos) << message;
}

TEST_F(MasterKeyFile, TextThatIsNotBase64IsRefusedWithoutEchoingIt) {
    const auto path = write("hex.key", std::string(64, 'z') + "!", 0600);
    const auto message = message_of(path);
    EXPECT_NE(message.find("not base64"), std::string::npos) << message;
    EXPECT_EQ(message.find("zzzz"), std::string::npos) << message;
}

TEST_F(MasterKeyFile, AMissingFileIsNamed) {
    const auto path = (dir_ / "absent.key").string();
    EXPECT_NE(message_of(path).find(path), std::string::npos);
}

TEST(ProviderKeyAad, IsUnambiguousAcrossAccountAndProvider) {
    EXPECT_NE(provider_key_aad(1, "2openai"), provider_key_aad(12, "openai"));
    EXPECT_NE(provider_key_aad(1, "openai"), provider_key_aad(1, "openai2"));
}

TEST(ProviderKeyLast4, ShowsFourCharactersOfLongKeysOnly) {
    EXPECT_EQ(provider_key_last4("sk-abcdefgh1234"), "1234");
    EXPECT_EQ(provider_key_last4("short12"), "");
}

}  // namespace
}  // namespace creditgate
