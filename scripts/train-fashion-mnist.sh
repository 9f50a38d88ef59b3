#!/usr/bin/env bash
# Reproduces the project's offline default, which 'sparx validate' without arguments validates: the
# small SparX-Mamba of sparx-examples/src/main/resources/dev/sparx/examples/shipped/fashion_mnist.json
# trained from scratch on Fashion-MNIST's 60,000 training images on the CPU, validated on its 10,000
# test images, then shipped beside it as fashion_mnist.safetensors (the last epoch's model as a bare
# state dict: not the best epoch's, which would pick by the test set), with the run's metrics and
# curves in docs/fashion-mnist-metrics.csv and docs/fashion-mnist-curves.png.
#
# Usage: scripts/train-fashion-mnist.sh [FASHION_MNIST_DIR]
#   FASHION_MNIST_DIR  the IDX files (default /usr/share/datasets/fashion-mnist, from
#                      'apt-get install dataset-fashion-mnist')
# Environment: SPARX_RUN_DIR (default runs/fashion-mnist), SPARX_THREADS (libtorch threads, default 1,
# as for the shipped weights; another count sums in another order and ends a little elsewhere).
# About 25 minutes on a quiet 2-core machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-/usr/share/datasets/fashion-mnist}"
run="${SPARX_RUN_DIR:-$root/runs/fashion-mnist}"
shipped="$root/sparx-examples/src/main/resources/dev/sparx/examples/shipped"

# libtorch's OpenMP threads sleep instead of spinning while they wait: on a machine shared with
# other work, spinning costs several times the run time (docs/finetuning.md, "Speed")
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export JAVA_OPTS="${JAVA_OPTS:-} -Dai.djl.pytorch.num_threads=${SPARX_THREADS:-1} -Dai.djl.pytorch.num_interop_threads=1"

start=$(date +%s)
"$root/scripts/sparx" finetune --dataset fashion-mnist "$data" --config "$shipped/fashion_mnist.json" \
  --epochs 8 -b 128 --lr 3e-3 --warmup-epochs 1 --weight-decay 0.05 --label-smoothing 0.1 \
  --clip-grad 5 --seed 42 --workers 1 --output "$run"
end=$(date +%s)

"$root/scripts/sparx" checkpoint convert "$run/last.pth" "$shipped/fashion_mnist.safetensors"
cp "$run/metrics.csv" "$root/docs/fashion-mnist-metrics.csv"
cp "$run/curves.png" "$root/docs/fashion-mnist-curves.png"
echo "trained in $((end - start)) s; weights in $shipped/fashion_mnist.safetensors"
