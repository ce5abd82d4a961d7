#include "creditgate/views/accept_csv.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

struct AcceptCase {
    const char* why;
    const char* accept;
    bool csv;
};

TEST(AcceptCsv, ChoosesCsvOnlyWhenThePreferredTypeIsCsv) {
    const AcceptCase cases[] = {
        {"no header means JSON", "", false},
        {"csv alone", "text/csv", true},
        {"media types are case-insensitive", "Text/CSV", true},
        {"json alone", "application/json", false},
        {"a wildcard does not ask for csv", "*/*", false},
        {"a tie goes to the first named (csv)", "text/csv, application/json", true},
        {"a tie goes to the first named (json)", "application/json, text/csv", false},
        {"a higher q wins over order", "application/json;q=0.5, text/csv", true},
        {"a lower q for csv loses", "application/json, text/csv;q=0.5", false},
        {"spaces around the separators", " text/csv ; q=0.9 ,application/json ; q=0.8", true},
        {"Q is the same parameter as q", "application/json;Q=0.1, text/csv;q=0.2", true},
        {"other parameters are ignored", "text/csv;charset=utf-8;q=1, application/json", true},
        {"q=0 refuses csv", "text/csv;q=0", false},
        {"an unreadable q counts as 0", "text/csv;q=high", false},
        {"the best q of a repeated type counts",
         "text/csv;q=0.1, application/json;q=0.5, "
         "text/csv;q=0.9",
         true},
    };
    for (const auto& c : cases) EXPECT_EQ(wants_csv(c.accept), c.csv) << c.why;
}

}  // namespace
}  // namespace creditgate
