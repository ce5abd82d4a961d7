#include "byte_pair_merge.hpp"

#include <array>
#include <cstddef>
#include <functional>
#include <queue>
#include <tuple>
#include <vector>

namespace creditgate::tokenize_detail {

namespace {

// Pieces up to this many bytes merge with tiktoken's own quadratic scan, on the stack; longer
// ones (whitespace runs, long words, base64) with a heap, O(n log n), so a 4 MB body of one
// piece costs milliseconds, not hours.
constexpr std::size_t kShortPieceBytes = 64;

// tiktoken's _byte_pair_merge: parts[i] is the start of the i-th part and the rank of merging
// it with the next one.
std::int64_t count_short_piece(const RankTable& ranks, std::string_view piece) {
    struct Part {
        std::size_t start;
        Rank rank;
    };
    std::array<Part, kShortPieceBytes + 1> parts;
    std::size_t size = piece.size() + 1;
    for (std::size_t i = 0; i + 1 < piece.size(); ++i) {
        parts[i] = {i, ranks.find(piece.substr(i, 2))};
    }
    parts[piece.size() - 1] = {piece.size() - 1, kNoRank};
    parts[piece.size()] = {piece.size(), kNoRank};

    // Rank of merging part i with part i + 1, given that part i + 1 has already absorbed i + 2.
    const auto rank_after_merge = [&](std::size_t i) {
        if (i + 3 >= size) return kNoRank;
        return ranks.find(piece.substr(parts[i].start, parts[i + 3].start - parts[i].start));
    };
    for (;;) {
        std::size_t best = size;
        Rank best_rank = kNoRank;
        for (std::size_t i = 0; i + 1 < size; ++i) {
            if (parts[i].rank < best_rank) {
                best_rank = parts[i].rank;
                best = i;
            }
        }
        if (best_rank == kNoRank) break;
        if (best > 0) parts[best - 1].rank = rank_after_merge(best - 1);
        parts[best].rank = rank_after_merge(best);
        for (std::size_t i = best + 1; i + 1 < size; ++i) parts[i] = parts[i + 1];
        --size;
    }
    return static_cast<std::int64_t>(size - 1);
}

// The same rule with a min-heap of candidate merges keyed by (rank, start): a candidate is
// still valid when two live parts still span exactly [start, end).
std::int64_t count_long_piece(const RankTable& ranks, std::string_view piece) {
    const std::size_t n = piece.size();
    std::vector<std::size_t> next(n);  // for a live part starting at i: where the next starts
    std::vector<std::size_t> prev(n);  // and where the previous one starts
    std::vector<bool> live(n, true);
    using Candidate = std::tuple<Rank, std::size_t, std::size_t>;  // rank, start, end
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> candidates;
    const auto push = [&](std::size_t start, std::size_t end) {
        const Rank rank = ranks.find(piece.substr(start, end - start));
        if (rank != kNoRank) candidates.emplace(rank, start, end);
    };
    for (std::size_t i = 0; i < n; ++i) {
        next[i] = i + 1;
        prev[i] = i == 0 ? 0 : i - 1;
        if (i + 2 <= n) push(i, i + 2);
    }
    std::int64_t parts = static_cast<std::int64_t>(n);
    while (!candidates.empty()) {
        const auto [rank, start, end] = candidates.top();
        candidates.pop();
        if (!live[start]) continue;
        const std::size_t middle = next[start];
        if (middle >= n || next[middle] != end) continue;
        live[middle] = false;
        next[start] = end;
        if (end < n) prev[end] = start;
        --parts;
        if (start > 0) push(prev[start], end);
        if (end < n) push(start, next[end]);
    }
    return parts;
}

}  // namespace

std::int64_t count_piece_tokens(const RankTable& ranks, std::string_view piece) {
    if (piece.size() <= 1 || ranks.find(piece) != kNoRank) return piece.empty() ? 0 : 1;
    if (piece.size() <= kShortPieceBytes) return count_short_piece(ranks, piece);
    return count_long_piece(ranks, piece);
}

}  // namespace creditgate::tokenize_detail
