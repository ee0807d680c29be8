// What a StreamImages call sends, decided from the request's bytes and the
// store alone, before the first image goes out: the handler
// (image_service_impl.cc) only writes the plan. It is a function of its own so
// that tests and the fuzz target (fuzz/stream_plan_fuzzer.cc) reach the whole
// of request parsing without starting a gRPC server.
#ifndef SERVER_STREAM_PLAN_H_
#define SERVER_STREAM_PLAN_H_

#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/support/byte_buffer.h"
#include "server/image_store.h"

namespace image_server {

// Indices into store.images(), in the order to send them (see
// ImageStore::Resolve: duplicates kept, no names means every image once).
// InvalidArgumentError "malformed StreamImagesRequest: ..." when `request`
// does not parse as one; the store's NotFoundError when it names an image the
// store does not hold. Every name is checked before any is planned, so a bad
// request costs the client no partial stream.
absl::StatusOr<std::vector<int>> PlanStream(const ImageStore& store,
                                            const grpc::ByteBuffer& request);

}  // namespace image_server

#endif  // SERVER_STREAM_PLAN_H_
