"""ELMo's character ids: each token spelled as UTF-8 bytes with begin/end-of-word markers
(bilm-tf `UnicodeCharsVocabulary`, AllenNLP `ELMoCharacterMapper`): a word -> [max_chars] int ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from engine.text import reading_form

if TYPE_CHECKING:  # torch loads in batch_to_ids: options.py reads MAX_CHARS without it (issue 24, kind 8)
    import torch

# ---------------------------------------------------------------------------------------------
# Character ids (bilm-tf UnicodeCharsVocabulary, AllenNLP ELMoCharacterMapper)
# ---------------------------------------------------------------------------------------------
MAX_CHARS = 50  # characters per token, begin/end-of-word markers included
BOS_CHAR, EOS_CHAR, BOW_CHAR, EOW_CHAR, PAD_CHAR = 256, 257, 258, 259, 260  # raw ids, before the +1
BOS, EOS, UNK = "<S>", "</S>", "<UNK>"
MAX_WORD_BYTES = MAX_CHARS - 2


def _char_row(values: Sequence[int]) -> np.ndarray:
    row = np.full(MAX_CHARS, PAD_CHAR, dtype=np.int64)
    row[0] = BOW_CHAR
    row[1 : 1 + len(values)] = values
    row[1 + len(values)] = EOW_CHAR
    return row + 1  # +1 so that 0 means "no token here" (sentence padding)


def word_char_ids(word: str) -> np.ndarray:
    """The 50 character ids of one token: UTF-8 bytes + 1 between begin/end-of-word markers.

    `<S>` and `</S>` get their own marker characters. Words longer than 48 bytes are read by their
    first 48 bytes, exactly as the official model reads them (see `check_sentences`). The word is
    read in its `engine.text.reading_form` (NFC, format characters such as a soft hyphen removed).
    """
    if word == BOS:
        return _char_row([BOS_CHAR])
    if word == EOS:
        return _char_row([EOS_CHAR])
    return _char_row(list(reading_form(word).encode("utf-8", "ignore")[:MAX_WORD_BYTES]))


def batch_to_ids(sentences: Sequence[Sequence[str]]) -> torch.Tensor:
    """Character ids `[batch, T_max + 2, 50]` with `<S>`/`</S>` around each sentence, 0 as padding."""
    longest = max((len(s) for s in sentences), default=0)
    ids = np.zeros((len(sentences), longest + 2, MAX_CHARS), dtype=np.int64)
    for row, sentence in enumerate(sentences):
        for position, word in enumerate([BOS, *sentence, EOS]):
            ids[row, position] = word_char_ids(word)
    import torch  # here, not at the top: see TYPE_CHECKING above

    return torch.from_numpy(ids)
