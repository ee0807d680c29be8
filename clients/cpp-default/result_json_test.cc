#include "clients/cpp-default/result_json.h"

#include "clients/cpp-default/json_writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cpp_default_client {
namespace {

using ::testing::HasSubstr;

absl::Time At(int64_t unix_micros) { return absl::FromUnixMicros(unix_micros); }

ScenarioResult ListResult() {
  ScenarioResult result;
  result.spec = {Rpc::kListImages, 1, 0, 2, 0};
  result.started = At(1764640000250000);
  result.ended = At(1764640000750000);
  result.calls = 2;
  result.latency_us = {150, 50.5};
  return result;
}

ScenarioResult StreamResult() {
  ScenarioResult result;
  result.spec = {Rpc::kStreamImages, 8, 10, 0, 0.2};
  result.started = At(1764640001000000);
  result.ended = At(1764640003000000);
  result.calls = 4;
  result.errors = 1;
  result.images = 35;
  result.bytes = 7000;
  result.latency_us = {400, 100, 300, 200};
  result.first_image_us = {10, 20, 30};
  result.error_samples = {"StreamImages of 10: RESOURCE_EXHAUSTED: too big"};
  return result;
}

RunReport Report() {
  RunReport report;
  report.library = "grpc++ 1.51.1";
  report.runtime = "GCC 12.2.0, C++17";
  report.settings = Settings::kRecommended;
  report.channel_options = {{"grpc.max_receive_message_length", 67108864},
                            {"grpc.http2.bdp_probe", 0}};
  report.target = "127.0.0.1:50051";
  report.images_in_set = 24;
  report.started = At(1764640000000000);
  report.ended = At(1764640003500000);
  report.results = {ListResult(), StreamResult()};
  return report;
}

TEST(ResultJsonTest, WritesTheContractsShape) {
  EXPECT_EQ(ResultJson(Report()), R"({
  "schema": "image-client/1",
  "stack": "cpp-default",
  "library": "grpc++ 1.51.1",
  "runtime": "GCC 12.2.0, C++17",
  "settings": "recommended",
  "channel_options": {"grpc.max_receive_message_length": 67108864, "grpc.http2.bdp_probe": 0},
  "target": "127.0.0.1:50051",
  "images_in_set": 24,
  "started_unix_s": 1764640000,
  "ended_unix_s": 1764640003.5,
  "notes": "",
  "errors": 1,
  "error_samples": [
    "StreamImages of 10: RESOURCE_EXHAUSTED: too big"
  ],
  "results": [
    {
      "scenario": "list",
      "rpc": "ListImages",
      "concurrency": 1,
      "images_per_stream": 0,
      "calls": 2,
      "errors": 0,
      "started_unix_s": 1764640000.25,
      "ended_unix_s": 1764640000.75,
      "wall_s": 0.5,
      "images": 0,
      "bytes": 0,
      "calls_per_s": 4,
      "images_per_s": 0,
      "bytes_per_s": 0,
      "latency_us": {"min": 50.5, "p50": 50.5, "p90": 150, "p99": 150, "max": 150, "mean": 100.25},
      "first_image_us": null
    },
    {
      "scenario": "stream",
      "rpc": "StreamImages",
      "concurrency": 8,
      "images_per_stream": 10,
      "calls": 4,
      "errors": 1,
      "started_unix_s": 1764640001,
      "ended_unix_s": 1764640003,
      "wall_s": 2,
      "images": 35,
      "bytes": 7000,
      "calls_per_s": 2,
      "images_per_s": 17.5,
      "bytes_per_s": 3500,
      "latency_us": {"min": 100, "p50": 200, "p90": 400, "p99": 400, "max": 400, "mean": 250},
      "first_image_us": {"min": 10, "p50": 20, "p90": 30, "p99": 30, "max": 30, "mean": 20}
    }
  ]
}
)");
}

TEST(ResultJsonTest, KeepsTheFirstFiveErrorSamples) {
  RunReport report = Report();
  report.results = {StreamResult(), StreamResult(), StreamResult(),
                    StreamResult(), StreamResult(), StreamResult()};
  report.results[0].error_samples = {"first"};
  const std::string json = ResultJson(report);
  EXPECT_THAT(json, HasSubstr("\"errors\": 6,"));
  EXPECT_THAT(json, HasSubstr("\"error_samples\": [\n    \"first\","));
  EXPECT_EQ(json.find("\"first\""), json.rfind("\"first\""));
  const size_t samples = json.find("\"error_samples\"");
  const std::string list =
      json.substr(samples, json.find(']', samples) - samples);
  int samples_listed = 0;
  for (size_t at = list.find("\n    \""); at != std::string::npos;
       at = list.find("\n    \"", at + 1)) {
    ++samples_listed;
  }
  EXPECT_EQ(samples_listed, 5);
}

TEST(JsonStringTest, EscapesWhatJsonCannotHoldAsIs) {
  EXPECT_EQ(JsonString("plain"), "\"plain\"");
  EXPECT_EQ(JsonString("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(JsonString("two\nlines\tand\x01"), R"("two\nlines\tand\u0001")");
  EXPECT_EQ(JsonString("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(JsonString("bad\xff"), R"("bad\u00ff")");
}

TEST(JsonWriterTest, NonFiniteNumbersBecomeNull) {
  JsonWriter json;
  json.BeginArray(JsonWriter::Layout::kInline);
  json.Double(1.0 / 0.0);
  json.Double(0.1);
  json.Int(-3);
  json.EndArray();
  EXPECT_EQ(json.text(), "[null, 0.1, -3]");
}

}  // namespace
}  // namespace cpp_default_client
