# Sourced by scripts/sanitize and scripts/fuzz: the compiler and the runtime
# options every sanitized build here runs with.
#
#   source scripts/sanitizers/env.sh   # from the repository root

SANITIZER_CXX=/usr/bin/clang++-14
SANITIZER_SYMBOLIZER=/usr/bin/llvm-symbolizer-14
SANITIZER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Fails with what to do when the clang 14 toolchain or its runtimes are
# missing (./build installs them).
require_clang() {
  local runtimes=/usr/lib/llvm-14/lib/clang/14*/lib/linux
  if [[ ! -x "$SANITIZER_CXX" || ! -x "$SANITIZER_SYMBOLIZER" ]] ||
    ! compgen -G "$runtimes/libclang_rt.fuzzer-x86_64.a" >/dev/null ||
    ! compgen -G "$runtimes/libclang_rt.tsan-x86_64.a" >/dev/null ||
    [[ ! -x /usr/lib/llvm-14/bin/ld.lld ]]; then
    echo "$(basename "$0"): needs clang-14, libclang-rt-14-dev, llvm-14 and lld-14; run ./build" >&2
    exit 1
  fi
}

# The report of the first error ends the process (exit code 1 for ASan and
# UBSan, TSan's at exit), with a symbolized stack; each suppression file
# names, with a reason, the reports it silences, all of them inside the
# uninstrumented Debian libraries.
export_sanitizer_options() {
  local common="external_symbolizer_path=$SANITIZER_SYMBOLIZER:print_summary=1"
  export ASAN_OPTIONS="$common:detect_leaks=1"
  export LSAN_OPTIONS="suppressions=$SANITIZER_DIR/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="$common:print_stacktrace=1:halt_on_error=1:suppressions=$SANITIZER_DIR/ubsan.supp"
  export TSAN_OPTIONS="$common:suppressions=$SANITIZER_DIR/tsan.supp:second_deadlock_stack=1:halt_on_error=0"
}

# The tree of a lane (address or thread).
lane_dir() {
  case "$1" in
    address) echo out-asan ;;
    thread) echo out-tsan ;;
    *) echo "$(basename "$0"): no lane '$1' (address or thread)" >&2; return 2 ;;
  esac
}

# Configures the instrumented tree of one lane in DIR (run every time, so
# that a tree made before a change of flags here gets them):
#   address  -fsanitize=address,undefined, UBSan fatal, and libFuzzer's
#            coverage everywhere (fuzzer-no-link), so that the same tree
#            holds the fuzz targets (fuzz/, -DIMAGE_FUZZ=ON) for scripts/fuzz
#   thread   -fsanitize=thread, with abseil's Mutex annotated for it
#            (scripts/sanitizers/tsan_absl_sync.cc)
# Both build at -O1 with line tables and frame pointers, for reports with
# whole stacks; with one precompiled header of the library headers
# (cmake/precompiled_headers.cmake) and lld, which make a lane's build
# shorter by a good part; and with one CTest test per GoogleTest binary
# (IMAGE_TESTS_PER_BINARY), which makes its tests shorter.
configure_lane() {
  local lane="$1" dir="$2" flags extra
  case "$lane" in
    address)
      flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
      extra="-DIMAGE_FUZZ=ON" ;;
    thread)
      flags="-fsanitize=thread"
      extra="-DIMAGE_TSAN_ABSL_SYNC=ON" ;;
    *) echo "$(basename "$0"): no lane '$lane' (address or thread)" >&2; return 2 ;;
  esac
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER="$SANITIZER_CXX" \
    -DCMAKE_CXX_FLAGS="$flags -fno-omit-frame-pointer" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DCMAKE_EXE_LINKER_FLAGS="-fuse-ld=lld" -DIMAGE_PCH=ON \
    -DIMAGE_TESTS_PER_BINARY=ON $extra >/dev/null
}
