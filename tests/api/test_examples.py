"""The example notebooks run top to bottom (nbclient, a fresh kernel each, from the project's environment)."""

from __future__ import annotations

import nbformat
import pytest

from tests.api.notebooks import ROOT, execute

EXAMPLES = ("bring_your_own_model", "senses_of_a_word")


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_examples_are_valid_notebooks_without_stored_outputs(name: str) -> None:
    stored = nbformat.read(ROOT / "examples" / f"{name}.ipynb", as_version=4)
    nbformat.validate(stored)
    assert all(not c.get("outputs") for c in stored.cells if c.cell_type == "code")


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_example_runs_top_to_bottom(name: str) -> None:
    nb = execute(nbformat.read(ROOT / "examples" / f"{name}.ipynb", as_version=4))
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    if name == "bring_your_own_model":  # the attention view (2 figures) and the folder's gates (4) were drawn
        assert sum("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs) == 2 + 4
    else:  # same-sense pairs are more alike than different-sense pairs in ELMo's top layer, not in its control
        printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
        rows = {line.split(":")[0]: [float(w) for w in line.split()[-3::2]] for line in printed.splitlines()}
        same, different = rows["elmo layer 2"]
        assert same > different
