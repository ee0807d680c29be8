#include "server/health_service.h"

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/one_line.h"

namespace image_server {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

namespace {

// Service names come from clients; quoted in a status they must stay short.
constexpr size_t kMaxQuotedServiceBytes = 200;

}  // namespace

HealthService::HealthService(absl::Duration cancel_poll, int max_watches)
    : cancel_poll_(cancel_poll), max_watches_(max_watches) {}

void HealthService::SetServingStatus(const std::string& service, bool serving) {
  absl::MutexLock lock(&mutex_);
  if (shut_down_) return;
  serving_[service] = serving;
  changed_.SignalAll();
}

void HealthService::Shutdown() {
  absl::MutexLock lock(&mutex_);
  shut_down_ = true;
  for (auto& [service, serving] : serving_) serving = false;
  changed_.SignalAll();
}

HealthService::ServingStatus HealthService::StatusOf(
    const std::string& service) const {
  const auto it = serving_.find(service);
  if (it == serving_.end()) return HealthCheckResponse::SERVICE_UNKNOWN;
  return it->second ? HealthCheckResponse::SERVING
                    : HealthCheckResponse::NOT_SERVING;
}

grpc::Status HealthService::Check(grpc::ServerContext* /*context*/,
                                  const HealthCheckRequest* request,
                                  HealthCheckResponse* response) {
  absl::MutexLock lock(&mutex_);
  const ServingStatus status = StatusOf(request->service());
  if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
    return grpc::Status(
        grpc::StatusCode::NOT_FOUND,
        absl::StrCat("no health status for service ",
                     image_common::QuotedForLine(request->service(),
                                                 kMaxQuotedServiceBytes)));
  }
  response->set_status(status);
  return grpc::Status::OK;
}

std::optional<HealthService::ServingStatus> HealthService::WaitForChange(
    const std::string& service, ServingStatus last,
    grpc::ServerContext* context) {
  absl::MutexLock lock(&mutex_);
  while (StatusOf(service) == last) {
    if (shut_down_ || context->IsCancelled()) return std::nullopt;
    changed_.WaitWithTimeout(&mutex_, cancel_poll_);
  }
  if (context->IsCancelled()) return std::nullopt;
  return StatusOf(service);
}

grpc::Status HealthService::Watch(
    grpc::ServerContext* context, const HealthCheckRequest* request,
    grpc::ServerWriter<HealthCheckResponse>* writer) {
  std::optional<ServingStatus> status;
  {
    absl::MutexLock lock(&mutex_);
    if (open_watches_ >= max_watches_) {
      return grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat("too many health Watch streams: ", open_watches_,
                       " are open, the limit is ", max_watches_,
                       " (image_server --max_health_watches); use Check to "
                       "poll instead"));
    }
    ++open_watches_;
    status = StatusOf(request->service());
  }
  const absl::Cleanup closed = [this] {
    absl::MutexLock lock(&mutex_);
    --open_watches_;
  };
  while (status.has_value()) {
    HealthCheckResponse response;
    response.set_status(*status);
    if (!writer->Write(response)) break;
    status = WaitForChange(request->service(), *status, context);
  }
  if (context->IsCancelled()) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
  }
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      "the server is shutting down");
}

}  // namespace image_server
