#!/usr/bin/env bash
# The whole test suite: Go formatting, vet and unit tests, then the Python
# tests that drive the kernel through real Jupyter clients. Arguments are
# passed on to pytest (e.g. ./tests/run_all.sh -k conformance).
# Runs every step, then exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
failed=()

step() { printf '\n== %s\n' "$*"; }

# Python environment: created once, reinstalled only when the pins change.
step "python venv ($VENV)"
if [ ! -x "$VENV/bin/python" ]; then
	python3 -m venv "$VENV" || { echo "cannot create $VENV (is python3-venv installed?)"; exit 1; }
fi
stamp="$VENV/.requirements.sha256"
want=$(sha256sum tests/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	"$VENV/bin/python" -m pip install --disable-pip-version-check -q -r tests/requirements.txt || { echo "pip install failed"; exit 1; }
	echo "$want" >"$stamp"
else
	echo "up to date"
fi

# The browser test's npm packages, installed when their lock file changes:
# playwright-core drives the system's Chromium (no browser is downloaded).
step "npm ci (tests/e2e)"
if command -v npm >/dev/null; then
	npm_stamp=tests/e2e/node_modules/.package-lock.sha256
	npm_want=$(sha256sum tests/e2e/package-lock.json | cut -d' ' -f1)
	if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_want" ]; then
		if (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error); then
			echo "$npm_want" >"$npm_stamp"
		else
			failed+=("npm ci")
		fi
	else
		echo "up to date"
	fi
else
	echo "npm is not installed: the browser test will be skipped"
fi

# XLA's CPU plugin from the xla-cpu-pjrt wheel, linked under the file name
# go-xla searches for: the XLA tests (Go and Python) must then pass rather
# than skip. Nothing in the suite downloads plugins.
step "XLA CPU plugin"
export GOMLX_NO_AUTO_INSTALL=1
plugin=$("$VENV/bin/python" -c 'import importlib.util as u, pathlib as p; s = u.find_spec("xla_plugins.xla_cpu_pjrt"); print(p.Path(list(s.submodule_search_locations)[0], "xla_cpu_pjrt.so"))' 2>/dev/null)
if [ -n "$plugin" ] && [ -f "$plugin" ]; then
	mkdir -p "$VENV/pjrt"
	ln -sf "$plugin" "$VENV/pjrt/pjrt_c_api_cpu_plugin.so"
	export PJRT_PLUGIN_LIBRARY_PATH="$PWD/$VENV/pjrt" IGO_TEST_XLA=required
	echo "$plugin"
else
	echo "none for this platform: XLA tests skip"
fi

step "gofmt -l"
unformatted=$(find . -name '*.go' -not -path './.venv/*' -not -path './.git/*' \
	-not -path '*/node_modules/*' -not -path '*/testdata/*' -print0 | xargs -0 -r gofmt -l)
if [ -n "$unformatted" ]; then
	echo "not gofmt-ed:"
	echo "$unformatted"
	failed+=(gofmt)
fi

step "go vet ./..."
go vet ./... || failed+=("go vet")

step "go test ./..."
go test ./... -timeout 15m || failed+=("go test")

# A short fuzzing run of each target (a regression check: the seed corpora
# already run in go test; FUZZTIME=0 skips this step).
FUZZTIME=${FUZZTIME:-10s}
if [ "$FUZZTIME" != 0 ]; then
	for target in kernel:FuzzDecode kernel:FuzzRequest kernel:FuzzConnectionInfo kernel:FuzzGuardScan \
		runtime/cell:FuzzSplit runtime/cell:FuzzChunks runtime:FuzzIsComplete; do
		pkg=${target%%:*} name=${target#*:}
		step "fuzz $name ($pkg, $FUZZTIME)"
		go test "./$pkg" -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" -parallel 2 || failed+=("fuzz $name")
	done
fi

step "pytest tests/"
"$VENV/bin/python" -m pytest tests/ -v "$@" || failed+=(pytest)

if [ ${#failed[@]} -gt 0 ]; then
	printf '\nFAILED: %s\n' "${failed[*]}"
	exit 1
fi
printf '\nall passed\n'
