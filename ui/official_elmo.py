"""The "fetch the official ELMo" control: a progress bar per file, clear messages, the page keeps working.

The only place in the app that uses the network, and only when the user clicks.
"""

from __future__ import annotations

import streamlit as st

from engine import policy
from engine.models.elmo import official
from i18n import N_, _
from ui.literal import md

FLASH = "official_fetch_message"


class ProgressBar(official.DownloadProgress):
    """pooch's progress object (engine.models.elmo.official.DownloadProgress) drawn as `st.progress`,
    redrawn at most once per percent or per 0.1 MB."""

    def __init__(self, name: str) -> None:
        self.bar, self.last = None, None
        super().__init__(name, self._draw)

    def _draw(self, share: float, text: str) -> None:
        key = (int(share * 100), text.split(" MB")[0] if " MB" in text else text)
        if self.bar is None:
            self.bar = st.progress(share, text=text)
        elif key != self.last:
            self.bar.progress(share, text=text)
        self.last = key


def manual_copy_hint(size: str) -> str:
    names = official.file_names(size)
    return _("Offline? Copy {options} and {weights} by hand into {folder}.").format(
        options=md(names["options"]), weights=md(names["weights"]), folder=md(official.folder(size))
    )


OPERATOR_FETCH = N_(
    "This server is shared, so a visitor never makes it download anything. The operator fetches the official "
    "ELMo on the server with the command below; a fetched model then appears in the model lists of this page, "
    "the senses page and the LSTM pages."
)
OPERATOR_COMMAND = "python -m engine elmo-fetch small   # or medium, original"


def downloads_allowed() -> bool:
    """False on a shared server (`engine.policy`): a visitor never makes it download anything."""
    return policy.current().allows_downloads


def fetch_panel(expanded: bool = False) -> None:
    """Choose a size, fetch it (verified, sha256 shown), or see what to copy by hand."""
    message = st.session_state.pop(FLASH, None)
    with st.expander(_("The official ELMo (AllenNLP), fetched once"), expanded=expanded or message is not None):
        if message:
            st.success(message, icon=":material/check_circle:")
        if not downloads_allowed():
            _operator_panel()
            return
        st.caption(
            _(
                "AllenNLP's published ELMo, trained on 1 billion words. Fetching needs the network: it is the only "
                "thing this app downloads, and only when you click. Source: {source} (for a mirror, set "
                "the environment variable {variable}). Files go to {folder}; each download is checked (HDF5 "
                "structure, every dataset's shape against the options) and its sha256 recorded before it is used; a "
                "file whose sha256 later changes is refused. The official files carry no softmax, so they give "
                "vectors, senses and gates, but no word predictions."
            ).format(
                source=md(official.base_url()), variable=md(official.BASE_URL_ENV), folder=md(official.cache_dir())
            )
        )
        fetched = official.available()
        for size in fetched:
            try:
                model = official.load_verified(size)
            except official.FetchError as exc:
                st.error(md(f"official ELMo {size}: {exc}"), icon=":material/error:")
                continue
            st.text(
                f"official ELMo {size}: {model.folder}\n"
                + "\n".join(f"  sha256 {digest}  {name}" for name, digest in model.sha256.items())
            )
        size = st.radio(
            _("Size"),
            list(official.SIZES),
            key="fetch_size",
            horizontal=True,
            bind="query-params",
            format_func=lambda s: f"{s} ({official.SIZES[s]}, ~{official.APPROX_MB[s]} MB)",
        )
        st.caption(manual_copy_hint(size))
        if st.button(
            _("Fetch the official ELMo {size}").format(size=size), key="fetch_official", icon=":material/download:"
        ):
            _fetch(size)


def _operator_panel() -> None:
    """Shared mode: what is fetched (sizes and sha256, no server path), and how the operator fetches more."""
    st.caption(_(OPERATOR_FETCH))
    st.code(OPERATOR_COMMAND, language="bash")
    for size in official.available():
        try:
            model = official.load_verified(size)
        except official.FetchError:
            st.error(
                _(
                    "The official ELMo {size} on this server failed its check; ask the operator to fetch it again."
                ).format(size=size)
            )
            continue
        st.text(f"official ELMo {size}\n" + "\n".join(f"  sha256 {d}  {n}" for n, d in model.sha256.items()))


def _fetch(size: str) -> None:
    try:
        model = official.fetch(size, progress=ProgressBar)
    except official.FetchError as exc:
        st.error(
            md(exc) + "\n\n" + _("Nothing was installed; the page keeps working with this app's biLM."),
            icon=":material/cloud_off:",
        )
        return
    st.session_state[FLASH] = _(
        "Fetched and verified the official ELMo {size} into {folder}. It is now in the model choice of "
        "this page, the senses page and the LSTM gates page."
    ).format(size=size, folder=md(model.folder))
    st.rerun()
