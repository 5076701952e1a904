"""`View`: what every API call returns. It draws itself in Jupyter and gives its arrays."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

_PLOTLY_JS_SENT = {"done": False}  # per kernel: plotly.js goes inline into the first figure's HTML only


def mime_bundle(figure) -> dict:
    """A figure for Jupyter: plotly's own mimetype (JupyterLab, VS Code) and, for `jupyter nbconvert --to html`
    and the classic notebook, HTML with plotly.js inline in the kernel's first figure (nothing from a CDN:
    it works offline)."""
    first = not _PLOTLY_JS_SENT["done"]
    _PLOTLY_JS_SENT["done"] = True
    html = figure.to_html(full_html=False, include_plotlyjs=first, include_mathjax=False)
    return {"application/vnd.plotly.v1+json": figure.to_plotly_json(), "text/html": html}


@dataclass
class View:
    """One view of the explorer, as the app's page draws it.

    `name`: the view ("gates", "attention", ...); `about`: one sentence on what it shows;
    `arrays`: the view's numbers, name -> numpy array, shapes in each call's docstring;
    `labels`: name -> list of strings (tokens, words, layer names) labelling the arrays' axes;
    `result`: the engine's own result object (e.g. `AttentionResult`), for everything else.
    The figures are the app's own plotly figures (figures/), built on first use.
    """

    name: str
    about: str
    arrays: dict[str, np.ndarray]
    labels: dict[str, list[str]] = field(default_factory=dict)
    result: object = None
    draw: Callable[[], list] = field(default=lambda: [], repr=False)

    def to_numpy(self) -> dict[str, np.ndarray]:
        """The arrays (the same objects as `.arrays`)."""
        return self.arrays

    def __getitem__(self, key: str) -> np.ndarray:
        return self.arrays[key]

    @property
    def figures(self) -> list:
        """The view's plotly figures (`plotly.graph_objects.Figure`), as the page draws them."""
        return self.draw()

    def show(self) -> None:
        """Draw every figure (in Jupyter: inline; elsewhere: plotly's default renderer)."""
        for figure in self.figures:
            figure.show()

    def _ipython_display_(self) -> None:  # Jupyter calls this for the last expression of a cell
        from IPython.display import Markdown, display

        display(Markdown(f"**{self.name}**: {self.about}"))
        for figure in self.figures:
            display(mime_bundle(figure), raw=True)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k} {list(v.shape)}" for k, v in self.arrays.items())
        return f"<View {self.name}: {shapes}>"
