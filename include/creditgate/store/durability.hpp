#pragma once

namespace creditgate {

// What a committed ledger write survives (config database.durability).
enum class Durability {
    process,  // a crash or kill -9 of creditgate: WAL, synchronous=NORMAL (default)
    power,    // also power loss or an OS crash: WAL, synchronous=FULL (an fsync per commit)
};

}  // namespace creditgate
