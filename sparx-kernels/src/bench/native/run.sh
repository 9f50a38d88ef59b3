#!/usr/bin/env bash
# Builds and runs the native benchmarks of docs/performance.md against DJL's libtorch:
#
#   sparx-kernels/src/bench/native/run.sh gemm [M K N]...
#   sparx-kernels/src/bench/native/run.sh mlp [C H]...
#   sparx-kernels/src/bench/native/run.sh depthwise C H K EPILOGUE [THREADS [ISA_LIMIT]]
#
# Needs gcc and libtorch in DJL's cache (~/.djl.ai/pytorch/<version>/, or SPARX_LIBTORCH_DIR);
# running the model once (`scripts/sparx benchmark ...`) puts it there. The environment's
# OMP_WAIT_POLICY / GOMP_SPINCOUNT apply as in the model; this script sets passive waits, as
# scripts/sparx does, unless one of them is set.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kernels="$here/../../main/native/cpu"
out="$here/../../../target/native-bench"
which=${1:-}
case "$which" in
  gemm) sources=("$here/gemm_bench.c") ;;
  mlp) sources=("$here/mlp_bench.c" "$kernels/depthwise.c" "$kernels/layer_scale.c" "$kernels/thread_pool.c") ;;
  depthwise) sources=("$here/depthwise_bench.c" "$kernels/depthwise.c" "$kernels/thread_pool.c") ;;
  *) echo "usage: $0 gemm [M K N]... | mlp [C H]... | depthwise C H K EPILOGUE [THREADS [ISA_LIMIT]]" >&2; exit 2 ;;
esac
shift
if [ -z "${SPARX_LIBTORCH_DIR:-}" ]; then
  SPARX_LIBTORCH_DIR=$(ls -d "$HOME"/.djl.ai/pytorch/*/ 2>/dev/null | sort | tail -1)
  if [ -z "$SPARX_LIBTORCH_DIR" ] || [ ! -f "$SPARX_LIBTORCH_DIR/libtorch_cpu.so" ]; then
    echo "no libtorch under ~/.djl.ai/pytorch: run the model once, or set SPARX_LIBTORCH_DIR" >&2
    exit 2
  fi
fi
export SPARX_LIBTORCH_DIR
if [ -z "${OMP_WAIT_POLICY:-}" ] && [ -z "${GOMP_SPINCOUNT:-}" ]; then
  export OMP_WAIT_POLICY=PASSIVE
fi
mkdir -p "$out"
# the kernels' own flags (native/build.sh): baseline x86-64, the faster levels chosen at run time,
# and the depthwise convolution's 16-lane AVX-512 copy
flags=(-std=gnu11 -O3 -mtune=generic -Wall -Wno-psabi -pthread -I"$kernels")
if [[ " ${sources[*]} " == *"/depthwise.c "* ]]; then
  gcc "${flags[@]}" -march=x86-64-v4 -DSPARX_WIDE -c -o "$out/depthwise_wide.o" "$kernels/depthwise.c"
  sources+=("$out/depthwise_wide.o")
fi
gcc "${flags[@]}" -march=x86-64 -o "$out/${which}_bench" "${sources[@]}" -lm -ldl
LD_LIBRARY_PATH="$SPARX_LIBTORCH_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$out/${which}_bench" "$@"
