#include "clients/cpp-default/result_json.h"

#include "clients/cpp-default/json_writer.h"
#include "clients/cpp-default/latency_summary.h"

namespace cpp_default_client {
namespace {

constexpr char kSchema[] = "image-client/1";
constexpr char kStack[] = "cpp-default";

double UnixSeconds(absl::Time time) {
  return static_cast<double>(absl::ToUnixMicros(time)) / 1e6;
}

double PerSecond(int64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

void WriteSummary(const std::vector<double>& values, JsonWriter* json) {
  const std::optional<LatencySummary> summary = Summarize(values);
  if (!summary.has_value()) {
    json->Null();
    return;
  }
  json->BeginObject(JsonWriter::Layout::kInline);
  for (const auto& [key, value] :
       {std::pair{"min", summary->min}, std::pair{"p50", summary->p50},
        std::pair{"p90", summary->p90}, std::pair{"p99", summary->p99},
        std::pair{"max", summary->max}, std::pair{"mean", summary->mean}}) {
    json->Key(key);
    json->Double(value);
  }
  json->EndObject();
}

void WriteResult(const ScenarioResult& result, JsonWriter* json) {
  const double started = UnixSeconds(result.started);
  const double ended = UnixSeconds(result.ended);
  // From the same rounded values, so that wall_s is exactly their difference.
  const double wall = ended - started;
  json->BeginObject();
  json->Key("scenario");
  json->String(ScenarioName(result.spec.rpc));
  json->Key("rpc");
  json->String(RpcName(result.spec.rpc));
  for (const auto& [key, value] :
       {std::pair{"concurrency", int64_t{result.spec.concurrency}},
        std::pair{"images_per_stream", int64_t{result.spec.images_per_stream}},
        std::pair{"calls", result.calls}, std::pair{"errors", result.errors}}) {
    json->Key(key);
    json->Int(value);
  }
  for (const auto& [key, value] :
       {std::pair{"started_unix_s", started}, std::pair{"ended_unix_s", ended},
        std::pair{"wall_s", wall}}) {
    json->Key(key);
    json->Double(value);
  }
  json->Key("images");
  json->Int(result.images);
  json->Key("bytes");
  json->Int(result.bytes);
  for (const auto& [key, count] : {std::pair{"calls_per_s", result.calls},
                                   std::pair{"images_per_s", result.images},
                                   std::pair{"bytes_per_s", result.bytes}}) {
    json->Key(key);
    json->Double(PerSecond(count, wall));
  }
  json->Key("latency_us");
  WriteSummary(result.latency_us, json);
  json->Key("first_image_us");
  if (result.spec.rpc == Rpc::kListImages) {
    json->Null();
  } else {
    WriteSummary(result.first_image_us, json);
  }
  json->EndObject();
}

void WriteErrors(const std::vector<ScenarioResult>& results, JsonWriter* json) {
  int64_t errors = 0;
  std::vector<std::string> samples;
  for (const ScenarioResult& result : results) {
    errors += result.errors;
    for (const std::string& sample : result.error_samples) {
      if (samples.size() < kMaxErrorSamples) samples.push_back(sample);
    }
  }
  json->Key("errors");
  json->Int(errors);
  json->Key("error_samples");
  json->BeginArray();
  for (const std::string& sample : samples) json->String(sample);
  json->EndArray();
}

}  // namespace

std::string ResultJson(const RunReport& report) {
  JsonWriter json;
  json.BeginObject();
  for (const auto& [key, value] :
       {std::pair{"schema", std::string(kSchema)},
        std::pair{"stack", std::string(kStack)},
        std::pair{"library", report.library},
        std::pair{"runtime", report.runtime},
        std::pair{"settings", SettingsName(report.settings)}}) {
    json.Key(key);
    json.String(value);
  }
  json.Key("channel_options");
  json.BeginObject(JsonWriter::Layout::kInline);
  for (const ChannelSetting& setting : report.channel_options) {
    json.Key(setting.key);
    json.Int(setting.value);
  }
  json.EndObject();
  json.Key("target");
  json.String(report.target);
  json.Key("images_in_set");
  json.Int(report.images_in_set);
  json.Key("started_unix_s");
  json.Double(UnixSeconds(report.started));
  json.Key("ended_unix_s");
  json.Double(UnixSeconds(report.ended));
  json.Key("notes");
  json.String(report.notes);
  WriteErrors(report.results, &json);
  json.Key("results");
  json.BeginArray();
  for (const ScenarioResult& result : report.results)
    WriteResult(result, &json);
  json.EndArray();
  json.EndObject();
  return json.text() + "\n";
}

}  // namespace cpp_default_client
