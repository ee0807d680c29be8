// One gRPC call made with raw bytes through the public generic stub, for the
// server's tests that send what a generated stub cannot (malformed requests)
// or call services whose generated code the tests do not link (reflection).
#ifndef SERVER_TEST_RAW_CALL_H_
#define SERVER_TEST_RAW_CALL_H_

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"

namespace image_server::testing {

struct RawResult {
  grpc::Status status;
  std::vector<std::string> replies;
};

// One call of `method` ("/package.Service/Method") that sends `request` as
// raw bytes and collects every reply's bytes.
RawResult RawCall(const std::shared_ptr<grpc::Channel>& channel,
                  const std::string& method, const std::string& request);

}  // namespace image_server::testing

#endif  // SERVER_TEST_RAW_CALL_H_
