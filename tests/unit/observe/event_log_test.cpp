// Event lines stay one valid JSON object whatever an error message holds.
#include "creditgate/observe/event_log.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

namespace creditgate {
namespace {

TEST(EventLog, WritesTheEventFirstAndFieldsInOrder) {
    EXPECT_EQ(event_line("stopped", {{"unfinished_requests", 2}, {"clean", true}}),
              R"({"event":"stopped","unfinished_requests":2,"clean":true})");
    EXPECT_EQ(event_line("draining"), R"({"event":"draining"})");
}

TEST(EventLog, EscapesQuotesBackslashesAndControlCharacters) {
    const std::string error = "disk \"full\" at C:\\db\nnext\x01";
    const std::string line = event_line("fatal", {{"error", error}});
    EXPECT_EQ(line, R"({"event":"fatal","error":"disk \"full\" at C:\\db\nnext\u0001"})");
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_EQ(nlohmann::json::parse(line)["error"], error);
}

TEST(EventLog, ReplacesInvalidUtf8InsteadOfThrowing) {
    const std::string line = event_line("fatal", {{"error", std::string("bad \xff byte")}});
    EXPECT_EQ(nlohmann::json::parse(line)["error"], "bad \xEF\xBF\xBD byte");
}

TEST(EventLog, LogsTheLineVerbatimEvenWithFormatBraces) {
    std::ostringstream out;
    const auto previous = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
    logger->set_pattern("%v");
    spdlog::set_default_logger(logger);
    log_event(spdlog::level::warn, "accept_failed", {{"error", "{} {:x}"}});
    spdlog::set_default_logger(previous);
    EXPECT_EQ(out.str(), std::string(R"({"event":"accept_failed","error":"{} {:x}"})") + "\n");
}

}  // namespace
}  // namespace creditgate
