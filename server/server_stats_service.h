// image_service.ServerStats (proto/server_stats.proto): the stream records
// kept in memory and the totals, for a client that measures another client
// through the server.
#ifndef SERVER_SERVER_STATS_SERVICE_H_
#define SERVER_SERVER_STATS_SERVICE_H_

#include "grpcpp/grpcpp.h"
#include "server/stream_log.h"
#include "server/stream_records.h"
#include "server_stats.grpc.pb.h"

namespace image_server {

class ServerStatsService final : public image_service::ServerStats::Service {
 public:
  // Either may be null: no ring (--stream_records=0) answers no records,
  // no log leaves the log's totals 0. Both must outlive the service.
  ServerStatsService(const StreamRecords* records, const StreamLog* log);

  grpc::Status GetStreams(grpc::ServerContext* context,
                          const image_service::GetStreamsRequest* request,
                          image_service::GetStreamsResponse* response) override;

 private:
  const StreamRecords* const records_;
  const StreamLog* const log_;
};

// `record` as the RPC sends it.
void ToProto(const StreamRecord& record, image_service::StreamRecord* out);

}  // namespace image_server

#endif  // SERVER_SERVER_STATS_SERVICE_H_
