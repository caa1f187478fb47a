#!/usr/bin/env bash
# Set up everything (venv, install, Jupyter kernel) and run the whole test suite.
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ruff check .
ruff format --check .
codespell syncengine qbsim qbschema tests tools docs scenarios benchmarks README.md CHANGELOG.md
mypy
validate-pyproject pyproject.toml
lint-imports --no-cache   # the layer contracts in pyproject.toml
python tools/gen_coverage.py --check
python -m pytest -n 2 -p no:cacheprovider "$@"
