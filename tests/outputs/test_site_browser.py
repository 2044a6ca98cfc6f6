"""The searchable page in Debian's headless Chromium, driven by Selenium through chromedriver.

Each check holds what the page shows to what ``dnnpapers.outputs.site.shown`` says for
the same data. Without Chromium these tests are skipped, unless
DNNPAPERS_REQUIRE_BROWSER=1 (CI sets it), when that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from browser import emulated
from browser import console_errors as _errors
from browser import open_page as _open
from browser import serve_folder
from browser import status_text as _status
from browser import visible_ids as _visible
from conftest import REPO, write_list
from dnnpapers.outputs.export import bib_entry
from dnnpapers.access.loading import load_list
from dnnpapers.outputs.render import build
from dnnpapers.outputs.site import SITE, SITE_ZH, SiteQuery, shown, sort_ids
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

#: Screenshots for a person to look at: DNNPAPERS_SCREENSHOTS, else a folder under the test's tmp dir.
SHOTS = os.environ.get("DNNPAPERS_SCREENSHOTS")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The shipped list's pages, served over HTTP on 127.0.0.1; (base URL, paper list, requests seen)."""
    folder = tmp_path_factory.mktemp("site")
    shutil.copy(REPO / SITE, folder / "index.html")
    shutil.copy(REPO / SITE_ZH, folder / "index.zh.html")
    seen: list[str] = []
    server, base = serve_folder(folder, seen)
    yield base, load_list(REPO), seen
    server.shutdown()


def _shot(browser, tmp_path: Path, name: str) -> Path:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    browser.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    return path


def test_typing_clicking_topics_moving_years_and_choosing_a_venue_show_exactly_what_the_python_filter_shows(browser, site, tmp_path):
    base, paper_list, _ = site
    _open(browser, base + "/index.html")
    assert _visible(browser) == shown(paper_list, SiteQuery())
    box = browser.find_element(By.CSS_SELECTOR, "input[type=search]")
    box.send_keys("early exit")
    assert _visible(browser) == shown(paper_list, SiteQuery(query="early exit"))
    assert _status(browser) == f"Showing {len(shown(paper_list, SiteQuery(query='early exit')))} of {len(paper_list.papers)} papers"
    box.clear()
    box.send_keys("MIXTURE")
    moe = shown(paper_list, SiteQuery(query="mixture"))
    assert moe and _visible(browser) == moe
    box.send_keys(Keys.CONTROL, "a", Keys.BACKSPACE)
    browser.find_element(By.CSS_SELECTOR, 'input[name=topic][value="dynamic-depth"]').click()  # a parent: its subtopics count
    assert _visible(browser) == shown(paper_list, SiteQuery(topics=("dynamic-depth",)))
    browser.find_element(By.CSS_SELECTOR, 'input[name=topic][value="mixture-of-experts"]').click()  # two topics: either
    topics = ("dynamic-depth", "mixture-of-experts")
    assert _visible(browser) == shown(paper_list, SiteQuery(topics=topics))
    slider = browser.find_element(By.ID, "page_from")
    first = int(slider.get_attribute("min"))
    slider.send_keys(Keys.ARROW_RIGHT * (2020 - first))  # a key press a year, as a reader moves it, in one command
    assert browser.find_element(By.ID, "page_from_out").text == "2020"
    assert _visible(browser) == shown(paper_list, SiteQuery(topics=topics, years=(2020, 9999)))
    Select(browser.find_element(By.ID, "page_venue")).select_by_value("NeurIPS")
    combined = SiteQuery(topics=topics, years=(2020, 9999), venue="NeurIPS")
    assert _visible(browser) == shown(paper_list, combined)
    counts = browser.execute_script("return Object.fromEntries(Array.from(document.querySelectorAll('[data-count]')).map(e => [e.dataset.count, e.textContent]))")
    expected = len(shown(paper_list, SiteQuery(years=(2020, 9999), venue="NeurIPS", topics=("dynamic-depth",))))
    assert counts["dynamic-depth"] == f"({expected})", "a topic's count is what checking it alone would show"
    _shot(browser, tmp_path, "site-filtered.png")
    assert _errors(browser) == []


#: Sets the address's fragment and returns once the page has handled the hashchange (its own listener came first).
_NEW_HASH = """
const done = arguments[arguments.length - 1];
addEventListener("hashchange", () => done(true), {once: true});
location.hash = arguments[0];
"""


def test_sorting_orders_the_shown_papers_as_the_python_side_does(browser, site):
    """The first order comes with the page's address, as a shared link brings it; the others as a reader's edited
    address does (a hashchange, no new load: the same restore, without ~0.5 CPU-s of Chromium a load)."""
    base, paper_list, _ = site
    _open(browser, f"{base}/index.html#q=network&sort=newest")
    for mode in ("newest", "oldest", "title", "cited", "topic"):
        if mode != "newest":
            assert browser.execute_async_script(_NEW_HASH, f"#q=network&sort={mode}")
        assert browser.find_element(By.ID, "page_sort").get_attribute("value") == mode
        ids = shown(paper_list, SiteQuery(query="network"))
        assert _visible(browser) == sort_ids(paper_list, ids, mode), mode


def test_a_shared_url_restores_its_filters_and_the_url_follows_the_filters(browser, site):
    base, paper_list, _ = site
    _open(browser, f"{base}/index.html#q=token&topic=spatial&from=2021")
    assert browser.find_element(By.ID, "page_q").get_attribute("value") == "token"
    assert browser.find_element(By.CSS_SELECTOR, 'input[name=topic][value="spatial"]').is_selected()
    assert _visible(browser) == shown(paper_list, SiteQuery(query="token", topics=("spatial",), years=(2021, 9999)))
    browser.find_element(By.ID, "page_clear").click()
    assert _visible(browser) == shown(paper_list, SiteQuery())
    browser.find_element(By.ID, "page_q").send_keys("skip")
    assert browser.current_url.endswith("#q=skip")
    _open(browser, browser.current_url)  # the URL as a reader would share it
    assert _visible(browser) == shown(paper_list, SiteQuery(query="skip"))


def test_a_permalink_lands_on_its_paper_and_copy_puts_its_bibtex_on_the_clipboard(browser, site):
    base, paper_list, _ = site
    _open(browser, f"{base}/index.html#cai2019onceforall")
    target = browser.execute_script("const e = document.querySelector(':target'); const r = e.getBoundingClientRect(); return [e.dataset.id, r.top, innerHeight]")
    assert target[0] == "cai2019onceforall" and -2 <= target[1] < target[2]
    browser.execute_script("window.copied = []; navigator.clipboard.writeText = t => { window.copied.push(t); return Promise.resolve(); }")
    button = browser.find_element(By.CSS_SELECTOR, '[data-copy="cai2019onceforall"]')
    button.click()
    paper = next(p for p in paper_list.papers if p.id == "cai2019onceforall")
    assert browser.execute_script("return window.copied") == [bib_entry(paper)]
    assert button.text == "Copied"


def test_the_page_makes_no_request_but_its_own_and_works_with_the_network_off(browser, site, tmp_path):
    base, paper_list, seen = site
    with emulated(browser, offline=True) as driver:
        driver.get_log("performance")
        seen.clear()
        _open(driver, base + "/index.zh.html")
        requests = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
        urls = {m["params"]["request"]["url"] for m in requests if m["method"] == "Network.requestWillBeSent"}
        assert urls == {base + "/index.zh.html"}
        assert seen == ["/index.zh.html"]
        assert _status(driver) == f"显示 {len(paper_list.papers)} / {len(paper_list.papers)} 篇"
        _shot(driver, tmp_path, "site-zh.png")
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
        page = tmp_path / "offline.html"
        shutil.copy(REPO / SITE, page)
        _open(driver, page.as_uri())
        driver.find_element(By.CSS_SELECTOR, "input[type=search]").send_keys("早退")
        assert _visible(driver) == shown(paper_list, SiteQuery(query="早退"))
        assert _errors(driver) == []


def test_with_scripts_off_the_whole_list_reads_grouped_by_topic(browser, site, tmp_path):
    base, paper_list, _ = site
    with emulated(browser, javascript=False) as driver:
        driver.get(base + "/index.html")
        assert _visible(driver) == shown(paper_list, SiteQuery())
        assert not driver.find_element(By.ID, "page_filters").is_displayed()
        assert "need JavaScript" in driver.find_element(By.CSS_SELECTOR, ".noscript").text
        _shot(driver, tmp_path, "site-noscript.png")


def test_keyboard_labels_live_region_dark_mode_and_a_phone(browser, site, tmp_path):
    base, _, _ = site
    with emulated(browser, width=390, height=844) as driver:
        _open(driver, base + "/index.html")
        unlabelled = driver.execute_script(
            "return Array.from(document.querySelectorAll('#filters input, #filters select')).filter(e => !e.labels || !e.labels.length).map(e => e.id || e.name)"
        )
        assert unlabelled == []
        status = driver.find_element(By.ID, "page_count")
        assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
        order = []
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        for _ in range(4):
            order.append(driver.execute_script("return document.activeElement.id || document.activeElement.className || document.activeElement.tagName"))
            driver.switch_to.active_element.send_keys(Keys.TAB)
        assert order[0] == "skip" and "page_q" in order, order
        layout = driver.execute_script(
            "const f = document.getElementById('page_filters').getBoundingClientRect(), r = document.getElementById('page_results').getBoundingClientRect();"
            "return [f.bottom <= r.top + 1, document.documentElement.scrollWidth <= innerWidth]"
        )
        assert layout == [True, True], "on a phone the filters stack above the papers, with no sideways scrolling"
        _shot(driver, tmp_path, "site-phone.png")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        assert driver.execute_script("return getComputedStyle(document.body).backgroundColor") == "rgb(13, 17, 23)"
        _shot(driver, tmp_path, "site-dark.png")


def test_hostile_data_stays_text_and_breaks_nothing(browser, tmp_path):
    from outputs.test_site import HOSTILE, MSD

    root = write_list(tmp_path, [MSD, HOSTILE])
    outputs = build(load_list(root))
    page = tmp_path / "index.html"
    page.write_bytes(outputs[SITE])
    _open(browser, page.as_uri())
    assert browser.execute_script("return document.querySelector('[data-id=evil2020title] .title').textContent") == HOSTILE["title"]
    assert browser.execute_script("return window.alerted === undefined && document.querySelectorAll('script').length") == 3
    browser.find_element(By.CSS_SELECTOR, "input[type=search]").send_keys("jose zoe")
    assert _visible(browser) == ["evil2020title"]
    assert _errors(browser) == []


def test_the_talks_and_code_filters_and_an_empty_result(browser, site):
    base, paper_list, _ = site
    _open(browser, base + "/index.html")
    browser.find_element(By.ID, "page_discussed").click()
    assert _visible(browser) == shown(paper_list, SiteQuery(discussed=True)) == ["cai2019onceforall"]
    browser.find_element(By.ID, "page_discussed").click()
    browser.find_element(By.ID, "page_code").click()
    expected = shown(paper_list, SiteQuery(code=True))
    assert _visible(browser) == expected
    assert browser.find_element(By.ID, "page_nothing").is_displayed() is (not expected)
    assert _status(browser) == f"Showing {len(expected)} of {len(paper_list.papers)} papers"
