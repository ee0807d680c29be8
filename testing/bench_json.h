// Reading what image_bench writes with --benchmark_out_format=json, for
// end-to-end tests that assert on the counters a user reads.
#ifndef TESTING_BENCH_JSON_H_
#define TESTING_BENCH_JSON_H_

#include <map>
#include <string>

#include "google/protobuf/struct.pb.h"

namespace image_testing {

// gbench's "benchmarks" array, by run name; empty if the JSON is unreadable.
std::map<std::string, google::protobuf::Struct> BenchmarksByName(
    const std::string& json);

// A numeric field of one run, or -1 when it is missing.
double Number(const google::protobuf::Struct& run, const std::string& key);

}  // namespace image_testing

#endif  // TESTING_BENCH_JSON_H_
