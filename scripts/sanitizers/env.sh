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
    ! compgen -G "$runtimes/libclang_rt.tsan-x86_64.a" >/dev/null; then
    echo "$(basename "$0"): needs clang-14, libclang-rt-14-dev and llvm-14; run ./build" >&2
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
