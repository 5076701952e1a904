"""Words from character spans: one shared word axis for the char-LSTM, ELMo and the Transformer.

Every model reads the same text, but each cuts it differently: the char-LSTM steps once per
character with its combining marks and format characters (`engine.text.steps`), ELMo reads the
project's word tokens (`engine.text.tokenize_with_spans`), MiniLM reads WordPiece subwords. Each of
those units has a character span in the text, so the alignment is done on spans, never on spellings:
a model unit belongs to every word whose span it overlaps.

    text   = "I don't know."
    words  = I | don't | know | .               (engine.text: contractions kept whole)
    chars  = steps 0 | 2..6 | 8..11 | 12        (spaces belong to no word)
    MiniLM = i | don ' t | know | .             (three pieces merged into "don't")

A word that a model cuts into several units (MiniLM's "don ' t", "3 . 14") is merged, and the
alignment records how it was cut (`WordAlignment.notes`), so it is shown, never dropped. A word with
no unit at all (a character the tokenizer deletes) gets an empty group; views show it as a gap.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from engine.text import steps, tokenize_with_spans
from engine.validation import Text, msg

Span = tuple[int, int]


@dataclass
class WordAlignment:
    """How each model's units map onto the words of one text.

    words:      W word strings, `text[spans[k][0]:spans[k][1]] == words[k]`
    spans:      W (start, end) character spans (end exclusive)
    chars:      for each word, the char-LSTM steps inside it (indices into `engine.text.steps(text)`, which
                are character indices only when no character joins the one before it)
    elmo:       for each word, ELMo's token index (ELMo reads exactly these words: `[k]`)
    subwords:   for each word, the indices of the Transformer's tokens that overlap it
    notes:      readable lines naming words a model cuts differently ("MiniLM reads "don't" as don ' t")
    """

    text: str
    words: list[str]
    spans: list[Span]
    chars: list[list[int]]
    elmo: list[list[int]]
    subwords: list[list[int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.words)

    @property
    def last_char(self) -> list[int]:
        """`[W]`: the char-LSTM step at which it finishes reading each word."""
        return [group[-1] for group in self.chars]

    @property
    def labels(self) -> list[str]:
        """`i:word` labels, unique even when a word repeats (plotly merges equal category labels)."""
        return [f"{k}:{w}" for k, w in enumerate(self.words)]


def word_spans(text: str) -> list[tuple[str, Span]]:
    """The words of `text` (engine.text's tokenizer, punctuation marks are words) with their spans."""
    return [(t.text, (t.start, t.end)) for t in tokenize_with_spans(text)]


def group_units(spans: Sequence[Span], units: Sequence[Span | None]) -> list[list[int]]:
    """For each word span, the indices of the units (tokens, subwords, characters) that overlap it.

    A unit with no span (None, or an empty span such as [CLS]'s (0, 0)) belongs to no word; a unit
    that overlaps two words belongs to both. Plain interval overlap: `unit.start < word.end and
    word.start < unit.end`.
    """
    groups: list[list[int]] = [[] for _ in spans]
    for u, unit in enumerate(units):
        if unit is None or unit[1] <= unit[0]:
            continue
        for k, (start, end) in enumerate(spans):
            if unit[0] < end and start < unit[1]:
                groups[k].append(u)
    return groups


def align(text: str, subword_offsets: Sequence[Span | None] = (), subword_tokens: Sequence[str] = ()) -> WordAlignment:
    """The word axis of `text` and every model's units grouped onto it.

    `subword_offsets` are the Transformer tokenizer's (start, end) per token (`AttentionResult.offsets`;
    specials have (0, 0)); `subword_tokens` their spellings, used only for the notes.
    """
    pairs = word_spans(text)
    words = [w for w, _ in pairs]
    spans = [s for _, s in pairs]
    chars = group_units(spans, [(s.start, s.end) for s in steps(text)])
    alignment = WordAlignment(text, words, spans, chars, elmo=[[k] for k in range(len(words))])
    if subword_offsets:
        alignment.subwords = group_units(spans, subword_offsets)
        alignment.notes = _notes(words, alignment.subwords, subword_tokens)
    return alignment


def _notes(words: Sequence[str], groups: Sequence[list[int]], tokens: Sequence[str]) -> list[str]:
    notes: list[str] = []
    owners: dict[int, list[int]] = {}
    for k, group in enumerate(groups):
        for u in group:
            owners.setdefault(u, []).append(k)
        if not group:
            notes.append(f'MiniLM has no token for "{words[k]}" (word {k}): its MiniLM cells are left empty.')
        elif len(group) > 1 and tokens:
            pieces = " ".join(tokens[u] for u in group)
            notes.append(f'MiniLM reads "{words[k]}" as {len(group)} pieces ({pieces}): their vectors are averaged.')
    for u, ks in owners.items():
        if len(ks) > 1:
            shared = ", ".join(f'"{words[k]}"' for k in ks)
            notes.append(f"MiniLM's token {tokens[u] if tokens else u} spans the words {shared}: it counts for each.")
    return notes


# ---------------------------------------------------------------------------------------------
# two texts
# ---------------------------------------------------------------------------------------------
@dataclass
class WordPairing:
    """The words of text A matched to the words of text B (difflib on the word strings).

    rows:     N (i, j) pairs: word i of A against word j of B; None where one side has no partner
    changed:  `[N]` True where the words differ (replaced, inserted or deleted)
    summary:  one sentence saying what differs ("1 word differs: river → money"), in the interface language of
              the run that reads it (kept as `said`, an English `Text`, so a cached pairing reads in any language)
    """

    rows: list[tuple[int | None, int | None]]
    changed: list[bool]
    said: Text

    @property
    def summary(self) -> str:
        return str(self.said)

    @property
    def first_change(self) -> int | None:
        """The first changed row, or None when the texts have the same words."""
        return next((n for n, c in enumerate(self.changed) if c), None)


def pair_words(a: Sequence[str], b: Sequence[str]) -> WordPairing:
    """Align two word lists. Equal stretches pair one to one; a replaced stretch of the same length
    pairs word by word (the minimal pair's changed word); other stretches pair what they can in
    order and leave the rest of the longer side without a partner."""
    rows: list[tuple[int | None, int | None]] = []
    changed: list[bool] = []
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=list(a), b=list(b), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        width = max(i2 - i1, j2 - j1)
        for n in range(width):
            i = i1 + n if i1 + n < i2 else None
            j = j1 + n if j1 + n < j2 else None
            rows.append((i, j))
            changed.append(op != "equal")
        if op != "equal":
            left, right = " ".join(a[i1:i2]) or "∅", " ".join(b[j1:j2]) or "∅"
            parts.append(f"‹{left}› → ‹{right}›")
    if not parts:
        said = msg("The two sentences have the same words: every distance is 0.")
    elif len(parts) == 1 and len(a) == len(b) and sum(changed) == 1:
        said = msg("A minimal pair: one word differs, {change}.", change=parts[0])
    elif len(a) != len(b):
        said = msg(
            "The sentences differ in length and words ({a} and {b} words): {changes}. "
            "Words are matched in order (difflib); a word without a partner has no distance.",
            a=len(a),
            b=len(b),
            changes="; ".join(parts),
        )
    else:
        said = msg(
            "The sentences differ in more than one word ({a} and {b} words): {changes}. "
            "Words are matched in order (difflib); a word without a partner has no distance.",
            a=len(a),
            b=len(b),
            changes="; ".join(parts),
        )
    return WordPairing(rows, changed, said)
