"""`python -m ui.serve [streamlit options]`: `streamlit run app.py`, warming up as the server starts.

`make run` starts the app this way. The warm-up thread (ui/warmup.py) begins loading torch, every
model, UMAP's compiled code and the stored default views before the server answers its first
request, instead of when the first visitor opens a page. Options go to `streamlit run` unchanged.
"""

from __future__ import annotations

import sys

from ui import warmup


def main(argv: list[str]) -> None:
    from streamlit.web import cli

    warmup.start()
    cli.main(["run", "app.py", *argv], prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
