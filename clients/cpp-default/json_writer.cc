#include "clients/cpp-default/json_writer.h"

#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/utf8.h"

namespace cpp_default_client {

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (size_t at = 0; at < text.size();) {
    const size_t length = image_common::Utf8SequenceLength(text.substr(at));
    const unsigned char byte = static_cast<unsigned char>(text[at]);
    if (length > 1) {
      out.append(text.data() + at, length);
      at += length;
      continue;
    }
    ++at;
    if (byte == '"' || byte == '\\') {
      out += '\\';
      out += static_cast<char>(byte);
    } else if (byte == '\n') {
      out += "\\n";
    } else if (byte == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte >= 0x80) {
      out += absl::StrFormat("\\u%04x", byte);
    } else {
      out += static_cast<char>(byte);
    }
  }
  out += '"';
  return out;
}

void JsonWriter::Indent(size_t depth) {
  text_ += '\n';
  text_.append(2 * depth, ' ');
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (levels_.empty()) return;
  Level& level = levels_.back();
  if (level.members++ > 0)
    text_ += level.layout == Layout::kInline ? ", " : ",";
  if (level.layout == Layout::kMultiline) Indent(levels_.size());
}

void JsonWriter::Begin(char bracket, Layout layout) {
  BeforeValue();
  text_ += bracket;
  levels_.push_back({layout, 0});
}

void JsonWriter::End(char bracket) {
  const Level level = levels_.back();
  levels_.pop_back();
  if (level.layout == Layout::kMultiline && level.members > 0) {
    Indent(levels_.size());
  }
  text_ += bracket;
}

void JsonWriter::BeginObject(Layout layout) { Begin('{', layout); }
void JsonWriter::EndObject() { End('}'); }
void JsonWriter::BeginArray(Layout layout) { Begin('[', layout); }
void JsonWriter::EndArray() { End(']'); }

void JsonWriter::Key(absl::string_view key) {
  BeforeValue();
  absl::StrAppend(&text_, JsonString(key), ": ");
  after_key_ = true;
}

void JsonWriter::String(absl::string_view value) {
  BeforeValue();
  text_ += JsonString(value);
}

void JsonWriter::Int(int64_t value) {
  BeforeValue();
  absl::StrAppend(&text_, value);
}

void JsonWriter::Double(double value) {
  BeforeValue();
  if (!std::isfinite(value)) {
    text_ += "null";
    return;
  }
  char buffer[32];
  const std::to_chars_result done =
      std::to_chars(buffer, buffer + sizeof(buffer), value);
  text_.append(buffer, done.ptr);
}

void JsonWriter::Null() {
  BeforeValue();
  text_ += "null";
}

}  // namespace cpp_default_client
