#include "clients/cpp-default/scenario_runner.h"

#include <atomic>
#include <chrono>
#include <thread>

#include "absl/time/clock.h"
#include "clients/cpp-default/image_calls.h"

namespace cpp_default_client {
namespace {

using Clock = std::chrono::steady_clock;

void Add(const CallOutcome& outcome, ScenarioResult* result) {
  ++result->calls;
  result->images += outcome.images;
  result->bytes += outcome.bytes;
  result->latency_us.push_back(outcome.latency_us);
  if (outcome.first_image_us.has_value()) {
    result->first_image_us.push_back(*outcome.first_image_us);
  }
  if (!outcome.error.empty()) {
    ++result->errors;
    if (result->error_samples.size() < kMaxErrorSamples) {
      result->error_samples.push_back(outcome.error);
    }
  }
}

}  // namespace

ScenarioRunner::ScenarioRunner(const std::shared_ptr<grpc::Channel>& channel,
                               std::vector<std::string> names)
    : stub_(image_service::ImageService::NewStub(channel)),
      names_(std::move(names)) {}

ScenarioResult ScenarioRunner::Run(const ScenarioSpec& spec) {
  const image_service::StreamImagesRequest request =
      StreamRequest(names_, spec.images_per_stream);
  std::vector<std::vector<CallOutcome>> outcomes(spec.concurrency);
  std::atomic<int> list_calls_taken{0};
  ScenarioResult result;
  result.spec = spec;
  result.started = absl::Now();
  const Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(spec.min_time_s));
  std::vector<std::thread> workers;
  for (int w = 0; w < spec.concurrency; ++w) {
    workers.emplace_back([&, mine = &outcomes[w]] {
      if (spec.rpc == Rpc::kListImages) {
        while (list_calls_taken.fetch_add(1) < spec.calls) {
          mine->push_back(ListOnce(*stub_));
        }
        return;
      }
      do {
        mine->push_back(StreamOnce(*stub_, request));
      } while (Clock::now() < deadline);
    });
  }
  for (std::thread& worker : workers) worker.join();
  result.ended = absl::Now();
  for (const std::vector<CallOutcome>& of_worker : outcomes) {
    for (const CallOutcome& outcome : of_worker) Add(outcome, &result);
  }
  return result;
}

}  // namespace cpp_default_client
