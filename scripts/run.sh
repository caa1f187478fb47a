#!/usr/bin/env bash
# Set up everything and run the main job: JupyterLab on notebooks/ (or `--headless` for the demo).
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
if [ "${1:-}" = "--headless" ] || [ -z "$(ls notebooks/*.ipynb 2>/dev/null)" ]; then
  exec qbsync demo
fi
exec jupyter lab notebooks/
