#!/usr/bin/env bash
# Runs the benchmarks side by side on this machine and writes bench/RESULTS.md:
# igo against ipykernel and GoNB (kernel), native Go, PyTorch, JAX and
# xla:cpu (training), NumPy (data preparation).
#
#   ./bench/run.sh            # full run (about 15 minutes on 2 cores)
#   ./bench/run.sh --quick    # smaller counts, under 2 minutes once set up
#   ./bench/run.sh --only kernel,training,data
#
# The first run creates bench/.venv from bench/requirements.txt and builds
# igo, GoNB (at the version go.mod pins), goimports and gopls into bench/.work.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/bench/.work
venv=$root/bench/.venv
mkdir -p "$work/bin"

if [ ! -x "$venv/bin/python" ]; then
	python3 -m venv "$venv"
fi
stamp=$venv/.requirements
if ! cmp -s bench/requirements.txt "$stamp"; then
	"$venv/bin/pip" install -q -r bench/requirements.txt
	cp bench/requirements.txt "$stamp"
fi

# Go binaries: go build is a no-op when nothing changed.
go build -o "$work/bin/igo" .
go build -o "$work/bin/train" ./bench/train
go build -o "$work/bin/data" ./bench/data
go build -o "$work/bin/mirror" ./datasets/internal/testfiles/mirror
# GoNB and the tools its README asks for. `go install gonb@v0.11.3` fails on
# the module proxy's version list, so it is built through this module.
if [ ! -x "$work/bin/gonb" ]; then
	go build -o "$work/bin/gonb" github.com/janpfeifer/gonb 2>"$work/gonb.error" || true
fi
for tool in golang.org/x/tools/cmd/goimports@v0.44.0 golang.org/x/tools/gopls@v0.21.1; do
	name=$(basename "${tool%@*}")
	if [ ! -x "$work/bin/$name" ]; then
		GOBIN=$work/bin go install "$tool" 2>>"$work/gonb.error" || true
	fi
done

exec "$venv/bin/python" bench/py/harness.py --work "$work" "$@"
