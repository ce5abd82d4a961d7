#include "rank_table.hpp"

#include <bit>
#include <functional>

namespace creditgate::tokenize_detail {

namespace {
std::size_t hash_of(std::string_view token) {
    return std::hash<std::string_view>{}(token);
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
        std::size_t slot = hash_of(token) & mask;
        while (table.slots_[slot].length != 0) slot = (slot + 1) & mask;
        table.slots_[slot] = Slot{offset, length, ranks_[i]};
        ++table.size_;
    }
    return true;
}

Rank RankTable::find(std::string_view token) const {
    if (slots_.empty()) return kNoRank;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = hash_of(token) & mask;; slot = (slot + 1) & mask) {
        const Slot& entry = slots_[slot];
        if (entry.length == 0) return kNoRank;
        if (entry.length == token.size() &&
            std::string_view(bytes_.data() + entry.offset, entry.length) == token) {
            return entry.rank;
        }
    }
}

}  // namespace creditgate::tokenize_detail
