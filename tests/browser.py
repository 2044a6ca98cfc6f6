"""Debian's headless Chromium driven by Selenium through chromedriver: shared by the browser tests and bench/webpage.py.

Importing this module from a test module skips that module when Chromium,
chromedriver or selenium is missing, unless DNNPAPERS_REQUIRE_BROWSER=1 (CI
sets it), when that is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

try:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:  # pragma: no cover - the test extra installs it
    webdriver = None

if webdriver is None or not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    if os.environ.get("DNNPAPERS_REQUIRE_BROWSER") == "1":
        raise RuntimeError("DNNPAPERS_REQUIRE_BROWSER=1 but chromium, chromedriver or selenium is missing")
    pytest.skip("needs Debian's chromium and chromium-driver, and selenium", allow_module_level=True)


def require_browser() -> None:
    """Nothing to do: importing this module already skipped (or failed) the caller without a browser; kept for callers that say so."""


#: How many times a start is tried when chromedriver finds its port taken. Selenium picks the port by binding a socket
#: to port 0 and closing it; chromedriver binds it a moment later, and in that moment another process (the other test
#: worker starts local servers and connects to them all the time) can take it. chromedriver then prints ``bind()
#: failed: Address already in use`` and exits with status 1: the exit that failed the year test's browser in one CI
#: run (its log was not kept then; a taken port is the one cause of that exit reproduced here). Any other failure to
#: start is not retried.
_STARTS = 3
_PORT_TAKEN = "Address already in use"


def chromium(javascript: bool = True, width: int = 1280, height: int = 900):
    """A fresh headless Chromium keeping its console and network logs.

    Its temporary files (chromedriver's profile, Chromium's singleton socket, chromedriver's own log) go in a folder of
    its own, removed when it quits: Chromium leaves its ``org.chromium.Chromium.*`` folder in TMPDIR at every quit
    (/dev/shm for the suite, which held 341 of them after a day of runs). A start that fails says what chromedriver
    printed, and one that lost its port to another process is tried again (_STARTS)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # RenderDocument off: a new document of the same site loads into the frame host that showed the last one, where
    # by default each load makes a new one. What a page does and shows is the same either way; in 12 loads of the
    # same page through open_page, a load cost Chromium 0.13 CPU-s, not 0.18, for a new list's page, and 0.36, not
    # 0.49, for the shipped list's (one sitting; the suite's own loads mostly come from about:blank, where the gain is
    # smaller).
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions",
                "--disable-features=RenderDocument"):
        options.add_argument(arg)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    for attempt in range(1, _STARTS + 1):
        folder = tempfile.mkdtemp(prefix="dnnpapers-chromium-")
        driver_log = Path(folder, "chromedriver.log")
        try:
            service = Service(CHROMEDRIVER, service_args=["--log-level=WARNING"], log_output=str(driver_log),
                              env={**os.environ, "TMPDIR": folder})
            driver = webdriver.Chrome(service=service, options=options)
            break
        except BaseException as error:
            printed = driver_log.read_text(encoding="utf-8", errors="replace") if driver_log.exists() else ""
            shutil.rmtree(folder, ignore_errors=True)
            if isinstance(error, WebDriverException):
                if _PORT_TAKEN in printed and attempt < _STARTS:
                    continue
                error.msg = f"{error.msg} (start {attempt} of {_STARTS}); chromedriver printed: {printed.strip()[-600:]!r}"
            raise
    quit_driver = driver.quit

    def quit_and_clean() -> None:
        try:
            quit_driver()
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    driver.quit = quit_and_clean
    return driver


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_folder(folder: Path, seen: list[str] | None = None) -> tuple[http.server.ThreadingHTTPServer, str]:
    """``folder`` over HTTP on 127.0.0.1, each request's path appended to ``seen``: (server, base URL)."""

    class Handler(Quiet):
        def do_GET(self):
            if seen is not None:
                seen.append(self.path)
            super().do_GET()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


#: Waits, without polling, for the page's script to have marked the page ready (it does so last, before the load event
#: that ``get`` waits for, so on a working page this returns at once): true, or false after 5 s.
_READY = """
const done = arguments[arguments.length - 1], root = document.documentElement;
if (root.dataset.ready === "1") return done(true);
const timer = setTimeout(() => { watch.disconnect(); done(false); }, 5000);
const watch = new MutationObserver(() => { if (root.dataset.ready === "1") { clearTimeout(timer); watch.disconnect(); done(true); } });
watch.observe(root, {attributes: true, attributeFilter: ["data-ready"]});
"""


def open_page(browser, url: str) -> None:
    """Load ``url`` as a new document, with the console log emptied first, and wait for the page's script to have run.

    A URL that differs from the shown one only in its fragment would be a same-document navigation (no load, the old
    page's script and state kept): it goes through a blank page. Any other URL is a new document already, as a reader's
    fresh visit is (no form state or scroll restored), so it is loaded directly: a blank page between costs a navigation
    (~40 ms of wall time, an unload and a load in Chromium) and proves nothing more."""
    document, has_fragment, _ = url.partition("#")
    if has_fragment and browser.current_url.partition("#")[0] == document:
        browser.get("about:blank")
    browser.get_log("browser")
    browser.get(url)
    if not browser.execute_async_script(_READY):
        raise AssertionError("the page's script did not finish")


def visible_ids(browser) -> list[str]:
    """Ids of the papers a reader sees, in page order (hidden papers and hidden sections left out)."""
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('[data-id]')).filter(e => e.offsetParent !== null).map(e => e.dataset.id)"
    )


def status_text(browser) -> str:
    return browser.find_element(By.CSS_SELECTOR, "[role=status]").text


def console_errors(browser) -> list[dict]:
    return [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]


@contextmanager
def emulated(driver, *, width: int | None = None, height: int | None = None, mobile: bool = False, scale: float = 1,
             javascript: bool = True, offline: bool = False):
    """The shared Chromium set up as a phone, with scripts off or with the network off, for one test, and put back
    after it: the same page settings through the DevTools protocol as a Chromium started so, without the ~1 CPU-second
    of a start. Pages loaded under it see only these settings (the cache is off while the network is)."""
    try:
        if width is not None:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile})
        if not javascript:
            driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        if offline:
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        yield driver
    finally:
        driver.get("about:blank")
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": 1})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
        driver.get_log("browser")
        driver.get_log("performance")
