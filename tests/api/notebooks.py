"""Run notebooks top to bottom with nbclient, in a kernel of the project's own environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KERNEL_CHECK = f"import sys\nassert sys.prefix == {sys.prefix!r}, sys.prefix  # the project's environment\n%reset -f"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def start_kernel():
    """A python3 kernel (ipykernel from this interpreter's environment) in the checkout; shut it down after."""
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel(env=ENV, cwd=str(ROOT))
    return km


def execute(notebook, km=None, timeout: int = 240):
    """Execute `notebook` (nbformat) in place: in `km`'s kernel (kept running: several notebooks can share one
    start and its loaded models), or a fresh one. A first cell checks that the kernel runs in this environment
    and clears the namespace. Raises `nbclient.exceptions.CellExecutionError` naming the failing cell."""
    from nbclient import NotebookClient
    from nbformat import v4

    notebook.cells.insert(0, v4.new_code_cell(KERNEL_CHECK))
    client = NotebookClient(
        notebook, km=km, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    client.execute(env=ENV)
    notebook.cells.pop(0)
    for cell in notebook.cells:  # numbered as if the check had not run: In [1] is the notebook's first cell
        if cell.cell_type == "code" and cell.execution_count:
            cell.execution_count -= 1
            for output in cell.outputs:
                if output.get("execution_count"):
                    output.execution_count -= 1
    return notebook
