#pragma once

namespace creditgate {

// What ends a hold that outlived its deadline or its process (config ledger.on_abandoned).
enum class AbandonRule {
    void_hold,     // "void": release it all; the operator absorbs what the provider may bill
    charge_quote,  // "charge_quote": charge the full quote the request was held for
};

}  // namespace creditgate
