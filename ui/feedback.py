"""Show validation problems and model failures as messages, never as tracebacks."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.errors import FragmentHandledException

from engine import policy
from engine.validation import InputError, ModelLoadError, Problem, has_errors
from i18n import _
from ui.literal import md

log = logging.getLogger(__name__)

_SHOW = {"error": st.error, "warning": st.warning, "info": st.info}
_ICON = {"error": ":material/error:", "warning": ":material/warning:", "info": ":material/info:"}


def show_problems(problems: Iterable[Problem]) -> bool:
    """Draw every problem; True when none is an error, i.e. the model can run."""
    problems = list(problems)
    for problem in problems:
        _SHOW[problem.level](md(problem.message), icon=_ICON[problem.level])  # messages quote user text
    return not has_errors(problems)


@contextmanager
def friendly_errors(action: str) -> Iterator[None]:
    """Turn anything raised inside into one `st.error` naming `action`; the rest of the page goes on.

    `InputError` and `ModelLoadError` carry messages written for users and are shown as they are.
    Anything else is a bug: the user gets a short message, the traceback goes to the server log.
    """
    try:
        yield
    except FragmentHandledException:
        raise  # a fragment already showed this one
    except (InputError, ModelLoadError) as exc:
        st.error(md(policy.public_message(str(exc))), icon=":material/error:")
    except Exception as exc:
        log.exception("%s failed", action)
        detail = "" if policy.current().shared else f": {type(exc).__name__}: {exc}"  # a shared server's log keeps it
        message = _(
            "Something went wrong while {action}{detail}. Your input is kept; try a shorter text or another model."
        )
        st.error(md(message.format(action=action, detail=detail)), icon=":material/error:")
