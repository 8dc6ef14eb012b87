"""Lines → cells (split words joined), segmentation into sections, and the contract with the
department reader (goalgraph.read.departments.parse_department_table)."""

import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from goalgraph.read import read_document
from goalgraph.read.text import cells, segment, split_lines
from goalgraph.records import DepartmentTable, Quarantined, SourceRef

QINGZHOU = Path(__file__).parent / "fixtures" / "read" / "qingzhou-2023.txt"
SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "yantai-2022-performance-targets.txt"


def test_cells_are_stripped_and_keep_columns():
    assert cells(" a \t\t b") == ["a", "", "b"]
    assert cells("") == [""]


@pytest.mark.parametrize("line, expected", [
    ("年度资金总额（万元\t）\t450.8", ["年度资金总额（万元）", "", "450.8"]),
    ("文字\t描述\t\t合格", ["文字描述", "", "", "合格"]),
    ("3\t月底\t6月底", ["3月底", "", "6月底"]),
    ("社会效益\t指标\t名称", ["社会效益指标", "", "名称"]),
    # real columns are never merged
    ("=\t100\t%", ["=", "100", "%"]),
    ("≥\t12\t月", ["≥", "12", "月"]),
    ("产出指标\t数量指标\t名称", ["产出指标", "数量指标", "名称"]),
    ("满意度\t服务对象满意度", ["满意度", "服务对象满意度"]),
])
def test_split_words_are_joined(line, expected):
    assert cells(line) == expected


def test_split_lines():
    assert split_lines("a\nb\n") == ["a", "b"]
    assert split_lines("a\r\nb") == ["a", "b"]
    assert split_lines("\n\na") == ["", "", "a"]


def test_sections_of_the_fixture():
    _, sections = segment(split_lines(QINGZHOU.read_text(encoding="utf-8")))
    assert [(s.kind, s.title_line, s.start, s.end) for s in sections] == [
        ("summary", 6, 6, 14), ("project", 15, 15, 37), ("project", 38, 38, 52), ("project", 53, 53, 68),
        ("department_list", 69, 69, 74), ("department", 75, 75, 79)]
    assert sections[-1].rows[0][0] == 76  # rows start after the title line


def test_sections_of_the_seed():
    _, sections = segment(split_lines(SEED.read_text(encoding="utf-8")))
    kinds = [s.kind for s in sections]
    assert kinds.count("summary") == 1 and kinds.count("project") == 31
    assert kinds.count("department_list") == 1 and kinds.count("department") == 5
    departments = [(s.title_line, s.end) for s in sections if s.kind == "department"]
    assert departments == [(762, 847), (848, 871), (872, 895), (896, 929), (930, 943)]


@dataclass
class FakeResult:
    table: DepartmentTable
    roles: dict
    quarantine: list = field(default_factory=list)


def test_department_reader_is_called_with_the_contract(monkeypatch):
    calls = []

    def parse_department_table(file, title_line, title, rows):
        calls.append((file, title_line, title, rows))
        roles = {line: "blank" if row == [""] else "record" for line, row in rows}
        roles[rows[-1][0]] = "quarantined"
        bad = Quarantined(SourceRef(file, rows[-1][0]), "fake reason", "")
        return FakeResult(DepartmentTable(SourceRef(file, title_line), title, None, title), roles, [bad])

    fake = types.ModuleType("goalgraph.read.departments")
    fake.parse_department_table = parse_department_table
    monkeypatch.setitem(sys.modules, "goalgraph.read.departments", fake)
    doc = read_document(QINGZHOU)
    (file, title_line, title, rows), = calls
    assert (file, title_line, title) == (str(QINGZHOU), 75, "青州市发展和改革局部门职能职责活动列表")
    assert [line for line, _ in rows] == [76, 77, 78, 79]
    assert rows[0][1] == [""] and rows[1][1][:3] == ["序号", "部门编码", "部门名称"]
    assert doc.line_roles[75] == "heading" and doc.line_roles[79] == "quarantined"
    assert len(doc.departments) == 1 and doc.quarantine[-1].reason == "fake reason"
    assert sum(doc.role_counts().values()) == doc.line_count


def test_department_reader_unavailable(monkeypatch):
    monkeypatch.setitem(sys.modules, "goalgraph.read.departments", None)  # import fails
    doc = read_document(QINGZHOU)
    assert doc.departments == []
    assert [q.source.line for q in doc.quarantine if q.reason == "department reader unavailable"] == [77, 78, 79]
    assert doc.line_roles[76] == "blank" and sum(doc.role_counts().values()) == doc.line_count


def test_lines_a_reader_left_out_are_quarantined(monkeypatch):
    def parse_department_table(file, title_line, title, rows):
        return FakeResult(DepartmentTable(SourceRef(file, title_line), title, None, title), {})

    fake = types.ModuleType("goalgraph.read.departments")
    fake.parse_department_table = parse_department_table
    monkeypatch.setitem(sys.modules, "goalgraph.read.departments", fake)
    doc = read_document(QINGZHOU)
    assert doc.line_roles[78] == "quarantined"
    assert any(q.reason == "line not accounted for by any reader" for q in doc.quarantine)
