// What a reload may change and what it may not: the holder swaps a new config in whole, or
// refuses it naming the field, and a snapshot taken before a swap keeps its own prices.
#include "creditgate/config/config_holder.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "config_test_support.hpp"

namespace creditgate {
namespace {

using config_test::base_config;
using config_test::parse;
using nlohmann::json;

std::shared_ptr<const Config> config_from(const json& document) {
    return std::make_shared<const Config>(parse(document));
}

struct Edit {
    const char* name;
    std::function<void(json&)> apply;
    const char* refused_path;  // nullptr: the reload applies
};

const Edit kEdits[] = {
    // Bound, opened or started once per process: a restart applies them.
    {"listen", [](json& d) { d["listen"] = "127.0.0.1:9090"; }, "listen"},
    {"admin listen", [](json& d) { d["admin"]["listen"] = "127.0.0.1:9091"; }, "admin.listen"},
    {"threads", [](json& d) { d["threads"] = 2; }, "threads"},
    {"database file", [](json& d) { d["database"]["sqlite"] = "var/other.db"; }, "database.sqlite"},
    {"durability", [](json& d) { d["database"]["durability"] = "power"; }, "database.durability"},
    {"hold timeout", [](json& d) { d["ledger"]["hold_timeout_s"] = 60; }, "ledger.hold_timeout_s"},
    {"abandon rule", [](json& d) { d["ledger"]["on_abandoned"] = "charge_quote"; },
     "ledger.on_abandoned"},
    {"byok master key file",
     [](json& d) {
         d["byok"] = {{"master_key_file", "/k"}};
     },
     "byok.master_key_file"},
    // Read per request: a reload applies them.
    {"a price", [](json& d) { d["models"]["gpt-4o-mini"]["output"] = "0.80"; }, nullptr},
    {"the mark-up", [](json& d) { d["markup"]["percent"] = "25"; }, nullptr},
    {"a limit", [](json& d) { d["limits"]["upstream_first_byte_ms"] = 9000; }, nullptr},
    {"a session limit", [](json& d) { d["limits"]["max_body_bytes"] = 2048; }, nullptr},
    {"a new model", [](json& d) { d["models"]["copy"] = d["models"]["local-llama"]; }, nullptr},
    {"a provider's URL",
     [](json& d) { d["providers"]["local"]["base_url"] = "http://10.0.0.1/v1"; }, nullptr},
    {"the empty-reply rule", [](json& d) { d["ledger"]["on_empty_reply"] = "void"; }, nullptr},
};

TEST(ConfigHolder, RefusesWhatNeedsARestartAndAppliesTheRest) {
    for (const Edit& edit : kEdits) {
        SCOPED_TRACE(edit.name);
        const auto running = config_from(base_config());
        ConfigHolder holder(running);
        json edited = base_config();
        edit.apply(edited);
        const auto next = config_from(edited);

        const ReloadOutcome outcome = holder.replace(next);

        if (edit.refused_path != nullptr) {
            EXPECT_FALSE(outcome.applied);
            EXPECT_EQ(outcome.json_path, edit.refused_path);
            EXPECT_NE(outcome.reason.find("restart"), std::string::npos) << outcome.reason;
            EXPECT_EQ(holder.current(), running) << "a refused file leaves the running config";
        } else {
            EXPECT_TRUE(outcome.applied) << outcome.json_path << ": " << outcome.reason;
            EXPECT_EQ(outcome.previous_price_version, running->price_version);
            EXPECT_EQ(outcome.price_version, next->price_version);
            EXPECT_EQ(holder.current(), next);
        }
    }
}

TEST(ConfigHolder, ASnapshotTakenBeforeAReloadKeepsItsPriceTable) {
    ConfigHolder holder(config_from(base_config()));
    const auto quoted = holder.current();
    json repriced = base_config();
    repriced["models"]["gpt-4o-mini"]["output"] = "0.90";

    ASSERT_TRUE(holder.replace(config_from(repriced)).applied);

    EXPECT_EQ(quoted->models.at("gpt-4o-mini").price.output_nanos_per_mtok, 600'000'000);
    EXPECT_EQ(holder.current()->models.at("gpt-4o-mini").price.output_nanos_per_mtok, 900'000'000);
    EXPECT_NE(quoted->price_version, holder.current()->price_version);
}

TEST(ConfigHolder, AReloadWithTheSameFileKeepsThePriceVersion) {
    ConfigHolder holder(config_from(base_config()));
    const auto outcome = holder.replace(config_from(base_config()));
    ASSERT_TRUE(outcome.applied);
    EXPECT_EQ(outcome.price_version, outcome.previous_price_version);
}

}  // namespace
}  // namespace creditgate
