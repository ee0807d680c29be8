#include "clients/cpp-default/scenario.h"

namespace cpp_default_client {

const char* ScenarioName(Rpc rpc) {
  return rpc == Rpc::kListImages ? "list" : "stream";
}

const char* RpcName(Rpc rpc) {
  return rpc == Rpc::kListImages ? "ListImages" : "StreamImages";
}

std::vector<ScenarioSpec> ScenarioPlan(const RunOptions& options) {
  const std::vector<int> one_stream =
      options.quick
          ? std::vector<int>{1, 10, 100}
          : std::vector<int>{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
  const std::vector<int> eight_streams =
      options.quick ? std::vector<int>{10, 100}
                    : std::vector<int>{1, 10, 100, 1000};
  std::vector<ScenarioSpec> plan;
  for (int concurrency : {1, 8}) {
    plan.push_back({Rpc::kListImages, concurrency, 0, options.list_calls, 0});
  }
  for (const auto& [concurrency, sizes] :
       {std::pair{1, one_stream}, std::pair{8, eight_streams}}) {
    for (int images : sizes) {
      plan.push_back(
          {Rpc::kStreamImages, concurrency, images, 0, options.min_time_s});
    }
  }
  return plan;
}

}  // namespace cpp_default_client
