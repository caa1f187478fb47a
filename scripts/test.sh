#!/usr/bin/env bash
# Set up everything (venv, install, Jupyter kernel) and run the whole test suite, notebooks too.
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ruff check .
ruff format --check .
codespell syncengine qbsim qbschema tests tools docs scenarios benchmarks README.md CHANGELOG.md
mypy
validate-pyproject pyproject.toml
lint-imports --no-cache   # the layer contracts in pyproject.toml
python tools/gen_coverage.py --check
python -m pytest -n 2 -p no:cacheprovider -p no:nbval --ignore=tests/test_browser.py "$@"
# The notebooks: each runs in the project's kernel and its outputs are compared with those
# stored (tools/run_notebooks.py regenerates them). No xdist: a notebook's cells share a kernel.
python -m pytest -p no:cacheprovider -p no:xdist -q --nbval --nbval-current-env \
  --nbval-sanitize-with notebooks/nbval-sanitize.cfg notebooks/
# The notebooks in a real browser: JupyterLab on loopback, each notebook run in headless Chromium,
# its widgets rendered and a click answered by the kernel; screenshots in .browser-shots/. One
# JupyterLab for all, so no xdist. Skips, saying why, where Debian's chromium is not installed.
python -m pytest -p no:cacheprovider -p no:xdist -p no:nbval -q tests/test_browser.py
