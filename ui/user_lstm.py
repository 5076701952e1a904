"""Your own LSTM on the LSTM pages: the folder box in the sidebar (bound to the URL), checked before anything runs."""

from __future__ import annotations

import streamlit as st

from engine import policy
from engine.validation import InputError
from i18n import _
from ui.literal import md

FOLDER_KEY = "lstm_folder"


def choice():
    """(folder as typed, its checked `UserLstmConfig`). Stops the page with the folder's own message (the key or
    shape that does not match, a pickle refused, a folder outside a shared server's models root); the typed
    folder stays in its box."""
    from engine.models import user_lstm

    rules = policy.current()
    folder = st.sidebar.text_input(
        _("LSTM folder"),
        key=FOLDER_KEY,
        bind="query-params",
        placeholder="a folder this server offers" if rules.shared else "/path/to/your/lstm",
        help=policy.refused_message(rules)
        if rules.shared
        else "A folder with config.json (input_size, hidden_size, num_layers, vocabulary, unit) and "
        "model.safetensors (an nn.LSTM's state_dict as lstm.*, optionally embedding.* and decoder.*). "
        "README: Your own LSTM.",
    )
    try:
        config, _problems = user_lstm.check_folder(folder)
    except InputError as exc:
        st.error(md(policy.public_message(str(exc))), icon=":material/error:")
        st.stop()
    return folder, config


def unknown_note(model, text: str) -> None:
    """An info line when some steps of `text` are outside the LSTM's vocabulary (read as its unknown entry)."""
    tokens = model.tokens(text)
    unknown = sorted({t for t in tokens if t not in model.index})
    if unknown:
        shown = ", ".join(repr(t) for t in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        entry = model.config.vocabulary[model.config.unknown]
        st.info(md(f"{len(unknown)} of the text's steps are not in your LSTM's vocabulary ({shown}): it reads "
                   f"them as {entry!r}."), icon=":material/info:")  # fmt: skip


def has_decoder(folder: str) -> bool:
    """Whether your LSTM's folder has a decoder (predictions), read from its weights' keys only."""
    from engine.models import user_lstm

    _config, weights = user_lstm.check_folder(folder)
    return "decoder.weight" in user_lstm.read_shapes(weights)
