#include "creditgate/auth/master_key.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "creditgate/auth/api_key.hpp"
#include "creditgate/auth/base64.hpp"

namespace creditgate {

namespace {

std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

MasterKey from_bytes(std::string_view raw) {
    MasterKey key;
    std::memcpy(key.bytes.data(), raw.data(), kAesKeyBytes);
    key.id = sha256_hex(raw).substr(0, 16);
    return key;
}

}  // namespace

MasterKey master_key_from_text(std::string_view text) {
    auto raw = base64_decode(trimmed(text));
    if (!raw) throw MasterKeyError("the master key is not base64 text");
    if (raw->size() != kAesKeyBytes) {
        const auto size = raw->size();
        OPENSSL_cleanse(raw->data(), raw->size());
        throw MasterKeyError("the master key is " + std::to_string(size) +
                             " bytes; it must be 32 (base64 of 32 random bytes: create one with "
                             "`creditgate keys new-master --out FILE`)");
    }
    auto key = from_bytes(*raw);
    OPENSSL_cleanse(raw->data(), raw->size());
    return key;
}

MasterKey load_master_key_file(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        throw MasterKeyError("byok master key file " + path + ": " + std::strerror(errno));
    }
    if (!S_ISREG(info.st_mode)) {
        throw MasterKeyError("byok master key file " + path + ": not a regular file");
    }
    if ((info.st_mode & S_IRWXO) != 0) {
        throw MasterKeyError("byok master key file " + path +
                             ": other users may access it; run `chmod o-rwx " + path + "`");
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) throw MasterKeyError("byok master key file " + path + ": could not be read");
    std::string content = text.str();
    try {
        auto key = master_key_from_text(content);
        OPENSSL_cleanse(content.data(), content.size());
        return key;
    } catch (const MasterKeyError& e) {
        OPENSSL_cleanse(content.data(), content.size());
        throw MasterKeyError("byok master key file " + path + ": " + e.what());
    }
}

MasterKey write_new_master_key_file(const std::string& path) {
    std::string raw(kAesKeyBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) !=
        1) {
        throw MasterKeyError("RAND_bytes failed: no master key");
    }
    std::string text = base64_encode(raw) + "\n";
    auto key = from_bytes(raw);
    OPENSSL_cleanse(raw.data(), raw.size());
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        OPENSSL_cleanse(text.data(), text.size());
        throw MasterKeyError(path + ": " + std::strerror(errno));
    }
    const bool written =
        ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
        ::fsync(fd) == 0;
    ::close(fd);
    OPENSSL_cleanse(text.data(), text.size());
    if (!written) throw MasterKeyError(path + ": could not write the key");
    return key;
}

}  // namespace creditgate
