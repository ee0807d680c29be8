// A small streaming JSON writer, enough for the result file: objects and
// arrays laid out one member per line or inline, strings escaped (bytes
// that are not UTF-8 become \u00XX), numbers in their shortest exact form.
// The project takes no JSON library for one file's worth of output.
#ifndef CLIENTS_CPP_DEFAULT_JSON_WRITER_H_
#define CLIENTS_CPP_DEFAULT_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cpp_default_client {

class JsonWriter {
 public:
  enum class Layout { kMultiline, kInline };

  void BeginObject(Layout layout = Layout::kMultiline);
  void EndObject();
  void BeginArray(Layout layout = Layout::kMultiline);
  void EndArray();
  // The name of the next member of the object being written.
  void Key(absl::string_view key);
  void String(absl::string_view value);
  void Int(int64_t value);
  // Non-finite values, which JSON cannot hold, are written as null.
  void Double(double value);
  void Null();

  // The text so far; complete once every Begin has its End.
  const std::string& text() const { return text_; }

 private:
  struct Level {
    Layout layout;
    int members;
  };
  // The separator and indent before a member or an array element.
  void BeforeValue();
  void Begin(char bracket, Layout layout);
  void End(char bracket);
  void Indent(size_t depth);

  std::string text_;
  std::vector<Level> levels_;
  bool after_key_ = false;
};

// `text` as a JSON string literal, quotes included.
std::string JsonString(absl::string_view text);

}  // namespace cpp_default_client

#endif  // CLIENTS_CPP_DEFAULT_JSON_WRITER_H_
