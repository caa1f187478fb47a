#!/usr/bin/env bash
# Set up everything and run the main job: JupyterLab on notebooks/ (or `--headless` for the demo).
# Other arguments go to JupyterLab (`--no-browser`, `--port=8890`).
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
if [ "${1:-}" = "--headless" ] || [ -z "$(ls notebooks/*.ipynb 2>/dev/null)" ]; then
  exec qbsync demo
fi
# JupyterLab refuses to start as root unless told; containers and CI machines often run as root.
as_root=()
if [ "$(id -u)" = 0 ]; then as_root=(--allow-root); fi
exec jupyter-lab ${as_root[@]+"${as_root[@]}"} "$@" notebooks/
