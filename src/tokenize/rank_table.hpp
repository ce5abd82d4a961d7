#pragma once
// Private to the tokenize module: token bytes → rank, one flat open-addressing table. All token
// bytes live in one string and each slot is 16 bytes, so o200k_base's 200,000 tokens take about
// 10 MB (a std::unordered_map<std::string, …> would take several times that, in 200,000 nodes).
// Lookups are the tokenizer's hot path and mostly cache misses: a token of up to 8 bytes (most
// of them) sits in its slot, so a lookup touches one cache line, not two.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace creditgate::tokenize_detail {

using Rank = std::uint32_t;
inline constexpr Rank kNoRank = std::numeric_limits<Rank>::max();

class RankTable {
  public:
    // Builds the table from (token, rank) pairs; false on a duplicate token or an empty one.
    class Builder {
      public:
        void add(std::string_view token, Rank rank);
        bool build(RankTable& table);

      private:
        std::string bytes_;
        std::vector<std::uint32_t> offsets_;
        std::vector<Rank> ranks_;
    };

    Rank find(std::string_view token) const;
    std::size_t size() const { return size_; }

  private:
    struct Slot {
        std::uint64_t bytes = 0;   // up to 8 bytes: the token itself, zero-padded; else its
                                   // offset in bytes_
        std::uint32_t length = 0;  // 0: empty slot (no token is empty)
        Rank rank = kNoRank;
    };

    std::string bytes_;
    std::vector<Slot> slots_;  // a power of two, at most half full
    std::size_t size_ = 0;
};

}  // namespace creditgate::tokenize_detail
