#include "tools/async_reference_server.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/method_names.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "health.pb.h"
#include "image_service.pb.h"
#include "server/borrowed_buffer.h"

namespace image_tools {
namespace {

using image_common::kListImagesMethod;
using image_common::kStreamImagesMethod;
// Answered SERVING for any service, so image_bench's gRPC floor
// (Baseline/health_check) measures this server too.
constexpr char kHealthCheck[] = "/grpc.health.v1.Health/Check";

}  // namespace

// One RPC, driven by the completions of its steps: accept, read the request,
// then either answer ListImages or write the stream's images one by one.
class AsyncReferenceServer::Call {
 public:
  Call(grpc::AsyncGenericService* service, grpc::ServerCompletionQueue* queue,
       const Responses* responses)
      : service_(service),
        queue_(queue),
        responses_(responses),
        stream_(&context_) {
    service_->RequestCall(&context_, &stream_, queue_, queue_, this);
  }

  // Returns false once the call is over and can be deleted.
  bool Proceed(bool ok) {
    if (!ok) return false;  // Cancelled, or the server is shutting down.
    switch (step_) {
      case Step::kAccepted:
        new Call(service_, queue_, responses_);  // Takes the next call.
        step_ = Step::kReading;
        stream_.Read(&request_, this);
        return true;
      case Step::kReading:
        return Answer();
      case Step::kWriting:
        if (next_ < order_.size()) {
          stream_.Write(responses_->images[order_[next_++]], this);
          responses_->images_sent.fetch_add(1, std::memory_order_relaxed);
        } else {
          Finish(grpc::Status::OK);
        }
        return true;
      case Step::kFinishing:
        return false;
    }
    return false;
  }

 private:
  enum class Step { kAccepted, kReading, kWriting, kFinishing };

  bool Answer() {
    if (context_.method() == kListImagesMethod ||
        context_.method() == kHealthCheck) {
      step_ = Step::kFinishing;
      stream_.WriteAndFinish(context_.method() == kListImagesMethod
                                 ? responses_->list
                                 : responses_->serving,
                             grpc::WriteOptions(), grpc::Status::OK, this);
      return true;
    }
    if (context_.method() != kStreamImagesMethod) {
      Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                          absl::StrCat("no method ", context_.method())));
      return true;
    }
    image_service::StreamImagesRequest request;
    if (!grpc::SerializationTraits<
             image_service::StreamImagesRequest>::Deserialize(&request_,
                                                              &request)
             .ok()) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "malformed StreamImagesRequest"));
      return true;
    }
    absl::StatusOr<std::vector<int>> order =
        responses_->store->Resolve(request.image_names());
    if (!order.ok()) {
      Finish(image_common::ToGrpcStatus(order.status()));
      return true;
    }
    order_ = *std::move(order);
    step_ = Step::kWriting;
    return Proceed(true);
  }

  void Finish(const grpc::Status& status) {
    step_ = Step::kFinishing;
    stream_.Finish(status, this);
  }

  grpc::AsyncGenericService* service_;
  grpc::ServerCompletionQueue* queue_;
  const Responses* responses_;
  grpc::GenericServerContext context_;
  grpc::GenericServerAsyncReaderWriter stream_;
  grpc::ByteBuffer request_;
  Step step_ = Step::kAccepted;
  std::vector<int> order_;
  size_t next_ = 0;
};

absl::StatusOr<std::unique_ptr<AsyncReferenceServer>>
AsyncReferenceServer::Start(
    const image_server::ImageStore* store, const std::string& address,
    std::shared_ptr<grpc::ServerCredentials> credentials) {
  std::unique_ptr<AsyncReferenceServer> server(new AsyncReferenceServer());
  Responses& responses = server->responses_;
  responses.store = store;
  responses.images = image_server::BorrowedImageBuffers(*store);
  responses.list = image_server::BorrowedBuffer(store->encoded_list());
  grpc::health::v1::HealthCheckResponse serving;
  serving.set_status(grpc::health::v1::HealthCheckResponse::SERVING);
  responses.serving_bytes = serving.SerializeAsString();
  responses.serving = image_server::BorrowedBuffer(responses.serving_bytes);

  grpc::ServerBuilder builder;
  if (credentials == nullptr) {
    credentials = grpc::InsecureServerCredentials();
  }
  builder.AddListeningPort(address, credentials, &server->port_);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterAsyncGenericService(&server->service_);
  server->queue_ = builder.AddCompletionQueue();
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on '", address, "'"));
  }
  new Call(&server->service_, server->queue_.get(), &server->responses_);
  server->thread_ = std::thread(&AsyncReferenceServer::Serve, server.get());
  return server;
}

void AsyncReferenceServer::Serve() {
  void* tag;
  bool ok;
  while (queue_->Next(&tag, &ok)) {
    Call* call = static_cast<Call*>(tag);
    bool alive;
    {
      absl::MutexLock lock(&mutex_);
      alive = !stopping_ && call->Proceed(ok);
    }
    // A call has one step in flight at most, and this was it.
    if (!alive) delete call;
  }
}

AsyncReferenceServer::~AsyncReferenceServer() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  // Start() can fail before there is a server, a queue or a thread.
  if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now());
  if (queue_ == nullptr) return;
  queue_->Shutdown();  // Serve() drains the queue, then returns.
  if (thread_.joinable()) {
    thread_.join();
    return;
  }
  void* tag;
  bool ok;
  while (queue_->Next(&tag, &ok)) delete static_cast<Call*>(tag);
}

}  // namespace image_tools
