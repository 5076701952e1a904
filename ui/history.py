"""Back and Forward (issue 24, kind 1): what the browser's history means on every page.

The rule, decided here and nowhere else:

- A view the learner moves to by a page's own buttons (a lesson step, another lesson) is a new history
  entry: the page writes its parameters with `st.query_params` in one update per run, and Streamlit's
  frontend (1.67) answers a changed query string with `history.pushState`.
- A control bound to the URL (`bind="query-params"`: a layer, a head, a text) rewrites its page's own
  entry (Streamlit's `replaceState`): Back leaves the page for the view the learner had before it.
- When the browser moves through its history (Back, Forward, a swipe), the page follows the URL it is
  given and never writes another one over it: Streamlit reruns the script with that entry's URL and flags
  the run (`is_history_navigation`, streamlit PR #16989); a write during that run would only replace the
  entry (PR #16998), so a page that kept its own state ignored the move and lost the entry.
"""

from __future__ import annotations

from streamlit.runtime.scriptrunner import get_script_run_ctx


def is_history_move() -> bool:
    """Whether this script run answers the browser's Back or Forward (False outside a Streamlit run)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "is_history_navigation", False))
