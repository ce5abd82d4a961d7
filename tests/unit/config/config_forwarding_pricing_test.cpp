// The config fields that narrow what is forwarded and what is sold unpriced: a provider's
// forward_headers, a model's service_tiers, and ledger.on_empty_reply.
#include <gtest/gtest.h>

#include <string>

#include "config_test_support.hpp"
#include "creditgate/config/config.hpp"

namespace creditgate {
namespace {

using config_test::base_config;
using config_test::parse;
using nlohmann::json;

json& mini(json& d) {
    return d["models"]["gpt-4o-mini"];
}
json& openai(json& d) {
    return d["providers"]["openai"];
}

// The ConfigError thrown for `document`, or a failure.
ConfigError error_of(const json& document) {
    try {
        parse(document);
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "expected a ConfigError for " << document.dump();
    return ConfigError("<none>", "<none>");
}

void expect_error(const json& document, const std::string& path, const std::string& part) {
    const ConfigError e = error_of(document);
    EXPECT_EQ(e.json_path(), path) << e.what();
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
}

// --- forward_headers ---------------------------------------------------------------------

TEST(ConfigForwardHeaders, AbsentMeansNoExtraHeaders) {
    EXPECT_TRUE(parse(base_config()).providers.at("openai").forward_headers.empty());
}

TEST(ConfigForwardHeaders, NamesAreKeptInLowerCase) {
    json d = base_config();
    openai(d)["forward_headers"] = {"X-Portkey-Trace-Id", "helicone-auth"};
    const Config config = parse(d);
    const auto& headers = config.providers.at("openai").forward_headers;
    ASSERT_EQ(headers.size(), 2u);
    EXPECT_EQ(headers[0], "x-portkey-trace-id");
    EXPECT_EQ(headers[1], "helicone-auth");
}

TEST(ConfigForwardHeaders, CredentialsAndHopByHopHeadersAreRefused) {
    for (const char* name :
         {"Authorization", "cookie", "host", "connection", "content-length", "transfer-encoding",
          "accept-encoding", "openai-organization", "openai-project", "x-api-key"}) {
        json d = base_config();
        openai(d)["forward_headers"] = {"x-ok", name};
        expect_error(d, "providers[\"openai\"].forward_headers[1]", "is never forwarded");
    }
}

TEST(ConfigForwardHeaders, MalformedListsAreRefusedWithTheirPath) {
    const std::string path = "providers[\"openai\"].forward_headers";
    json d = base_config();
    openai(d)["forward_headers"] = "x-one";
    expect_error(d, path, "must be an array");
    openai(d)["forward_headers"] = {"x-one", 7};
    expect_error(d, path + "[1]", "expected a string");
    openai(d)["forward_headers"] = {"x one"};
    expect_error(d, path + "[0]", "must be an HTTP header name");
    openai(d)["forward_headers"] = {"x-one:"};
    expect_error(d, path + "[0]", "must be an HTTP header name");
    openai(d)["forward_headers"] = {""};
    expect_error(d, path + "[0]", "");
    openai(d)["forward_headers"] = {"X-One", "x-one"};
    expect_error(d, path + "[1]", "duplicate header name \"x-one\"");
    openai(d)["forward_headers"] = json::array();
    for (int i = 0; i < 65; ++i) openai(d)["forward_headers"].push_back("x-" + std::to_string(i));
    expect_error(d, path, "at most 64");
}

// --- service_tiers ---------------------------------------------------------------------------

TEST(ConfigServiceTiers, TiersArePricedLikeTheModel) {
    json d = base_config();
    mini(d)["service_tiers"] = {
        {"flex", {{"input", "0.075"}, {"output", "0.30"}}},
        {"priority", {{"input", "0.25"}, {"cached_input", "0.125"}, {"output", "1.00"}}}};
    const Config config = parse(d);
    const ModelConfig& model = config.models.at("gpt-4o-mini");
    ASSERT_EQ(model.service_tier_prices.size(), 2u);
    const ModelPrice& flex = model.service_tier_prices.at("flex");
    EXPECT_EQ(flex.input_nanos_per_mtok, 75'000'000);
    EXPECT_EQ(flex.cached_input_nanos_per_mtok, 75'000'000);  // defaults to the tier's input
    EXPECT_EQ(flex.output_nanos_per_mtok, 300'000'000);
    EXPECT_EQ(model.service_tier_prices.at("priority").cached_input_nanos_per_mtok, 125'000'000);
}

TEST(ConfigServiceTiers, PriceForPicksTheTierOrRefusesIt) {
    json d = base_config();
    mini(d)["service_tiers"] = {{"flex", {{"input", "0.075"}, {"output", "0.30"}}}};
    const Config config = parse(d);
    const ModelConfig& model = config.models.at("gpt-4o-mini");
    EXPECT_EQ(price_for(model, ""), &model.price);
    EXPECT_EQ(price_for(model, "auto"), &model.price);
    EXPECT_EQ(price_for(model, "default"), &model.price);
    EXPECT_EQ(price_for(model, "flex"), &model.service_tier_prices.at("flex"));
    EXPECT_EQ(price_for(model, "priority"), nullptr);
    EXPECT_EQ(price_for(model, "Flex"), nullptr);
    EXPECT_EQ(price_for(config.models.at("local-llama"), "flex"), nullptr);
}

TEST(ConfigServiceTiers, TiersChangeThePriceVersionAndNoTiersKeepIt) {
    const std::string plain = parse(base_config()).price_version;
    json d = base_config();
    mini(d)["service_tiers"] = json::object();
    EXPECT_EQ(parse(d).price_version, plain);
    mini(d)["service_tiers"] = {{"flex", {{"input", "0.075"}, {"output", "0.30"}}}};
    const std::string with_flex = parse(d).price_version;
    EXPECT_NE(with_flex, plain);
    mini(d)["service_tiers"]["flex"]["output"] = "0.31";
    EXPECT_NE(parse(d).price_version, with_flex);
}

TEST(ConfigServiceTiers, InvalidTiersAreRefusedWithTheirPath) {
    const std::string path = "models[\"gpt-4o-mini\"].service_tiers";
    json d = base_config();
    mini(d)["service_tiers"] = json::array();
    expect_error(d, path, "");
    mini(d)["service_tiers"] = {{"auto", {{"input", "1"}, {"output", "1"}}}};
    expect_error(d, path + "[\"auto\"]", "use the model's own");
    mini(d)["service_tiers"] = {{"default", {{"input", "1"}, {"output", "1"}}}};
    expect_error(d, path + "[\"default\"]", "use the model's own");
    mini(d)["service_tiers"] = {{"Flex Tier", {{"input", "1"}, {"output", "1"}}}};
    expect_error(d, path + "[\"Flex Tier\"]", "a service tier name");
    mini(d)["service_tiers"] = {{"flex", {{"input", "1"}}}};
    expect_error(d, path + "[\"flex\"].output", "missing required field");
    mini(d)["service_tiers"] = {{"flex", {{"input", "1"}, {"output", 1}}}};
    expect_error(d, path + "[\"flex\"].output", "decimal string");
    mini(d)["service_tiers"] = {
        {"flex", {{"input", "1"}, {"output", "1"}, {"max_output_tokens", 5}}}};
    expect_error(d, path + "[\"flex\"].max_output_tokens", "unknown field");
}

// --- ledger.on_empty_reply -------------------------------------------------------------------

TEST(ConfigOnEmptyReply, DefaultsToThePromptEstimate) {
    EXPECT_EQ(parse(base_config()).ledger.on_empty_reply, EmptyReplyRule::prompt_estimate);
}

TEST(ConfigOnEmptyReply, BothRulesParse) {
    json d = base_config();
    d["ledger"] = {{"on_empty_reply", "void"}};
    EXPECT_EQ(parse(d).ledger.on_empty_reply, EmptyReplyRule::void_hold);
    d["ledger"] = {{"on_empty_reply", "prompt_estimate"}};
    EXPECT_EQ(parse(d).ledger.on_empty_reply, EmptyReplyRule::prompt_estimate);
}

TEST(ConfigOnEmptyReply, OtherValuesAreRefused) {
    json d = base_config();
    d["ledger"] = {{"on_empty_reply", "free"}};
    expect_error(d, "ledger.on_empty_reply", "must be \"void\" or \"prompt_estimate\"");
    d["ledger"] = {{"on_empty_reply", true}};
    expect_error(d, "ledger.on_empty_reply", "expected a string");
}

}  // namespace
}  // namespace creditgate
