"""The real-browser fixtures of tests/browser, for issue 24's browser tests."""

from tests.browser.conftest import browser, page, server, shots  # noqa: F401
