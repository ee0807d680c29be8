// Runs one scenario: `concurrency` threads, all calling through one stub on
// one channel, back to back. ListImages threads share the scenario's number
// of calls; StreamImages threads each call until the scenario's time is up
// (at least once), and a call started before then is finished and counted.
#ifndef CLIENTS_CPP_DEFAULT_SCENARIO_RUNNER_H_
#define CLIENTS_CPP_DEFAULT_SCENARIO_RUNNER_H_

#include <memory>
#include <string>
#include <vector>

#include "clients/cpp-default/scenario.h"
#include "grpcpp/channel.h"
#include "image_service.grpc.pb.h"

namespace cpp_default_client {

class ScenarioRunner {
 public:
  // `names`: what ListImages gave, in its order; streams request them from
  // the first, cycling.
  ScenarioRunner(const std::shared_ptr<grpc::Channel>& channel,
                 std::vector<std::string> names);

  ScenarioResult Run(const ScenarioSpec& spec);

 private:
  std::unique_ptr<image_service::ImageService::Stub> stub_;
  std::vector<std::string> names_;
};

}  // namespace cpp_default_client

#endif  // CLIENTS_CPP_DEFAULT_SCENARIO_RUNNER_H_
