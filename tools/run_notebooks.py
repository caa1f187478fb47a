"""Regenerate the outputs stored in the notebooks: run each one top to bottom in the project's
kernel (the one ``scripts/_venv.sh`` installs into ``.venv``) and save it with its outputs, as
``nbval`` will compare them.

    python tools/run_notebooks.py                      # every notebooks/*.ipynb
    python tools/run_notebooks.py notebooks/00-start-here.ipynb

Widget state is stored while running (nbclient needs it to capture what goes into Output
widgets) and dropped before saving: it holds random model ids, and JupyterLab rebuilds the
widgets when the notebook is run. Run from the project's venv (``source .venv/bin/activate``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "python3"
CELL_TIMEOUT = 600


def project_kernel() -> KernelManager:
    """A manager for the kernel installed in this Python's prefix (the project's venv)."""
    specs = KernelSpecManager(kernel_dirs=[str(Path(sys.prefix) / "share" / "jupyter" / "kernels")])
    try:
        specs.get_kernel_spec(KERNEL)
    except NoSuchKernel:
        sys.exit(
            f"no {KERNEL!r} kernel in {sys.prefix}; run `bash scripts/test.sh` once to set up"
            " .venv, then run this script with .venv/bin/python"
        )
    return KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)


def execute(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` run top to bottom in its own folder, outputs in place."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        km=project_kernel(),
        timeout=CELL_TIMEOUT,
        record_timing=False,
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


def without_widget_state(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with its stored widget state removed (model ids change every run)."""
    notebook.metadata.pop("widgets", None)
    return notebook


def regenerate(path: Path) -> float:
    """Run one notebook and save it with fresh outputs; the seconds it took."""
    started = time.perf_counter()
    notebook = without_widget_state(execute(path))
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Regenerate the notebooks named (default: all of ``notebooks/``); exit 1 when a cell
    raises, naming the notebook (the notebook file is then left as it was)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run")
    args = parser.parse_args(argv)
    for path in args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb")):
        try:
            seconds = regenerate(path)
        except CellExecutionError as exc:
            print(f"{path}: a cell failed; fix it and run again:\n{exc}", file=sys.stderr)
            return 1
        print(f"{path}: outputs regenerated in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
