"""Where students reach the Lessons page: the address a teacher link is built on (ui/lesson_view.teacher_link).

Browsed on localhost, a link would not open on a student's machine, so it is built from Streamlit's
`browser.serverAddress` when that is set to a real host, else from this machine's network address.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import streamlit as st

from i18n import _

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"}


def network_address() -> str | None:
    """This machine's address on the local network (the interface a route out would use; nothing is
    sent), or None when it has none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.254.254.254", 1))  # UDP connect: picks the interface, sends no packet
            address = probe.getsockname()[0]
    except OSError:
        try:
            address = socket.gethostbyname(socket.gethostname())
        except OSError:
            return None
    return None if address.startswith("127.") else address


def page_url() -> tuple[str, str]:
    """(the Lessons page's address as students can reach it, a sentence saying how it was built).

    Browsed on localhost, the link would not open on a student's machine: it is built from Streamlit's
    `browser.serverAddress` when that is set to a real host, else from this machine's network address."""
    parts = urlsplit(st.context.url or "")
    host, port = parts.hostname or "", parts.port
    if parts.scheme and host and host not in LOCAL_HOSTS:
        return f"{parts.scheme}://{parts.netloc}/Lessons", ""
    configured = st.get_option("browser.serverAddress") or ""
    port = port or st.get_option("server.port")
    if configured and configured not in LOCAL_HOSTS:
        return f"http://{configured}:{port}/Lessons", _(
            "The address is Streamlit's browser.serverAddress, {address}."
        ).format(address=configured)
    address = network_address()
    if address:
        return f"http://{address}:{port}/Lessons", _(
            "You are browsing on {host}, which students cannot open: the link uses this "
            "machine's network address, {address}. Students reach it if the server was started with "
            "--server.address 0.0.0.0 (see TEACHING.md)."
        ).format(host=host or _("this machine"), address=address)
    return f"http://localhost:{port}/Lessons", _(
        "This machine has no network address: the link opens only here. Connect it to the class network."
    )
