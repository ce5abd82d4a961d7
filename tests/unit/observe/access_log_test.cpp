// The access log is one JSON object per line, whatever a client put in the path or model name.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "creditgate/observe/access_log.hpp"

namespace creditgate {

namespace {
// Makes the default logger write to `out` for its lifetime, one logger call per line.
class CapturedLog {
  public:
    explicit CapturedLog(std::ostringstream& out) : previous_(spdlog::default_logger()) {
        auto logger = std::make_shared<spdlog::logger>(
            "capture", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
        logger->set_pattern("%v");
        spdlog::set_default_logger(logger);
    }
    ~CapturedLog() { spdlog::set_default_logger(previous_); }

  private:
    std::shared_ptr<spdlog::logger> previous_;
};

// What log_access writes for one record on a thread without a batch.
std::string capture_line(const AccessRecord& record) {
    std::ostringstream out;
    CapturedLog capture(out);
    log_access(record);
    return out.str();
}

AccessRecord request_numbered(int n) {
    AccessRecord record;
    record.request_id = "req_" + std::to_string(n);
    record.method = "POST";
    record.path = "/v1/chat/completions";
    record.status = 200;
    return record;
}

std::vector<std::string> request_ids_in(const std::string& text) {
    std::vector<std::string> ids;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        ids.push_back(nlohmann::json::parse(line)["request_id"]);
    }
    return ids;
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

TEST(AccessLog, ABatchHandsOverItsLinesInOrderAfterTheDelay) {
    std::ostringstream out;
    CapturedLog capture(out);
    boost::asio::io_context context;
    AccessLogBatch batch(context, std::chrono::milliseconds(5));
    for (int n = 0; n < 3; ++n) log_access(request_numbered(n));
    EXPECT_EQ(out.str(), "") << "held until the batch's delay has passed";
    context.run();  // returns once the batch's timer has fired
    EXPECT_EQ(request_ids_in(out.str()), (std::vector<std::string>{"req_0", "req_1", "req_2"}));
}

TEST(AccessLog, AFullBatchIsHandedOverAtOnceAndTheRestAtTheEnd) {
    std::ostringstream out;
    CapturedLog capture(out);
    boost::asio::io_context context;
    {
        AccessLogBatch batch(context, std::chrono::hours(1), 300);
        for (int n = 0; n < 5; ++n) log_access(request_numbered(n));
        EXPECT_GE(request_ids_in(out.str()).size(), 2u) << "a batch past 300 bytes goes at once";
    }
    // The batch's end hands over what is left, and the thread logs directly again.
    log_access(request_numbered(5));
    EXPECT_EQ(request_ids_in(out.str()),
              (std::vector<std::string>{"req_0", "req_1", "req_2", "req_3", "req_4", "req_5"}));
}

TEST(AccessLog, RequestIdsAreDistinct) {
    EXPECT_NE(new_request_id(), new_request_id());
    EXPECT_EQ(new_request_id().size(), 4u + 24u);
}

}  // namespace creditgate
