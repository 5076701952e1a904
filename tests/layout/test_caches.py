"""Bounded memory: every Streamlit cache in the app has `max_entries` (results also a `ttl` where they hold
user input), read from the source with `ast`."""

from __future__ import annotations

import ast

from tests.layout.test_layout import project_files

CACHES = ("cache_data", "cache_resource")


def cache_decorators(source: str) -> list[tuple[str, int, set[str]]]:
    """(cache kind, line, keyword names) for every `@st.cache_data(...)` / `@st.cache_resource(...)`; a bare
    decorator (no call) has no keywords."""
    found = []
    for node in ast.walk(ast.parse(source)):
        for decorator in getattr(node, "decorator_list", []):
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call else decorator
            if isinstance(target, ast.Attribute) and target.attr in CACHES:
                found.append((target.attr, decorator.lineno, {k.arg for k in call.keywords} if call else set()))
    return found


def test_every_cache_is_bounded():
    caches = [
        (f"{path.name}:{line} {kind}", keywords)
        for path in project_files()
        for kind, line, keywords in cache_decorators(path.read_text(encoding="utf-8"))
    ]
    assert len(caches) >= 20  # the app's caches were found
    assert [where for where, keywords in caches if "max_entries" not in keywords] == []


def test_the_rule_sees_an_unbounded_cache():
    source = "@st.cache_data\ndef f(): ...\n@st.cache_resource(max_entries=1)\ndef g(): ...\n"
    assert cache_decorators(source) == [("cache_data", 1, set()), ("cache_resource", 3, {"max_entries"})]
