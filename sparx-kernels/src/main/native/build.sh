#!/usr/bin/env bash
# Builds the JNI libraries of sparx-kernels; run by Maven (process-classes) from sparx-kernels/pom.xml.
#
#   build.sh OUTPUT_DIR HEADER_DIR JAVA_HOME WORK_DIR CUDA(true|false)
#
# OUTPUT_DIR receives libsparxscan.so (CPU, gcc) and, where nvcc is found and CUDA is true,
# libsparxscan_cuda.so; they are packaged into the jar from there. HEADER_DIR holds the JNI headers
# javac wrote (-h). A library is rebuilt only when a source or a header's content changed.
#
# Where the platform is not linux-x86_64, or gcc or the JNI headers are missing, the script says so
# and builds nothing: the Java side then reports the library as unavailable and the NDArray scan is
# used. A compiler that is present but fails is an error.
set -euo pipefail

out_dir=$1
header_dir=$2
java_home=$3
work_dir=$4
cuda=$5
src_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

say() { echo "[sparx-kernels native] $*"; }

if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
  say "skipped: the native scan is built for linux-x86_64 only (this is $(uname -s)-$(uname -m))"
  exit 0
fi
cc=${CC:-gcc}
if ! command -v "$cc" >/dev/null 2>&1; then
  say "skipped: no C compiler ($cc) on PATH; the NDArray scan will be used"
  exit 0
fi
jni_include="$java_home/include"
if [ ! -f "$jni_include/jni.h" ]; then
  say "skipped: no JNI headers under $jni_include (a JRE rather than a JDK?)"
  exit 0
fi
mkdir -p "$out_dir" "$work_dir"

# javac rewrites the JNI headers on every compile; keep copies that change only when their content
# does, so that an unchanged native interface does not trigger a rebuild
headers="$work_dir/jni-headers"
mkdir -p "$headers"
for header in "$header_dir"/*.h; do
  cmp -s "$header" "$headers/$(basename "$header")" || cp "$header" "$headers/"
done

# up_to_date TARGET SOURCES...: true when TARGET exists and is newer than every source
up_to_date() {
  local target=$1
  shift
  [ -f "$target" ] || return 1
  [ -z "$(find "$@" -newer "$target" -print -quit)" ]
}

cpu_lib="$out_dir/libsparxscan.so"
cpu_sources=("$src_dir"/cpu/*.c)
if up_to_date "$cpu_lib" "$src_dir/cpu" "$src_dir/common" "$headers" "$src_dir/build.sh"; then
  say "libsparxscan.so is up to date"
else
  say "compiling libsparxscan.so with $cc"
  flags=(-std=gnu11 -O3 -mtune=generic -fPIC -pthread -fvisibility=hidden -Wall -Wextra -Wno-psabi -Werror
    -I"$jni_include" -I"$jni_include/linux" -I"$headers" -I"$src_dir/common" -I"$src_dir/cpu")
  # the depthwise convolution's 16-lane copy for AVX-512, called only where the CPU has it (isa.h)
  "$cc" "${flags[@]}" -march=x86-64-v4 -DSPARX_WIDE -c -o "$work_dir/depthwise_wide.o" "$src_dir/cpu/depthwise.c"
  # -march=x86-64: the library runs on any x86-64; the kernels compile AVX2+FMA and AVX-512 copies
  # of their hot loops through target attributes and pick one at run time.
  "$cc" "${flags[@]}" -march=x86-64 -shared -Wl,-z,noexecstack -Wl,--no-undefined -static-libgcc \
    -o "$work_dir/libsparxscan.so" "${cpu_sources[@]}" "$work_dir/depthwise_wide.o" -lm -ldl
  mv "$work_dir/libsparxscan.so" "$cpu_lib"
fi

cuda_lib="$out_dir/libsparxscan_cuda.so"
if [ "$cuda" != true ]; then
  say "CUDA library not requested (sparx.native.cuda=$cuda)"
  rm -f "$cuda_lib"
  exit 0
fi
nvcc=${NVCC:-nvcc}
if ! command -v "$nvcc" >/dev/null 2>&1; then
  say "no nvcc on PATH: the CUDA scan is not built"
  rm -f "$cuda_lib"
  exit 0
fi
if up_to_date "$cuda_lib" "$src_dir/cuda" "$src_dir/common" "$headers" "$src_dir/build.sh"; then
  say "libsparxscan_cuda.so is up to date"
else
  say "compiling libsparxscan_cuda.so with $nvcc"
  # Ampere (sm_80) and Hopper (sm_90) machine code, and sm_90 PTX for newer GPUs to compile at
  # load time. The CUDA runtime is linked statically, so loading needs only the driver, and
  # loading succeeds (reporting no device) where there is none.
  "$nvcc" -O3 -std=c++17 -shared -Xcompiler -fPIC,-fvisibility=hidden,-Wall \
    -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 \
    -gencode arch=compute_90,code=compute_90 -cudart static \
    -I"$jni_include" -I"$jni_include/linux" -I"$headers" -I"$src_dir/common" -I"$src_dir/cuda" \
    -o "$work_dir/libsparxscan_cuda.so" "$src_dir"/cuda/*.cu
  mv "$work_dir/libsparxscan_cuda.so" "$cuda_lib"
fi
