"""``bash scripts/run.sh`` (the README's main command) opens JupyterLab on notebooks/, also on a
machine where it runs as root (containers, CI), and passes its arguments on to JupyterLab."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 90


def log_until_served(process: subprocess.Popen[str]) -> str:
    """JupyterLab's log up to the first line giving the URL it serves at (all of it if it
    exited or took too long)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    assert process.stdout is not None
    lines: list[str] = []
    while time.monotonic() < deadline and (line := process.stdout.readline()):
        lines.append(line)
        if "http://127.0.0.1:" in line and "/lab" in line:
            break
    return "".join(lines)


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "jupyter-lab").exists(), reason="no .venv")
@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_run_script_opens_jupyterlab_on_the_notebooks(tmp_path: Path) -> None:
    command = ["bash", "scripts/run.sh", "--no-browser", "--ip=127.0.0.1", "--port=0"]
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path)}
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        log = log_until_served(process)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "/lab" in log and "http://127.0.0.1:" in log, f"JupyterLab did not start:\n{log}"
    assert f"local directory: {ROOT / 'notebooks'}" in log, log
