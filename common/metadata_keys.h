// Metadata the server and the bench agree on, beyond the proto contract.
#ifndef COMMON_METADATA_KEYS_H_
#define COMMON_METADATA_KEYS_H_

namespace image_common {

// A ListImages call carrying kWantServerCpuKey (any value) in its metadata
// gets the server process's CPU time so far, in nanoseconds (decimal), as
// trailing metadata kServerCpuNanosKey. The bench reads it before and after a
// run to report the server's CPU cost per GB or per call; other servers simply
// lack it. Calls without the request pay nothing.
inline constexpr char kWantServerCpuKey[] = "image-want-server-cpu";
inline constexpr char kServerCpuNanosKey[] = "image-server-cpu-ns";

}  // namespace image_common

#endif  // COMMON_METADATA_KEYS_H_
