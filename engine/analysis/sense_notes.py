"""What `engine.analysis.senses.parse_sentences` says about the lines it leaves out or reads differently,
as `Problem`s whose text is translated when read (issue 29)."""

from __future__ import annotations

from collections.abc import Sequence

from engine.validation import Problem, Text, msg, msg_plural


def _lines(numbers: Sequence[int]) -> Text:
    shown = ", ".join(str(n) for n in numbers[:8]) + (" …" if len(numbers) > 8 else "")
    return msg_plural("line {numbers}", "lines {numbers}", len(numbers), numbers=shown)


def line_notes(word, missing, case_changed, repeated, too_long, duplicates, max_chars: int) -> list[Problem]:
    """The notes on the lines `parse_sentences` could not use as they are (line numbers from 1)."""
    notes = []
    if missing:
        notes.append(
            Problem(
                "warning",
                msg_plural(
                    "{count} sentence does not contain '{word}' as a word ({lines}) and is left out. Other forms "
                    "such as '{word}s' count as different words.",
                    "{count} sentences do not contain '{word}' as a word ({lines}) and are left out. Other forms "
                    "such as '{word}s' count as different words.",
                    len(missing),
                    word=word,
                    lines=_lines(missing),
                ),
            )
        )
    if case_changed:
        notes.append(
            Problem(
                "info",
                msg(
                    "'{word}' is capitalised differently in {lines}; those are used too.",
                    word=word,
                    lines=_lines(case_changed),
                ),
            )
        )
    if repeated:
        message = msg("'{word}' occurs more than once in {lines}: the first one is used.", word=word,
                      lines=_lines(repeated))  # fmt: skip
        notes.append(Problem("info", message))
    if too_long:
        notes.append(
            Problem(
                "warning",
                msg_plural(
                    "{lines} is over {limit} characters and left out.",
                    "{lines} are over {limit} characters and left out.",
                    len(too_long),
                    lines=_lines(too_long),
                    limit=max_chars,
                ),
            )
        )
    if duplicates:
        pairs = ", ".join(f"{a} (= {b})" for a, b in duplicates[:5])
        notes.append(
            Problem(
                "info",
                msg_plural(
                    "{count} duplicate sentence left out: line {pairs}.",
                    "{count} duplicate sentences left out: line {pairs}.",
                    len(duplicates),
                    pairs=pairs,
                ),
            )
        )
    return notes
