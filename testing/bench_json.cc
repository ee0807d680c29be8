#include "testing/bench_json.h"

#include "google/protobuf/util/json_util.h"

namespace image_testing {

std::map<std::string, google::protobuf::Struct> BenchmarksByName(
    const std::string& json) {
  google::protobuf::Struct root;
  std::map<std::string, google::protobuf::Struct> runs;
  if (!google::protobuf::util::JsonStringToMessage(json, &root).ok()) {
    return runs;
  }
  const auto benchmarks = root.fields().find("benchmarks");
  if (benchmarks == root.fields().end()) return runs;
  for (const google::protobuf::Value& run :
       benchmarks->second.list_value().values()) {
    const auto name = run.struct_value().fields().find("name");
    if (name != run.struct_value().fields().end()) {
      runs[name->second.string_value()] = run.struct_value();
    }
  }
  return runs;
}

double Number(const google::protobuf::Struct& run, const std::string& key) {
  const auto found = run.fields().find(key);
  return found == run.fields().end() ? -1 : found->second.number_value();
}

}  // namespace image_testing
