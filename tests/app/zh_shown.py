"""What a page shows, as strings, for the Chinese-interface tests (issue 29): every text element, widget label,
help, option and placeholder, expander and tab label, table header, and the plotly figures' text (titles, axis
titles, legends, hover templates, annotations), each tagged with where it came from ("page" or "figure").
Table cells, text boxes and `st.text` hold what the models read or wrote, and are left out."""

from __future__ import annotations

import json
import re

from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

TEXT_FIELDS = {"body", "label", "help", "options", "placeholder", "caption", "title"}
FIGURE_KEYS = {"text", "title", "name", "hovertemplate", "texttemplate", "ticktext"}
# what the models read or wrote (text boxes, st.text of tokens, code, raw HTML) is never translated
SKIPPED = {"text_area", "text_input", "code", "html", "plotly_chart", "arrow_data_frame", "arrow_table", "json", "text"}
_MARKUP = re.compile(r"<[^>]+>|%\{[^}]*\}|https?://\S+|:material/[a-z_]+:")


def _clean(text: str) -> str:
    return _MARKUP.sub(" ", text)


def _proto_strings(message: Message) -> list[str]:
    found: list[str] = []
    for field, value in message.ListFields():
        items = (
            [value] if isinstance(value, str | bytes | Message) else list(value) if hasattr(value, "__iter__") else []
        )
        for item in items:
            if isinstance(item, Message):
                found += _proto_strings(item)
            elif isinstance(item, str) and field.name in TEXT_FIELDS:
                found.append(item)
    return found


def figure_strings(spec: dict | list | str) -> list[str]:
    """The strings a plotly figure's JSON shows: titles, names, hover templates, annotations, tick labels."""
    found: list[str] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in FIGURE_KEYS and isinstance(value, str):
                found.append(value)
            elif key in FIGURE_KEYS and isinstance(value, list) and all(isinstance(v, str) for v in value):
                found += value
            elif isinstance(value, dict | list):
                found += figure_strings(value)
    elif isinstance(spec, list):
        for item in spec:
            found += figure_strings(item)
    return found


def _walk(node, out: list[tuple[str, str]]) -> None:
    kind = getattr(node, "type", "")
    label = getattr(node, "label", None) if kind in ("expander", "tab", "status") else None
    if isinstance(label, str):
        out.append(("page", label))
    proto = getattr(node, "proto", None)
    if kind == "plotly_chart" and proto is not None:
        out += [("figure", s) for s in figure_strings(json.loads(proto.spec))]
    elif kind in ("table", "arrow_table", "dataframe", "arrow_data_frame"):
        frame = node.value
        out += [("page", str(c)) for c in frame.columns]  # headers; the cells are data (tokens, numbers, names)
    elif kind not in SKIPPED and isinstance(proto, Message):
        out += [("page", s) for s in _proto_strings(proto)]
    for child in getattr(node, "children", {}).values():
        _walk(child, out)


def shown(at: AppTest) -> list[tuple[str, str]]:
    """(source, text) for everything the page shows; source is "page" or "figure"."""
    out: list[tuple[str, str]] = []
    _walk(at._tree, out)
    return [(source, _clean(text)) for source, text in out if text.strip()]


def typed(at: AppTest) -> list[str]:
    """The texts in the page's text boxes: what the models read (never translated)."""
    return [str(w.value or "") for kind in ("text_area", "text_input") for w in getattr(at, kind)]
