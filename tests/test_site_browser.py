"""The site in a real browser (headless Chromium via Selenium): charts render, a finding links to its project.

Skipped, with the reason, where Chromium/chromedriver or selenium are not installed (.ci/run installs them).
"""

import shutil
from pathlib import Path

import pytest

from goalgraph.site import build_site, load_report
from goalgraph.store import GraphStore

FIXTURES = Path(__file__).parent / "fixtures" / "site"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="Chromium and chromedriver are not installed")


@pytest.fixture
def browser(tmp_path):
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1600"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def site(tmp_path):
    store = GraphStore()
    store.load_file(FIXTURES / "mini.ttl")
    out = tmp_path / "site"
    build_site(store, out, load_report(FIXTURES / "report.ttl"))
    return out


def test_overview_renders_charts(browser, site, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get((site / "index.html").as_uri())
    budget = browser.find_element(By.ID, "chart-budget")
    bars = budget.find_elements(By.CSS_SELECTOR, "rect.bar")
    assert len(bars) == 1 and bars[0].size["width"] > 0
    assert len(browser.find_elements(By.CSS_SELECTOR, "#chart-plans polyline.curve")) == 2
    browser.save_screenshot(str(tmp_path / "overview.png"))
    assert (tmp_path / "overview.png").stat().st_size > 1000


def test_finding_links_to_its_project(browser, site, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get((site / "rules" / "GG-R8.html").as_uri())
    row = browser.find_element(By.CSS_SELECTOR, "tr.finding")
    row.find_element(By.TAG_NAME, "a").click()
    assert browser.current_url.endswith("/id/project/37078122P000000000002.html")
    assert "桥梁检测" in browser.find_element(By.TAG_NAME, "h1").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#chart-plan polyline.curve")) == 1
    browser.save_screenshot(str(tmp_path / "project.png"))
    assert (tmp_path / "project.png").stat().st_size > 1000
