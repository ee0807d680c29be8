#include "server/stream_record.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace image_server {
namespace {

// The fields were made one line by OneLine, so only the quote and the
// backslash (and, defensively, any control byte left) need escaping; runs
// without them are appended whole.
bool NeedsEscape(char c) {
  return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
}

void AppendJsonString(absl::string_view text, std::string* out) {
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!NeedsEscape(text[i])) continue;
    out->append(text.data() + run, i - run);
    if (text[i] == '"' || text[i] == '\\') {
      out->push_back('\\');
      out->push_back(text[i]);
    } else {
      absl::StrAppendFormat(out, "\\u%04x",
                            static_cast<unsigned char>(text[i]));
    }
    run = i + 1;
  }
  out->append(text.data() + run, text.size() - run);
  out->push_back('"');
}

}  // namespace

double StreamRecord::blocked_share() const {
  if (duration_us <= 0) return 0;
  return static_cast<double>(write_blocked_us) / duration_us;
}

std::string StreamRecordJson(const StreamRecord& record) {
  std::string line;
  line.reserve(320 + record.peer.size() + record.user_agent.size() +
               record.message.size());
  absl::StrAppend(&line, "{\"rpc\": \"", record.rpc,
                  "\", \"start_unix_us\": ", record.start_unix_us,
                  ", \"end_unix_us\": ", record.end_unix_us, ", \"peer\": ");
  AppendJsonString(record.peer, &line);
  line += ", \"user_agent\": ";
  AppendJsonString(record.user_agent, &line);
  absl::StrAppend(
      &line, ", \"images\": ", record.images, ", \"bytes\": ", record.bytes,
      ", \"duration_us\": ", record.duration_us, ", \"first_image_us\": ");
  if (record.first_image_us < 0) {
    line += "null";
  } else {
    absl::StrAppend(&line, record.first_image_us);
  }
  absl::StrAppend(&line, ", \"write_us\": ", record.write_us,
                  ", \"write_blocked_us\": ", record.write_blocked_us);
  absl::StrAppendFormat(&line, ", \"blocked_share\": %.4f",
                        record.blocked_share());
  absl::StrAppend(&line, ", \"server_cpu_us\": ", record.server_cpu_us);
  line += ", \"status\": ";
  AppendJsonString(record.status, &line);
  line += ", \"message\": ";
  AppendJsonString(record.message, &line);
  line += "}";
  return line;
}

}  // namespace image_server
