"""The investigator's UI end to end in Debian's Chromium (Selenium and chromedriver):
search a Cantonese form and land on the Han-name official, open the network view,
run a trace and see the flow diagrams, judge a review pair, export a dossier.

With NOHAVEN_SCREENSHOTS=DIR (``make screenshots``) each page is saved there for the
README; otherwise into the test's temporary folder."""

from __future__ import annotations

import csv
import json
import os
import shutil
import time
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from nohaven import cases
from nohaven.demo import _write_rates
from nohaven.detect import DetectRequest, detect, save_alerts
from nohaven.names.forms import name_forms
from nohaven.scenario.truth import embezzlement_case
from nohaven.store import Store
from nohaven.web.spawn import served

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT = 30


@pytest.fixture(scope="module")
def site(resolved_world, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A server over a resolved world with a detection run and the embezzler's case."""
    world, resolved, _ = resolved_world
    root = tmp_path_factory.mktemp("ui")
    db = root / "ui.duckdb"
    shutil.copy(resolved, db)
    official, transfers = embezzlement_case(world)
    rates = _write_rates(world, root / "rates.csv")
    with Store(db) as store:
        save_alerts(store, detect(DetectRequest(), store), ("all",))
        case_id = cases.open_case(store, "Kaiping-style embezzlement", [official], "ui-test")
        han = store.fetchone(
            "SELECT value FROM statements WHERE entity_id = ? AND prop = 'name'", [official]
        )[0]
        account = store.fetchone("SELECT from_account FROM ledger WHERE id = ?", [transfers[0]])[0]
    with served(db, rates=rates) as base:
        yield {
            "base": base,
            "db": db,
            "official": official,
            "han": han,
            "case": case_id,
            "account": account,
            "downloads": root / "downloads",
        }


@pytest.fixture(scope="module")
def browser(site) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,800"):
        options.add_argument(flag)
    site["downloads"].mkdir(exist_ok=True)
    options.add_experimental_option("prefs", {"download.default_directory": str(site["downloads"])})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


def shot(driver: webdriver.Chrome, name: str, tmp_path: Path) -> None:
    """Save the page: into NOHAVEN_SCREENSHOTS for the README, else the test's folder."""
    folder = Path(os.environ.get("NOHAVEN_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1280, min(max(800, height), 2400))
    driver.save_screenshot(str(folder / f"{name}.png"))
    driver.set_window_size(1280, 800)


def wait(driver: webdriver.Chrome, condition) -> object:
    return WebDriverWait(driver, WAIT).until(condition)


def test_a_cantonese_spelling_finds_the_han_named_official(browser, site, tmp_path) -> None:
    cantonese = next(form for system, form in name_forms(site["han"]) if system == "hk_cantonese")
    browser.get(f"{site['base']}/search")
    box = browser.find_element(By.ID, "q")
    box.send_keys(cantonese)
    box.submit()
    link = wait(
        browser,
        ready.element_to_be_clickable((By.CSS_SELECTOR, f"a[href='/entity/{site['official']}']")),
    )
    assert site["han"] in link.text
    why = browser.find_element(By.CSS_SELECTOR, ".result details pre").get_attribute("textContent")
    assert "hk_cantonese" in why or "cantonese" in why
    shot(browser, "search", tmp_path)
    link.click()
    heading = wait(browser, ready.presence_of_element_located((By.TAG_NAME, "h1")))
    assert site["han"] in heading.text
    page = browser.find_element(By.TAG_NAME, "main").text
    for section in ("Romanisations", "Family", "Assets and how they are held", "Accounts"):
        assert section in page
    assert "hk_cantonese" in page and cantonese in page
    # Family ties carry the file and record they come from, like every other value.
    family = browser.find_elements(
        By.XPATH, "//h2[.='Family']/following-sibling::table[1]//tbody/tr/td[4]"
    )
    assert family and all("(record " in cell.text for cell in family)
    # Each romanised name in the records says which system it is written in.
    systems = browser.find_elements(By.CSS_SELECTOR, "td .tag[title='romanisation system']")
    assert systems and all(t.text for t in systems)
    shot(browser, "entity", tmp_path)


def test_the_network_view_draws_and_expands(browser, site, tmp_path) -> None:
    browser.get(f"{site['base']}/entity/{site['official']}/network")
    wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, "#cy[data-ready='yes']")))
    status = browser.find_element(By.ID, "network-status").text
    first = int(status.split()[0])
    assert first >= 3 and "ties" in status
    ties = browser.find_elements(By.CSS_SELECTOR, "#ties li")
    assert any("spouse" in t.get_attribute("textContent") for t in ties)
    # Tapping a relative expands their own ties (companies, property) into the graph.
    grown = browser.execute_script(
        """
        const { cy, expand } = document.getElementById('cy')._nohaven;
        const before = cy.nodes().length;
        const others = cy.nodes().filter(n => !n.hasClass('root'));
        for (const node of others) { await expand(node.id()); }
        return [before, cy.nodes().length];
        """
    )
    assert grown[1] > grown[0] >= 3
    shot(browser, "network", tmp_path)


def test_a_trace_compares_the_rules_in_flow_diagrams(browser, site, tmp_path) -> None:
    browser.get(f"{site['base']}/trace")
    assert "rate_to_usd" in browser.find_element(By.ID, "rates").get_attribute("value")
    browser.find_element(By.ID, "sources").send_keys(site["account"])
    browser.find_element(By.ID, "run-trace").click()
    wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, "svg.sankey path")))
    rules = [
        r.get_attribute("data-rule") for r in browser.find_elements(By.CSS_SELECTOR, ".rule-result")
    ]
    assert rules == ["libr", "fifo", "prorata"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.sankey")) == 3
    assert "traced" in browser.find_element(By.ID, "trace-result").text
    shot(browser, "trace", tmp_path)
    # The schedule behind each figure is a download away.
    csrf = browser.get_cookie("nohaven_csrf")["value"]
    form = urllib.parse.urlencode(
        {
            "sources": site["account"],
            "rates": browser.find_element(By.ID, "rates").get_attribute("value"),
            "rule": "fifo",
            "csrf_token": csrf,
        }
    ).encode()
    request = urllib.request.Request(
        f"{site['base']}/trace/schedule", data=form, headers={"Cookie": f"nohaven_csrf={csrf}"}
    )
    with urllib.request.urlopen(request) as response:
        rows = list(csv.reader(response.read().decode().splitlines()))
    assert rows[0][:3] == ["step", "timestamp", "transaction"] and len(rows) > 2
    assert len(browser.find_elements(By.CSS_SELECTOR, "button.schedule")) == 3


def test_a_review_pair_is_judged_from_the_keyboard(browser, site, tmp_path) -> None:
    browser.get(f"{site['base']}/review")
    wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, "#review button.same")))
    left = browser.find_element(By.NAME, "left_id").get_attribute("value")
    right = browser.find_element(By.NAME, "right_id").get_attribute("value")
    assert (left, right) in open_pairs(site["base"])
    shot(browser, "review", tmp_path)
    browser.find_element(By.TAG_NAME, "body").send_keys("d")
    status = wait(
        browser,
        ready.presence_of_element_located((By.CSS_SELECTOR, "#review [role='status']")),
    )
    assert "are different" in status.text and left in status.text
    # The judgement is stored: the pair has left the queue, and the next one is shown.
    assert (left, right) not in open_pairs(site["base"])
    assert browser.find_element(By.NAME, "left_id").get_attribute("value") != left or (
        browser.find_element(By.NAME, "right_id").get_attribute("value") != right
    )


def open_pairs(base: str) -> set[tuple[str, str]]:
    with urllib.request.urlopen(f"{base}/api/review?limit=1000", timeout=WAIT) as response:
        return {(p["left_id"], p["right_id"]) for p in json.loads(response.read())}


def test_a_case_exports_its_dossier(browser, site, tmp_path) -> None:
    browser.get(f"{site['base']}/cases")
    browser.find_element(By.LINK_TEXT, site["case"]).click()
    button = wait(browser, ready.element_to_be_clickable((By.ID, "export-dossier")))
    shot(browser, "case", tmp_path)
    button.click()
    target = site["downloads"] / f"{site['case']}-dossier.zip"
    deadline = time.monotonic() + 90
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.3)
    assert target.exists()
    time.sleep(0.5)
    with zipfile.ZipFile(target) as archive:
        names = {Path(n).name for n in archive.namelist()}
        manifest = json.loads(archive.read(f"{site['case']}/manifest.json"))
    assert {"report.pdf", "report.html", "bundle.ftm.json", "manifest.json"} <= names
    assert manifest["case_id"] == site["case"]


def test_pages_fit_a_tablet_and_work_from_the_keyboard(browser, site) -> None:
    browser.set_window_size(820, 1100)
    try:
        for page in ("", "search?q=Cheung", f"entity/{site['official']}", "trace", "alerts"):
            browser.get(f"{site['base']}/{page}")
            wait(browser, ready.presence_of_element_located((By.TAG_NAME, "h1")))
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, (page, overflow)
        # Tab from the top reaches the skip link first, then the navigation.
        browser.get(f"{site['base']}/")
        body = browser.find_element(By.TAG_NAME, "body")
        body.send_keys("\ue004")  # Tab
        assert browser.switch_to.active_element.get_attribute("class") == "skip"
        for control in browser.find_elements(By.CSS_SELECTOR, "input, select, textarea"):
            labelled = control.get_attribute("id") and browser.find_elements(
                By.CSS_SELECTOR, f"label[for='{control.get_attribute('id')}']"
            )
            assert labelled or control.get_attribute("type") == "hidden", control
    finally:
        browser.set_window_size(1280, 800)


@pytest.mark.parametrize("page", ["alerts", "findings", "passport", ""])
def test_queues_and_pages_answer_in_the_browser(browser, site, tmp_path, page) -> None:
    browser.get(f"{site['base']}/{page}")
    heading = wait(browser, ready.presence_of_element_located((By.TAG_NAME, "h1")))
    assert heading.text
    assert browser.find_elements(By.CSS_SELECTOR, "nav[aria-label='Main'] a")
    shot(browser, page or "status", tmp_path)
