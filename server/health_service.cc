#include "server/health_service.h"

#include "absl/strings/str_cat.h"

namespace image_server {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

HealthService::HealthService(absl::Duration cancel_poll)
    : cancel_poll_(cancel_poll) {}

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
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("no health status for service '",
                                     request->service(), "'"));
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
    status = StatusOf(request->service());
  }
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
