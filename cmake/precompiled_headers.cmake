# IMAGE_PCH: one precompiled header of the heavy library headers (gRPC,
# protobuf, abseil, GoogleTest, OpenCV; not Google Benchmark, whose header
# gives every file that includes it a static initializer), reused by every
# target. Parsing those headers is most of a translation unit's compile
# time, and scripts/sanitize builds the whole tree twice more; the plain
# build (./build) keeps it off, so that a file that forgets an include still
# fails there.
set(IMAGE_PCH_HEADERS
  <grpcpp/grpcpp.h>
  <grpcpp/generic/generic_stub.h>
  <grpcpp/support/byte_buffer.h>
  <grpcpp/support/slice.h>
  <google/protobuf/message.h>
  <google/protobuf/io/coded_stream.h>
  <absl/status/status.h>
  <absl/status/statusor.h>
  <absl/strings/str_cat.h>
  <absl/strings/str_format.h>
  <absl/strings/str_split.h>
  <absl/strings/string_view.h>
  <absl/synchronization/mutex.h>
  <absl/time/clock.h>
  <absl/time/time.h>
  <absl/flags/flag.h>
  <gtest/gtest.h>
  <gmock/gmock.h>
  <opencv2/core.hpp>)

# Reuses the header in every target under `directory` that compiles C++ with
# the tree's common flags; `skip` names those that add flags of their own
# (a precompiled header must be built with the flags it is used with).
function(image_pch_reuse directory skip)
  get_property(targets DIRECTORY ${directory} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(target IN_LIST skip OR target STREQUAL "image_pch" OR
       NOT type MATCHES "^(STATIC_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$")
      continue()
    endif()
    get_target_property(sources ${target} SOURCES)
    if(NOT sources MATCHES "\\.(cc|cpp)(;|$)")
      continue()
    endif()
    target_precompile_headers(${target} REUSE_FROM image_pch)
    # The header is built with threads on (gRPC needs them), and a target
    # must match it whether or not it links Threads itself.
    target_compile_options(${target} PRIVATE -pthread)
  endforeach()
  get_property(subdirectories DIRECTORY ${directory} PROPERTY SUBDIRECTORIES)
  foreach(subdirectory IN LISTS subdirectories)
    image_pch_reuse(${subdirectory} "${skip}")
  endforeach()
endfunction()

function(image_enable_pch)
  file(WRITE ${CMAKE_BINARY_DIR}/image_pch.cc "")
  add_library(image_pch OBJECT ${CMAKE_BINARY_DIR}/image_pch.cc)
  target_link_libraries(image_pch PRIVATE gRPC::grpc++ protobuf::libprotobuf
    absl::status absl::statusor absl::strings absl::str_format
    absl::synchronization absl::time absl::flags GTest::gmock
    opencv_core)
  target_compile_options(image_pch PRIVATE -pthread)
  target_precompile_headers(image_pch PRIVATE ${IMAGE_PCH_HEADERS})
  image_pch_reuse(${PROJECT_SOURCE_DIR}
    "stream_plan_fuzzer;image_store_fuzzer;tsan_absl_sync")
endfunction()
