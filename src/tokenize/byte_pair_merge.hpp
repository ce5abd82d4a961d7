#pragma once
// Private to the tokenize module: tiktoken's byte pair merge, counting the tokens of one piece
// of pre-tokenised text. Rule: repeatedly merge the adjacent pair whose concatenation has the
// lowest rank (the leftmost on a tie) until no adjacent pair is a token.
#include <cstdint>
#include <string_view>

#include "rank_table.hpp"

namespace creditgate::tokenize_detail {

// Tokens of `piece` (not empty). Every single byte must be a token of `ranks` (true of the
// byte-level encodings); a byte that is not counts as one token all the same.
std::int64_t count_piece_tokens(const RankTable& ranks, std::string_view piece);

}  // namespace creditgate::tokenize_detail
