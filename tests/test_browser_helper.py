"""The browser helper's start (tests/browser.py): a port lost to another process between selenium's choice and
chromedriver's bind is tried again; any other failure says what chromedriver printed. Both through the real
chromedriver, with selenium's port choice pointed at a port a listening socket holds."""

from __future__ import annotations

import socket
import tempfile

import pytest

import browser
from selenium.common.exceptions import SessionNotCreatedException, WebDriverException
from selenium.webdriver.common import utils as selenium_utils


@pytest.fixture
def taken_port():
    """A port bound by another socket (not listening, so a connection to it is refused at once, as selenium's wait for
    chromedriver would find it)."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]


@pytest.fixture
def temporary(tmp_path, monkeypatch):
    """The helper's temporary folders made here, apart from the other worker's."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_a_start_that_keeps_finding_its_port_taken_gives_up_saying_so_and_leaves_no_folder(monkeypatch, taken_port, temporary):
    chosen = []
    monkeypatch.setattr(selenium_utils, "free_port", lambda: chosen.append(taken_port) or taken_port)
    with pytest.raises(WebDriverException) as failed:
        browser.chromium()
    assert len(chosen) == browser._STARTS  # tried again each time, then no more
    assert f"start {browser._STARTS} of {browser._STARTS}" in failed.value.msg
    assert browser._PORT_TAKEN in failed.value.msg  # what chromedriver printed is in the message
    assert list(temporary.iterdir()) == []


def test_a_start_whose_port_was_taken_once_goes_on_on_another(monkeypatch, taken_port, temporary):
    """chromedriver's second start serves: it gets as far as Chromium, here a missing one (so no browser starts, ~1
    CPU-s spared), and that failure is not tried again."""
    real = selenium_utils.free_port
    chosen = []

    def first_taken() -> int:
        chosen.append(taken_port if not chosen else real())
        return chosen[-1]

    monkeypatch.setattr(selenium_utils, "free_port", first_taken)
    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(SessionNotCreatedException) as failed:
        browser.chromium()
    assert len(chosen) == 2 and chosen[0] == taken_port and chosen[1] != taken_port
    assert "start 2 of" in failed.value.msg and browser._PORT_TAKEN not in failed.value.msg
    assert list(temporary.iterdir()) == []


def test_a_start_failing_for_another_reason_is_not_tried_again_and_leaves_no_folder(monkeypatch, temporary):
    chosen = []
    real = selenium_utils.free_port
    monkeypatch.setattr(selenium_utils, "free_port", lambda: chosen.append(1) or real())
    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(WebDriverException) as failed:
        browser.chromium()
    assert chosen == [1]
    assert "start 1 of" in failed.value.msg
    assert list(temporary.iterdir()) == []
