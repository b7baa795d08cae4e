#!/usr/bin/env bash
# Runs runtime/xlatest on XLA's CUDA backend, on a machine with an NVIDIA GPU
# and jax's CUDA PJRT plugin installed by pip (jax-cuda13-pjrt, or
# jax-cuda12-pjrt), then benchmarks training steps on the Go backend, XLA's
# CPU plugin (when present) and xla:cuda.
#
#   runtime/xlatest/gpu_check.sh [TEST_BINARY]
#
# TEST_BINARY is a test binary built elsewhere, for machines without Go:
#   go test -c -ldflags='-s -w' -o xlatest.test ./runtime/xlatest
# Without it, the script builds one (needs Go and the module cache).
#
# PYTHON picks the Python whose site-packages hold the plugin (default
# python3); BENCHTIME is passed to -test.benchtime (default 2s).
# Nothing is downloaded: GOMLX_NO_AUTO_INSTALL=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-python3}
BENCHTIME=${BENCHTIME:-2s}

log() { printf '\n== %s\n' "$*"; }

log "GPU"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || {
	echo "no NVIDIA GPU here (nvidia-smi failed)"
	exit 1
}

# The CUDA plugin and the NVIDIA libraries pip put next to it.
site=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cuda_plugin=""
for cand in "$site"/jax_plugins/xla_cuda13/xla_cuda_plugin.so "$site"/jax_plugins/xla_cuda12/xla_cuda_plugin.so; do
	if [ -f "$cand" ]; then
		cuda_plugin=$cand
		break
	fi
done
if [ -z "$cuda_plugin" ]; then
	echo "no jax CUDA PJRT plugin under $site/jax_plugins (pip install jax-cuda13-pjrt)"
	exit 1
fi
log "plugin $cuda_plugin"

# go-xla finds plugins by file name (pjrt_c_api_<name>_plugin.so) and looks
# for the CUDA data folder (ptxas, libdevice) in ../nvidia next to the
# plugin's folder: lay both out in a scratch folder.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lib"
ln -s "$cuda_plugin" "$work/lib/pjrt_c_api_cuda_plugin.so"
cpu_plugin="$site/xla_plugins/xla_cpu_pjrt/xla_cpu_pjrt.so"
if [ -f "$cpu_plugin" ]; then
	ln -s "$cpu_plugin" "$work/lib/pjrt_c_api_cpu_plugin.so"
else
	echo "(no xla-cpu-pjrt in $site: benchmarks compare the Go backend and CUDA only)"
fi
if [ -d "$site/nvidia" ]; then
	ln -s "$site/nvidia" "$work/nvidia"
	# jax preloads these libraries itself; go-xla does not.
	libs=$(find "$site/nvidia" -mindepth 2 -maxdepth 2 -type d -name lib | sort | paste -sd: -)
	export LD_LIBRARY_PATH="$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
	echo "(no $site/nvidia: the plugin relies on system CUDA libraries)"
fi
export PJRT_PLUGIN_LIBRARY_PATH="$work/lib" GOMLX_NO_AUTO_INSTALL=1 IGO_TEST_XLA=required

bin=${1:-}
if [ -z "$bin" ]; then
	log "building the test binary"
	bin="$work/xlatest.test"
	(cd "$here" && go test -c -o "$bin" .)
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

# Correctness on CUDA with full float32 matrix products (no TF32), so the
# results can be compared with the Go backend's.
log "tests on xla:cuda"
(cd "$here" && IGO_XLA_CONFIG="xla:cuda,tf32=false" "$bin" -test.v -test.count=1 \
	-test.run 'TestTrainMLPOnXLA|TestBackendsAgree|TestModelsFitOnBothBackends')

log "training steps/s: go, xla:cpu (if present), xla:cuda"
(cd "$here" && IGO_XLA_CONFIG="xla:cuda" "$bin" -test.run '^$' -test.bench TrainStep \
	-test.benchtime "$BENCHTIME" -test.count=1) | grep -E '^(Benchmark|ok|FAIL|PASS)|steps/s'
