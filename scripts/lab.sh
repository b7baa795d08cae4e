#!/usr/bin/env bash
# Sets IGo up and opens the workshop notebooks in JupyterLab: builds igo,
# makes a Python environment (.venv) with JupyterLab, installs the kernel
# into it, then starts JupyterLab on notebooks/. Extra arguments go to
# `jupyter lab` (e.g. --no-browser --port 8890).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v go >/dev/null || { echo "IGo needs Go 1.26 or later: https://go.dev/dl/" >&2; exit 1; }
command -v python3 >/dev/null || { echo "IGo's notebooks need Python 3 (for JupyterLab)" >&2; exit 1; }

echo "== building igo"
mkdir -p .venv/bin
go build -o .venv/bin/igo .

if [ ! -x .venv/bin/jupyter-lab ]; then
	echo "== installing JupyterLab into .venv"
	python3 -m venv .venv || { echo "cannot create .venv (on Debian/Ubuntu: apt-get install python3-venv)" >&2; exit 1; }
	.venv/bin/python -m pip install --disable-pip-version-check -q jupyterlab
fi

echo "== installing the IGo kernel into .venv"
VIRTUAL_ENV="$PWD/.venv" .venv/bin/igo install --sys-prefix

echo "== starting JupyterLab on notebooks/"
extra=()
if [ "$(id -u)" -eq 0 ]; then
	extra+=(--allow-root) # containers often run as root; Jupyter refuses without it
fi
exec .venv/bin/jupyter lab --notebook-dir=notebooks "${extra[@]}" "$@"
