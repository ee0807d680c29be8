// One finished call as the server saw it, for measuring any client from the
// server alone (docs/client-matrix-format.md, "The server's stream
// records"): the record, its JSON line, and the interface of what keeps
// records (the in-memory ring, the --stream_log file).
#ifndef SERVER_STREAM_RECORD_H_
#define SERVER_STREAM_RECORD_H_

#include <cstdint>
#include <memory>
#include <string>

namespace image_server {

inline constexpr char kStreamImagesRpc[] = "StreamImages";
inline constexpr char kListImagesRpc[] = "ListImages";

// Times are the handler's, in microseconds: `start_unix_us` is when it
// began (the request received and read), `end_unix_us` when it returned its
// status (gRPC sends the status after that). Both come from one reading of
// the system clock at the start plus the steady clock's duration, so that
// end - start == duration_us even when the system clock is stepped.
struct StreamRecord {
  // kStreamImagesRpc or kListImagesRpc.
  const char* rpc = kStreamImagesRpc;
  int64_t start_unix_us = 0;
  int64_t end_unix_us = 0;
  // gRPC's peer ("ipv4:127.0.0.1:40112") and the client's user-agent
  // ("" when it sent none), each made one line and bounded (OneLine), so
  // that a client cannot forge log lines or send invalid UTF-8 to the stats
  // RPC.
  std::string peer;
  std::string user_agent;
  // Images for which Write returned true, and the sum of their content sizes
  // (the file bytes, not the bytes on the wire).
  int64_t images = 0;
  int64_t bytes = 0;
  int64_t duration_us = 0;
  // From the start to the moment the first image was handed to Write (just
  // before that Write), or -1 when no image was.
  int64_t first_image_us = -1;
  // The total time spent inside Write calls. Write holds the handler until
  // the transport has taken the message, so this includes the server's own
  // work of sending it (framing, the socket writes its thread makes) as well
  // as any waiting: with a fast client it is nearly the whole call too.
  int64_t write_us = 0;
  // The same time, as the contract names it: the handler was held in Write
  // until the transport took each message, waiting on the client's window
  // or on gRPC's own threads. Telling these apart per thread (scheduler
  // statistics) made bursts of thousands of short calls cost more; how busy
  // the server was (server_cpu_us) tells a client-bound stream instead.
  int64_t write_blocked_us = 0;
  // CPU time of the whole server process during the call: the handler and
  // gRPC's threads that do the sending, and whatever other calls ran at the
  // same time. For a call that ran alone, server_cpu_us / duration_us is how
  // busy the server was: a server-bound stream keeps it busy, a client-bound
  // one leaves it idle most of the time.
  int64_t server_cpu_us = 0;
  // The status the call ended with: its code's name ("OK", "CANCELLED",
  // ...) and its message, one line and bounded.
  std::string status = "OK";
  std::string message;

  // write_blocked_us / duration_us; 0 for a call of zero duration.
  double blocked_share() const;
};

// The record as one line of JSON, without the newline, keys in the
// contract's order:
// {"rpc": "StreamImages", "start_unix_us": ..., ..., "message": ""}
// first_image_us is null when no image was handed to Write.
std::string StreamRecordJson(const StreamRecord& record);

// What keeps records. Add is called on the RPC thread as a call ends, so it
// must be cheap and must never wait on anything slow (a disk).
class StreamRecordSink {
 public:
  virtual ~StreamRecordSink() = default;
  virtual void Add(std::shared_ptr<const StreamRecord> record) = 0;
};

}  // namespace image_server

#endif  // SERVER_STREAM_RECORD_H_
