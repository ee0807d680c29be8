#include "server/test_raw_call.h"

#include <utility>

#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"

namespace image_server::testing {
namespace {

// Waits for the next event on `queue`, which must be `tag`'s; its ok flag.
bool Await(grpc::CompletionQueue& queue, void* tag) {
  void* got = nullptr;
  bool ok = false;
  EXPECT_TRUE(queue.Next(&got, &ok));
  EXPECT_EQ(got, tag);
  return ok;
}

}  // namespace

RawResult RawCall(const std::shared_ptr<grpc::Channel>& channel,
                  const std::string& method, const std::string& request) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue queue;
  grpc::ClientContext context;
  void* const tag = &context;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, method, &queue);
  call->StartCall(tag);
  RawResult result;
  if (Await(queue, tag)) {
    const grpc::Slice request_slice(request);
    call->Write(grpc::ByteBuffer(&request_slice, 1),
                grpc::WriteOptions().set_last_message(), tag);
    Await(queue, tag);
    grpc::ByteBuffer reply;
    call->Read(&reply, tag);
    while (Await(queue, tag)) {
      std::vector<grpc::Slice> slices;
      EXPECT_TRUE(reply.Dump(&slices).ok());
      std::string bytes;
      for (const grpc::Slice& slice : slices) {
        bytes.append(reinterpret_cast<const char*>(slice.begin()),
                     slice.size());
      }
      result.replies.push_back(std::move(bytes));
      call->Read(&reply, tag);
    }
  }
  call->Finish(&result.status, tag);
  EXPECT_TRUE(Await(queue, tag));
  queue.Shutdown();
  void* ignored_tag;
  bool ignored_ok;
  while (queue.Next(&ignored_tag, &ignored_ok)) {
  }
  return result;
}

}  // namespace image_server::testing
