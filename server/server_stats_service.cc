#include "server/server_stats_service.h"

#include <memory>
#include <vector>

namespace image_server {

ServerStatsService::ServerStatsService(const StreamRecords* records,
                                       const StreamLog* log)
    : records_(records), log_(log) {}

void ToProto(const StreamRecord& record, image_service::StreamRecord* out) {
  out->set_rpc(record.rpc);
  out->set_start_unix_us(record.start_unix_us);
  out->set_end_unix_us(record.end_unix_us);
  out->set_peer(record.peer);
  out->set_user_agent(record.user_agent);
  out->set_images(record.images);
  out->set_bytes(record.bytes);
  out->set_duration_us(record.duration_us);
  if (record.first_image_us >= 0) {
    out->set_first_image_us(record.first_image_us);
  }
  out->set_write_blocked_us(record.write_blocked_us);
  out->set_blocked_share(record.blocked_share());
  out->set_write_us(record.write_us);
  out->set_server_cpu_us(record.server_cpu_us);
  out->set_status(record.status);
  out->set_message(record.message);
}

grpc::Status ServerStatsService::GetStreams(
    grpc::ServerContext* /*context*/,
    const image_service::GetStreamsRequest* request,
    image_service::GetStreamsResponse* response) {
  if (records_ != nullptr) {
    const std::vector<std::shared_ptr<const StreamRecord>> recent =
        records_->Recent(request->max_records(), request->since_unix_us(),
                         request->rpc());
    response->mutable_records()->Reserve(static_cast<int>(recent.size()));
    for (const std::shared_ptr<const StreamRecord>& record : recent) {
      ToProto(*record, response->add_records());
    }
    response->set_calls_recorded(records_->added());
    response->set_records_capacity(records_->capacity());
  }
  if (log_ != nullptr) {
    const StreamLogTotals totals = log_->totals();
    response->set_stream_log_on(true);
    response->set_log_lines_written(totals.written);
    response->set_log_dropped_queue_full(totals.dropped_queue_full);
    response->set_log_dropped_write_error(totals.dropped_write_error);
  }
  return grpc::Status::OK;
}

}  // namespace image_server
