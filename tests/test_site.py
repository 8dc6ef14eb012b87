"""The static site: structure, escaping, IRI-mirroring paths, pagination and links, on a fixture graph."""

import re
from pathlib import Path

import pytest

from goalgraph import site as site_module
from goalgraph.site import Paths, build_site, load_report
from goalgraph.store import GraphStore

FIXTURES = Path(__file__).parent / "fixtures" / "site"
BASE = "https://w3id.org/goalgraph/id/"


@pytest.fixture
def built(tmp_path):
    store = GraphStore()
    store.load_file(FIXTURES / "mini.ttl")
    out = tmp_path / "site"
    stats = build_site(store, out, load_report(FIXTURES / "report.ttl"))
    return out, stats


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_counts(built):
    _, stats = built
    assert stats == {"projects": 2, "departments": 1, "documents": 1, "findings": 2}


def test_paths_mirror_iris(built):
    out, _ = built
    for rel in ["id/project/37078122P000000000001", "id/org/370781/310", "id/doc/aaaaaaaaaaaa"]:
        for ext in ("html", "ttl", "jsonld"):
            assert (out / f"{rel}.{ext}").is_file(), f"{rel}.{ext}"


def test_iri_outside_base_or_with_dotdot_gets_no_path():
    paths = Paths(BASE)
    assert paths.path("https://example.org/x") is None
    assert paths.path(BASE + "project/../../etc/passwd") is None
    assert paths.path(BASE + "project/A B") == "id/project/A%20B.html"


def test_source_markup_is_escaped(built):
    out, _ = built
    for page in out.rglob("*.html"):
        assert "<script>" not in read(page), page
    project = read(out / "id/project/37078122P000000000001.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in project
    assert "no basis &lt;b&gt;" in read(out / "rules/GG-R33.html")


def test_overview_charts_have_one_bar_per_department_and_category(built):
    out, _ = built
    index = read(out / "index.html")
    budget = re.search(r'<svg id="chart-budget".*?</svg>', index, re.S).group(0)
    assert budget.count('class="bar"') == 1  # one department
    categories = re.search(r'<svg id="chart-categories".*?</svg>', index, re.S).group(0)
    assert categories.count('class="bar"') == 2  # 数量指标, 社会效益指标
    assert re.search(r'<svg id="chart-plans".*?</svg>', index, re.S).group(0).count('class="curve"') == 2


def test_project_page_lists_indicators_plan_and_findings(built):
    out, _ = built
    page = read(out / "id/project/37078122P000000000002.html")
    assert page.count('<tr id="indicator-') == 1
    assert "GG-R8" in page and "年底累计支出应等于年度资金总额" in page
    assert "IRI: https://w3id.org/goalgraph/id/project/37078122P000000000002" in page


def test_document_page_lists_citing_indicators(built):
    out, _ = built
    page = read(out / "id/doc/aaaaaaaaaaaa.html")
    assert "青交〔2020〕3号" in page
    assert page.count("indicator-1") == 2  # cited by two indicators (two projects)


def test_rule_page_quotes_the_source_line_and_links_the_resource(built):
    out, _ = built
    page = read(out / "rules/GG-R33.html")
    assert "mini.txt:10" in page
    assert 'href="../id/project/37078122P000000000001.html"' in page


def test_department_page_shows_duty_chain(built):
    out, _ = built
    page = read(out / "id/org/370781/310.html")
    for text in ["道路管理", "道路巡查", "巡查完成率", "完成率100%", "完成率小于90%"]:
        assert text in page


def test_every_internal_link_resolves(built):
    out, _ = built
    for page in out.rglob("*.html"):
        for href in re.findall(r'href="([^"#]+)', read(page)):
            if href.startswith(("http:", "https:")):
                continue
            assert (page.parent / href).resolve().exists(), f"{page.relative_to(out)} → {href}"


def test_lists_are_paginated(tmp_path, monkeypatch):
    monkeypatch.setattr(site_module, "PAGE_SIZE", 1)
    store = GraphStore()
    store.load_file(FIXTURES / "mini.ttl")
    build_site(store, tmp_path, None)
    assert (tmp_path / "projects.html").is_file() and (tmp_path / "projects-2.html").is_file()
    assert 'href="projects-2.html"' in read(tmp_path / "projects.html")


def test_turtle_beside_page_parses_and_describes_the_resource(built):
    out, _ = built
    sub = GraphStore()
    sub.load((out / "id/project/37078122P000000000001.ttl").read_bytes(), "turtle")
    rows = sub.select("SELECT ?s WHERE { ?s a <https://w3id.org/goalgraph/ontology#Indicator> }")
    assert len(rows) == 2
