"""Bad input gives one clear error naming the file (exit code 2, no traceback); encodings are
detected; a table cut off mid-way is quarantined, the rest of the file still read."""

import json
from pathlib import Path

import pytest

from goalgraph.cli import main
from goalgraph.errors import InputError
from goalgraph.read import read_document

FIXTURES = Path(__file__).parent / "fixtures" / "read"
QINGZHOU = FIXTURES / "qingzhou-2023.txt"
CUT_OFF = FIXTURES / "qingzhou-cut-off.txt"


def accounted(doc) -> bool:
    return set(doc.line_roles) == set(range(1, doc.line_count + 1)) and sum(doc.role_counts().values()) == doc.line_count


# -- errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (b"  \n\n\t\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (b"\x80\xff" * 100, "undecodable"),
    ("青州市2023年工作总结\n\n今年完成了各项任务。\n".encode(), "unknown layout"),
])
def test_bad_input_names_the_file(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_document(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        read_document(tmp_path)


# -- encodings and line endings -----------------------------------------------------------------------


def _summary(doc):
    return (len(doc.summary), len(doc.projects), sum(len(p.indicators) for p in doc.projects),
            doc.role_counts(), doc.projects[0].code, doc.projects[0].department.name)


def test_gb18030_file_is_decoded(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(QINGZHOU.read_text(encoding="utf-8").encode("gb18030"))
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    assert _summary(doc) == _summary(read_document(QINGZHOU))


def test_gbk_file_is_decoded(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(QINGZHOU.read_text(encoding="utf-8").replace("≥", ">=").replace("≤", "<=").encode("gbk"))
    assert read_document(path).encoding == "gb18030"


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(QINGZHOU.read_text(encoding="utf-8").encode("utf-16"))
    doc = read_document(path)
    assert doc.encoding == "utf-16" and _summary(doc) == _summary(read_document(QINGZHOU))


def test_bom_and_crlf(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbf" + QINGZHOU.read_text(encoding="utf-8").replace("\n", "\r\n").encode())
    doc = read_document(path)
    assert doc.encoding == "utf-8" and _summary(doc) == _summary(read_document(QINGZHOU))


def test_line_count_without_final_newline(tmp_path):
    path = tmp_path / "no-eol.txt"
    path.write_text(QINGZHOU.read_text(encoding="utf-8").rstrip("\n"), encoding="utf-8")
    doc = read_document(path)
    assert doc.line_count == read_document(QINGZHOU).line_count and accounted(doc)


# -- tables cut off -------------------------------------------------------------------------------------


def test_sheet_cut_off_after_indicator_header_is_quarantined():
    doc = read_document(CUT_OFF)
    assert accounted(doc)
    assert len(doc.summary) == 3 and doc.projects == []
    reasons = {q.source.line: q.reason for q in doc.quarantine}
    assert "cut off" in reasons[25] and "cut off" in reasons[15] and "cut off" in reasons[17]
    assert doc.line_roles[15] == "quarantined"  # the heading of the cut sheet goes with it
    assert reasons[13].startswith("summary row has 2 cells")


def test_sheet_cut_off_in_header_rows_keeps_earlier_sheets(tmp_path):
    lines = QINGZHOU.read_text(encoding="utf-8").split("\n")
    path = tmp_path / "cut.txt"
    path.write_text("\n".join(lines[:56]) + "\n", encoding="utf-8")  # ends at 项目单位 of sheet C
    doc = read_document(path)
    assert accounted(doc)
    assert [p.source.line for p in doc.projects] == [15, 38]
    assert {q.source.line for q in doc.quarantine} >= {53, 55, 56}


def test_indicator_row_cut_off_mid_row(tmp_path):
    lines = QINGZHOU.read_text(encoding="utf-8").split("\n")
    cut = lines[:35] + ["\t可持续影响指标\t数字化转型示范作用"]
    path = tmp_path / "cut-row.txt"
    path.write_text("\n".join(cut), encoding="utf-8")
    doc = read_document(path)
    assert accounted(doc)
    assert len(doc.projects) == 1 and len(doc.projects[0].indicators) == 10
    assert doc.line_roles[36] == "quarantined"
    assert "cut off" in doc.quarantine[-1].reason or "name" in doc.quarantine[-1].reason


# -- command line ----------------------------------------------------------------------------------------


def test_cli_report(capsys):
    assert main(["read", str(QINGZHOU)]) == 0
    out = capsys.readouterr().out
    for text in ("summary rows: 3", "department list entries: 2", "project sheets: 3", "indicators: 20",
                 "goals: 4", "milestones: 11", "quarantined lines: 1", "= 79",
                 f"{QINGZHOU}:13: summary row has 2 cells"):
        assert text in out
    assert "lines: blank 15 + heading 7 + prose 1 + header" in out


def test_cli_json(capsys):
    assert main(["read", str(QINGZHOU), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 1 and data[0]["encoding"] == "utf-8" and "lines" not in data[0]
    sheet = data[0]["projects"][0]
    assert sheet["annual_budget"] == "1200.00000" and sheet["code"] == "37078123P31000110011A"
    assert sheet["milestones"][0]["amount"] is None and data[0]["line_roles"]["1"] == "blank"


@pytest.mark.parametrize("content", [b"", b"\x00\x01binary"])
def test_cli_bad_file_exit_2_no_traceback(tmp_path, capsys, content):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert main(["read", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "Traceback" not in err and err.count("\n") == 1


def test_cli_one_bad_file_among_good(tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    assert main(["read", str(QINGZHOU), str(bad)]) == 2
    captured = capsys.readouterr()
    assert "project sheets: 3" in captured.out and "empty file" in captured.err


@pytest.mark.parametrize("cut", range(20, 943, 41))
def test_seed_cut_anywhere_is_read_or_refused_cleanly(tmp_path, cut):
    seed = Path(__file__).resolve().parents[1] / "data" / "raw" / "yantai-2022-performance-targets.txt"
    path = tmp_path / "cut.txt"
    lines = seed.read_text(encoding="utf-8").split("\n")[:cut]
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        doc = read_document(path)
    except InputError as exc:
        assert "unknown layout" in str(exc)  # only before the first table
        return
    # a blank last line is indistinguishable from a final newline
    assert doc.line_count == (cut if lines[-1] else cut - 1) and accounted(doc)
