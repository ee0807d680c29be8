#include "server/response_framing.h"

#include "google/protobuf/io/coded_stream.h"

namespace image_server {
namespace {

using google::protobuf::io::CodedOutputStream;

// Field 1 of StreamImagesResponse (image) and field 2 of Image (content),
// both length-delimited.
constexpr uint8_t kImageTag = (1 << 3) | 2;
constexpr uint8_t kContentTag = (2 << 3) | 2;

void AppendVarint(uint64_t value, std::string* out) {
  uint8_t bytes[10];
  const uint8_t* end = CodedOutputStream::WriteVarint64ToArray(value, bytes);
  out->append(reinterpret_cast<const char*>(bytes), end - bytes);
}

}  // namespace

ResponseFraming FramingFor(const image_service::ImageInfo& info,
                           int64_t content_size) {
  // Every field but the content, in field order: the name (field 1) comes
  // before the content (field 2), the rest after it.
  image_service::Image image;
  image.set_name(info.name());
  image.set_format(info.format());
  image.set_size_in_bytes(info.size_in_bytes());
  image.set_width(info.width());
  image.set_height(info.height());
  image.set_channels(info.channels());
  const std::string fields = image.SerializeAsString();
  size_t name_bytes = 0;
  if (!info.name().empty()) {
    name_bytes = 1 + CodedOutputStream::VarintSize64(info.name().size()) +
                 info.name().size();
  }

  const uint64_t image_size = fields.size() + 1 +
                              CodedOutputStream::VarintSize64(content_size) +
                              content_size;
  ResponseFraming framing;
  framing.content_size = content_size;
  framing.prefix.push_back(static_cast<char>(kImageTag));
  AppendVarint(image_size, &framing.prefix);
  framing.prefix.append(fields, 0, name_bytes);
  framing.prefix.push_back(static_cast<char>(kContentTag));
  AppendVarint(content_size, &framing.prefix);
  framing.suffix = fields.substr(name_bytes);
  return framing;
}

std::string EncodeResponse(const ResponseFraming& framing,
                           absl::string_view content) {
  std::string bytes;
  bytes.reserve(framing.size());
  bytes.append(framing.prefix);
  bytes.append(content.data(), content.size());
  bytes.append(framing.suffix);
  return bytes;
}

}  // namespace image_server
