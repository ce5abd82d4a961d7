#include "rank_table.hpp"

#include <bit>
#include <cstring>

namespace creditgate::tokenize_detail {

namespace {

// Eight bytes at a time, multiply and rotate (tokens are short: one to three words). Not for
// adversarial keys: the table is built from the rank file, never from a client's text.
std::uint64_t hash_of(std::string_view token) {
    constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
    std::uint64_t hash = token.size() * kMultiplier;
    std::size_t i = 0;
    for (; i + 8 <= token.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, token.data() + i, 8);
        hash = std::rotl((hash ^ word) * kMultiplier, 29);
    }
    if (i < token.size()) {
        std::uint64_t word = 0;
        std::memcpy(&word, token.data() + i, token.size() - i);
        hash = std::rotl((hash ^ word) * kMultiplier, 29);
    }
    return (hash ^ (hash >> 32)) * kMultiplier;
}

constexpr std::size_t kInlineBytes = 8;

std::uint64_t inline_word(std::string_view token) {
    std::uint64_t word = 0;
    std::memcpy(&word, token.data(), token.size());
    return word;
}

}  // namespace

void RankTable::Builder::add(std::string_view token, Rank rank) {
    offsets_.push_back(static_cast<std::uint32_t>(bytes_.size()));
    bytes_.append(token);
    ranks_.push_back(rank);
}

bool RankTable::Builder::build(RankTable& table) {
    offsets_.push_back(static_cast<std::uint32_t>(bytes_.size()));
    const std::size_t count = ranks_.size();
    table.bytes_ = std::move(bytes_);
    table.slots_.assign(std::bit_ceil(count * 2 + 2), Slot{});
    table.size_ = 0;
    const std::size_t mask = table.slots_.size() - 1;
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint32_t offset = offsets_[i];
        const std::uint32_t length = offsets_[i + 1] - offset;
        const std::string_view token(table.bytes_.data() + offset, length);
        if (length == 0 || table.find(token) != kNoRank) return false;
        const std::uint64_t hash = hash_of(token);
        std::size_t slot = hash & mask;
        while (table.slots_[slot].length != 0) slot = (slot + 1) & mask;
        const std::uint64_t bytes = length <= kInlineBytes ? inline_word(token) : offset;
        table.slots_[slot] = Slot{bytes, length, ranks_[i]};
        ++table.size_;
    }
    return true;
}

Rank RankTable::find(std::string_view token) const {
    if (slots_.empty()) return kNoRank;
    const std::size_t mask = slots_.size() - 1;
    const bool short_token = token.size() <= kInlineBytes;
    const std::uint64_t word = short_token ? inline_word(token) : 0;
    for (std::size_t slot = hash_of(token) & mask;; slot = (slot + 1) & mask) {
        const Slot& entry = slots_[slot];
        if (entry.length == 0) return kNoRank;
        if (entry.length != token.size()) continue;
        if (short_token
                ? entry.bytes == word
                : std::memcmp(bytes_.data() + entry.bytes, token.data(), token.size()) == 0) {
            return entry.rank;
        }
    }
}

}  // namespace creditgate::tokenize_detail
