// The access log is one JSON object per line, whatever a client put in the path or model name.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "creditgate/observe/access_log.hpp"

namespace creditgate {

namespace {
// Captures what log_access writes, restoring the default logger afterwards.
std::string capture_line(const AccessRecord& record) {
    std::ostringstream out;
    auto previous = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
    logger->set_pattern("%v");
    spdlog::set_default_logger(logger);
    log_access(record);
    spdlog::set_default_logger(previous);
    return out.str();
}
}  // namespace

TEST(AccessLog, HostileClientTextStaysOneValidJsonLine) {
    AccessRecord record;
    record.request_id = new_request_id();
    record.method = "POST";
    record.path = "/v1/\"chat\"\\\n{\x01}";
    record.model = "gpt\"\r\t\x1f";
    record.status = 404;
    record.error_code = "model_not_found";
    auto line = capture_line(record);
    ASSERT_EQ(line.find('\n'), line.size() - 1) << "exactly one line";
    auto parsed = nlohmann::json::parse(line);
    EXPECT_EQ(parsed["path"], record.path);
    EXPECT_EQ(parsed["model"], record.model);
    EXPECT_EQ(parsed["status"], 404);
    EXPECT_EQ(parsed["error"], "model_not_found");
}

TEST(AccessLog, BilledRequestsCarryTokensAndCost) {
    AccessRecord record;
    record.request_id = "req_1";
    record.method = "POST";
    record.path = "/v1/chat/completions";
    record.model = "gpt-4o-mini";
    record.stream = true;
    record.account_id = 7;
    record.key_id = 9;
    record.prompt_tokens = 12;
    record.completion_tokens = 7;
    record.cost_nanos = 6'600;
    record.flags = "estimated";
    auto parsed = nlohmann::json::parse(capture_line(record));
    EXPECT_EQ(parsed["account_id"], 7);
    EXPECT_EQ(parsed["stream"], true);
    EXPECT_EQ(parsed["cost_nanos"], 6'600);
    EXPECT_EQ(parsed["flags"], "estimated");
    EXPECT_FALSE(parsed.contains("authorization"));
}

TEST(AccessLog, RequestIdsAreDistinct) {
    EXPECT_NE(new_request_id(), new_request_id());
    EXPECT_EQ(new_request_id().size(), 4u + 24u);
}

}  // namespace creditgate
