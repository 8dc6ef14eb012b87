"""Reading PDF, Excel and CSV into the same records as the text extraction (issue #9).

The fixture document (tests/fixtures/formats/laihe-2023.json) is data: headings and tables with
merge markers. Each test renders it at test time as tab-separated text, as a PDF (reportlab, the
built-in CID font STSong-Light, ruled tables with SPAN) and as workbooks (openpyxl, merged ranges,
number formats), then reads every rendering and compares the records apart from provenance.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from goalgraph.errors import InputError
from goalgraph.read import formats, read_document, text
from goalgraph.records import SourceRef

pdfplumber = pytest.importorskip("pdfplumber")
openpyxl = pytest.importorskip("openpyxl")
reportlab = pytest.importorskip("reportlab")

FIXTURE = Path(__file__).parent / "fixtures" / "formats" / "laihe-2023.json"
LEFT, UP = "@L", "@U"  # covered by a merged cell to the left / above


def fixture() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def shown(cell: str) -> str:
    return "" if cell in (LEFT, UP) else cell


# ------------------------------------------------------------------------------------------------
# renderers: data → text, PDF, xlsx, CSV


def render_text(blocks: list[dict]) -> str:
    parts = []
    for b in blocks:
        if "text" in b:
            parts.append(b["text"])
        else:
            parts.append("\n".join("\t".join(shown(c) for c in row) for row in b["table"]))
    return "\n\n".join(parts) + "\n"


def spans(table: list[list[str]]) -> list[tuple[int, int, int, int]]:
    """(row, col, last_row, last_col) of every merged cell, from the @L/@U markers."""
    out = []
    for r, row in enumerate(table):
        for c, cell in enumerate(row):
            if cell in (LEFT, UP):
                continue
            c2 = c
            while c2 + 1 < len(row) and row[c2 + 1] == LEFT:
                c2 += 1
            r2 = r
            while r2 + 1 < len(table) and c < len(table[r2 + 1]) and table[r2 + 1][c] == UP:
                r2 += 1
            if (r2, c2) != (r, c):
                out.append((r, c, r2, c2))
    return out


def _col_widths(table: list[list[str]], total: float) -> list[float]:
    n = max(len(r) for r in table)
    weight = [4.0] * n
    for row in table:
        for c, cell in enumerate(row):
            if cell not in (LEFT, UP) and c + 1 < len(row) and row[c + 1] == LEFT:
                continue  # merged cells do not widen a column
            weight[c] = max(weight[c], min(len(shown(cell)), 16))
    scale = total / sum(weight)
    return [w * scale for w in weight]


def render_pdf(blocks: list[dict], path: Path, repeat_rows: int = 0, page_break_before: str | None = None,
               page_numbers: bool = False, valign: str = "TOP") -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9, wordWrap="CJK")
    head = ParagraphStyle("head", fontName="STSong-Light", fontSize=11, leading=14, wordWrap="CJK")
    size = landscape(A4)
    doc = SimpleDocTemplate(str(path), pagesize=size, leftMargin=30, rightMargin=30, topMargin=30,
                            bottomMargin=30)
    story = []
    for b in blocks:
        if "text" in b:
            if page_break_before and b["text"] == page_break_before:
                story.append(PageBreak())
            story += [Paragraph(escape(b["text"]), head), Spacer(1, 6)]
            continue
        table = b["table"]
        data = [[Paragraph(escape(shown(c)), cell) if shown(c) else "" for c in row] for row in table]
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), valign)]
        style += [("SPAN", (c, r), (c2, r2)) for r, c, r2, c2 in spans(table)]
        t = Table(data, colWidths=_col_widths(table, size[0] - 60), repeatRows=repeat_rows)
        t.setStyle(TableStyle(style))
        story += [t, Spacer(1, 10)]
    def number(canvas, document):
        if page_numbers:
            canvas.setFont("STSong-Light", 9)
            canvas.drawCentredString(size[0] / 2, 15, f"- {document.page} -")

    doc.build(story, onFirstPage=number, onLaterPages=number)
    return path


def _excel_value(cell: str, numbers: dict):
    if cell in numbers:
        fmt, value = numbers[cell]
        return value, fmt
    return cell, None


def render_xlsx(blocks: list[dict], numbers: dict, path: Path, per_sheet: bool) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheets: dict[str, list] = {}
    for b in blocks:
        sheets.setdefault(b["sheet"] if per_sheet else "绩效目标", []).append(b)
    for name, sheet_blocks in sheets.items():
        ws = wb.create_sheet(name)
        r = 1
        for b in sheet_blocks:
            if "text" in b:
                ws.cell(r, 1, b["text"])
                r += 2
                continue
            table = b["table"]
            for i, row in enumerate(table):
                for c, cell in enumerate(row):
                    if shown(cell):
                        value, fmt = _excel_value(cell, numbers)
                        xc = ws.cell(r + i, c + 1, value)
                        if fmt:
                            xc.number_format = fmt
            for r1, c1, r2, c2 in spans(table):
                ws.merge_cells(start_row=r + r1, start_column=c1 + 1, end_row=r + r2, end_column=c2 + 1)
            r += len(table) + 1
    wb.save(path)
    return path


def render_csv(blocks: list[dict], path: Path, encoding: str, delimiter: str) -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        for i, b in enumerate(blocks):
            if i:
                w.writerow([])
            rows = [[b["text"]]] if "text" in b else [[shown(c) for c in row] for row in b["table"]]
            w.writerows(rows)
    return path


# ------------------------------------------------------------------------------------------------
# reading through load_any (read_document does not dispatch on format yet)


def read_any(path: Path, monkeypatch=None):
    """read_document dispatches on content through formats.load_any; the source is returned for its locators."""
    return read_document(path), formats.load_any(path)


def _blank_sources(obj):
    if isinstance(obj, dict):
        return {k: (None if k == "source" else _blank_sources(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_blank_sources(v) for v in obj]
    return obj


def records(doc) -> dict:
    d = dataclasses.asdict(doc)
    for key in ("path", "sha256", "encoding", "line_count", "line_roles", "lines"):
        d.pop(key)
    return _blank_sources(d)


def all_refs(doc) -> list[SourceRef]:
    refs = []

    def walk(obj):
        if isinstance(obj, SourceRef):
            refs.append(obj)
        elif isinstance(obj, list):
            for x in obj:
                walk(x)
        elif dataclasses.is_dataclass(obj):
            for f in dataclasses.fields(obj):
                walk(getattr(obj, f.name))

    walk([doc.summary, doc.department_list, doc.projects, doc.departments, doc.quarantine])
    return refs


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    data = fixture()
    blocks, numbers = data["blocks"], data["numbers"]
    d = tmp_path_factory.mktemp("formats")
    txt = d / "laihe-2023.txt"
    txt.write_text(render_text(blocks), encoding="utf-8")
    return {
        "text": txt,
        "pdf": render_pdf(blocks, d / "laihe-2023.pdf"),
        "pdf-paged": render_pdf(blocks, d / "laihe-2023-paged.pdf", page_break_before="校园安全提升工程年度目标（2023）",
                                valign="MIDDLE"),  # merged cells' text centred, as in most PDFs
        "xlsx-one-sheet": render_xlsx(blocks, numbers, d / "laihe-2023-one.xlsx", per_sheet=False),
        "xlsx-per-sheet": render_xlsx(blocks, numbers, d / "laihe-2023-sheets.xlsx", per_sheet=True),
        "csv-gb18030": render_csv(blocks, d / "laihe-2023.csv", "gb18030", ","),
        "csv-utf8sig-tab": render_csv(blocks, d / "laihe-2023-tab.csv", "utf-8-sig", "\t"),
    }


# ------------------------------------------------------------------------------------------------
# the key acceptance test: one document, every format, the same records


def test_text_rendering_reads_cleanly(rendered, monkeypatch):
    doc, src = read_any(rendered["text"], monkeypatch)
    assert src.format == "text" and src.locators is None
    assert not doc.quarantine, doc.quarantine
    assert [s.project_name for s in doc.summary] == ["城乡供水保障", "校园安全提升工程"]
    assert [len(p.indicators) for p in doc.projects] == [6, 6]
    assert [len(p.goals) for p in doc.projects] == [1, 2]
    assert doc.projects[0].indicators[4].operator == "qualitative"
    assert doc.projects[0].indicators[4].qualitative_target == "有效"
    assert doc.projects[0].indicators[3].value_raw == "2,200,000.00"
    assert [m.amount_raw for m in doc.projects[1].milestones] == ["0", "400", "900", "1200.00"]
    assert [e.name for e in doc.department_list] == ["莱河市水利局"]
    assert len(doc.departments) == 1 and len(doc.departments[0].activities) == 3


@pytest.mark.parametrize("fmt", ["pdf", "pdf-paged", "xlsx-one-sheet", "xlsx-per-sheet",
                                 "csv-gb18030", "csv-utf8sig-tab"])
def test_same_records_as_text(rendered, monkeypatch, fmt):
    expected, _ = read_any(rendered["text"], monkeypatch)
    doc, src = read_any(rendered[fmt], monkeypatch)
    assert src.format == fmt.split("-")[0]
    assert records(doc) == records(expected)


def test_pdf_cells_come_back_whole_and_in_their_columns(rendered):
    """No tabs inside words, no shifted columns: every table row equals the data row."""
    blocks = fixture()["blocks"]
    want = [[shown(c) for c in row] for b in blocks if "table" in b for row in b["table"]]
    src = formats.load_any(rendered["pdf"])
    got = [line.split("\t") for line in src.lines if "\t" in line]
    assert got == want
    with pdfplumber.open(rendered["pdf"]) as pdf:  # cells the PDF wraps over several lines …
        wrapped = [c for page in pdf.pages for t in page.find_tables() for row in t.extract()
                   for c in row if c and "\n" in c]
    assert len(wrapped) >= 10
    for cell in wrapped:  # … come back joined, in their column
        assert any(cell.replace("\n", "") in row for row in got)
    headings = [line for line in src.lines if "\t" not in line and line]
    assert headings == [b["text"] for b in blocks if "text" in b]


def test_pdf_provenance_names_page_and_row(rendered, monkeypatch):
    doc, _ = read_any(rendered["pdf-paged"], monkeypatch)
    refs = all_refs(doc)
    assert refs and all(r.locator for r in refs)
    assert doc.summary[0].source.locator == "p1 r2"
    sheet2 = doc.projects[1]
    assert sheet2.source.locator.startswith("p2 l1–")  # heading on page 2 … last row
    assert sheet2.indicators[0].source.locator.startswith("p2 r")
    assert str(sheet2.indicators[0].source).startswith(str(rendered["pdf-paged"]) + ":p2 r")


def test_excel_provenance_names_sheet_and_range(rendered, monkeypatch):
    doc, _ = read_any(rendered["xlsx-per-sheet"], monkeypatch)
    assert all(r.locator for r in all_refs(doc))
    assert doc.summary[0].source.locator == "汇总!A8:D8"
    ind = doc.projects[0].indicators[0]
    assert ind.source.locator == "城乡供水保障!A11:J11"  # the whole indicator row, columns A…J
    assert doc.projects[0].source.locator == "城乡供水保障!A1:J16"  # heading … last row
    assert doc.departments[0].activities[0].source.locator.startswith("部门!A")
    one, _ = read_any(rendered["xlsx-one-sheet"], monkeypatch)
    assert one.summary[0].source.locator == "绩效目标!A8:D8"


def test_csv_provenance_names_record(rendered, monkeypatch):
    doc, src = read_any(rendered["csv-gb18030"], monkeypatch)
    assert src.encoding == "gb18030"
    assert doc.summary[0].source.locator == "r8"


# ------------------------------------------------------------------------------------------------
# PDF: a table split over pages with the header repeated


def _long_summary(n: int) -> list[dict]:
    rows = [["序号", "部门名称", "项目名称", "项目预算（万元）"]]
    rows += [[str(i), f"莱河市第{i}局", f"测试项目{i}号（含设备购置及运行维护）", str(100 + i)] for i in range(1, n + 1)]
    return [{"text": "2023 年预算项目支出绩效目标情况说明"}, {"text": "2023 年市级报人大项目绩效目标"},
            {"table": rows}]


def _long_department_table(n: int) -> list[dict]:
    rows = [r for b in fixture()["blocks"] if "table" in b and b["table"][0][0] == "序号"
            and len(b["table"][0]) > 4 for r in b["table"][:2]]
    for i in range(1, n + 1):
        duty = f"{(i - 1) // 4 + 1:02d}"
        head = ["301", "莱河市水利局", duty, f"职责{duty}", "职责描述", "职责目标"] if i % 4 == 1 else [""] * 6
        rows.append([str(i)] + head + [f"{duty}{i:02d}", f"活动{i}", "活动描述", "2023", "绩效目标",
                                       f"指标{i}", "指标描述", "100%", "≥95%", "≥90%", "<90%"])
    return [{"text": "莱河市水利局部门职能职责活动列表"}, {"table": rows}]


def test_pdf_table_across_pages_is_one_table(tmp_path, monkeypatch):
    blocks = _long_summary(80)
    pdf = render_pdf(blocks, tmp_path / "long.pdf", repeat_rows=1, page_numbers=True)
    with pdfplumber.open(pdf) as p:
        assert len(p.pages) >= 3
    txt = tmp_path / "long.txt"
    txt.write_text(render_text(blocks), encoding="utf-8")
    src = formats.load_any(pdf)
    assert sum(1 for line in src.lines if line.startswith("序号\t")) == 1  # repeated headers skipped
    assert "" not in src.lines[3:-1] or src.lines.index("") < 3  # no blank line inside the table
    doc, _ = read_any(pdf, monkeypatch)
    assert [s.ordinal for s in doc.summary] == list(range(1, 81))
    assert not doc.quarantine
    assert records(doc) == records(read_any(txt, monkeypatch)[0])
    pages = {s.source.locator.split()[0] for s in doc.summary}
    assert len(pages) >= 3


# ------------------------------------------------------------------------------------------------
# detection and errors: one clear line naming the file


def _one_line_error(path: Path, *needles: str) -> str:
    with pytest.raises(InputError) as e:
        formats.load_any(path)
    msg = str(e.value)
    assert "\n" not in msg and str(path) in msg
    for needle in needles:
        assert needle in msg, msg
    return msg


def test_detect_by_content(rendered, tmp_path):
    assert formats.detect(rendered["pdf"]) == "pdf"
    assert formats.detect(rendered["xlsx-one-sheet"]) == "xlsx"
    assert formats.detect(rendered["text"]) == "text"
    assert formats.detect(rendered["csv-gb18030"]) == "csv"
    renamed = tmp_path / "download.bin"
    renamed.write_bytes(rendered["pdf"].read_bytes())
    assert formats.detect(renamed) == "pdf"
    book = tmp_path / "table.dat"
    book.write_bytes(rendered["xlsx-per-sheet"].read_bytes())
    assert formats.load_any(book).format == "xlsx"
    plain_csv = tmp_path / "export.txt"  # comma-separated, no tabs, no .csv extension
    render_csv(fixture()["blocks"], plain_csv, "utf-8", ",")
    assert formats.load_any(plain_csv).format == "csv"


def test_scanned_pdf(tmp_path):
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    img = tmp_path / "scan.png"
    Image.new("L", (200, 280), 255).save(img)
    pdf = tmp_path / "scanned.pdf"
    c = canvas.Canvas(str(pdf), pagesize=A4)
    c.drawImage(str(img), 0, 0, *A4)
    c.showPage()
    c.save()
    _one_line_error(pdf, "has no text layer (scanned?)", "ocrmypdf")
    blank = tmp_path / "blank.pdf"  # no images and no text: text drawn as outlines, or empty
    c = canvas.Canvas(str(blank), pagesize=A4)
    c.line(10, 10, 100, 100)
    c.showPage()
    c.save()
    _one_line_error(blank, "has no text layer")


def test_password_protected_pdf(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(pdf), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(100, 700, "hello")
    c.save()
    _one_line_error(pdf, "password-protected PDF")


def test_truncated_pdf(rendered, tmp_path):
    data = rendered["pdf"].read_bytes()
    bad = tmp_path / "truncated.pdf"
    bad.write_bytes(data[: len(data) // 3])
    msg = _one_line_error(bad)
    assert "corrupt" in msg or "no text" in msg


def test_not_a_pdf(tmp_path):
    bad = tmp_path / "fake.pdf"
    bad.write_bytes(b"\x00\x01\x02 garbage")
    _one_line_error(bad, "not a PDF")


def test_zip_that_is_not_a_workbook(tmp_path):
    z = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("readme.txt", "hello")
    _one_line_error(z, "not an Excel workbook")
    docx = tmp_path / "report.zip"
    with zipfile.ZipFile(docx, "w") as f:
        f.writestr("word/document.xml", "<w/>")
    _one_line_error(docx, "Word document")


def test_truncated_workbook(rendered, tmp_path):
    data = rendered["xlsx-per-sheet"].read_bytes()
    bad = tmp_path / "truncated.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    _one_line_error(bad, "corrupt")


def test_broken_workbook_xml(tmp_path):
    bad = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(bad, "w") as f:
        f.writestr("xl/workbook.xml", "<not-xml")
    _one_line_error(bad, "corrupt or unreadable Excel")


def test_empty_workbook(tmp_path):
    wb = openpyxl.Workbook()
    path = tmp_path / "empty.xlsx"
    wb.save(path)
    _one_line_error(path, "empty")


def test_encrypted_or_legacy_excel(tmp_path):
    cfb = formats.CFB_MAGIC + b"\x00" * 504
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(cfb + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64)
    _one_line_error(locked, "password-protected")
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(cfb + "Workbook".encode("utf-16-le") + b"\x00" * 64)
    _one_line_error(legacy, ".xls")


# ------------------------------------------------------------------------------------------------
# small units


@pytest.mark.parametrize("value, fmt, want", [
    (600, "0.00", "600.00"), (600.0, "General", "600"), (800, "General", "800"),
    (11046.85, "General", "11046.85"), (2200000, "#,##0.00", "2,200,000.00"), (0.95, "0%", "95%"),
    (178.545, "0.00", "178.55"), (0.1 + 0.2, "General", "0.30000000000000004"), (1e-05, "General", "0.00001"),
    (3, "0.0", "3.0"), (1234.5, '"¥"#,##0.00', "1234.5"),
])
def test_number_as_shown(value, fmt, want):
    from goalgraph.read.excel import format_number

    assert format_number(value, fmt) == want


@pytest.mark.parametrize("parts, want", [
    (["目标内容1：根据《莱河市", "城乡供水条例》要求"], "目标内容1：根据《莱河市城乡供水条例》要求"),
    (["supports the", "city budget"], "supports the city budget"),
    (["2022年12", "月底前"], "2022年12月底前"),
    (["", " a ", ""], "a"),
])
def test_join_wrapped(parts, want):
    assert formats.join_wrapped(parts) == want


def test_clean_cell_has_no_tab_or_newline():
    assert formats.clean_cell("A\tB\n C") == "A B C"
    assert formats.clean_cell(None) == ""


@pytest.mark.parametrize("first, last, want", [
    ("p3 r12", "p3 r15", "p3 r12–r15"), ("p3 r12", "p4 r2", "p3 r12–p4 r2"),
    ("S!A5:J5", "S!A9:J9", "S!A5:J9"), ("r5", "r9", "r5–r9"), ("p1 r1", "p1 r1", "p1 r1"),
    ("'项目 1'!A5:J5", "'项目 1'!A9:J9", "'项目 1'!A5:J9"),
])
def test_span_locator(first, last, want):
    assert formats.span_locator(first, last) == want


def test_pdf_department_table_across_pages_with_two_header_rows(tmp_path, monkeypatch):
    blocks = _long_department_table(60)
    pdf = render_pdf(blocks, tmp_path / "dept.pdf", repeat_rows=2, page_numbers=True)
    txt = tmp_path / "dept.txt"
    txt.write_text(render_text(blocks), encoding="utf-8")
    src = formats.load_any(pdf)
    assert sum(1 for line in src.lines if line.startswith("栏次\t")) == 1
    assert len({loc.split()[0] for loc in src.locators}) >= 2
    doc, _ = read_any(pdf, monkeypatch)
    assert len(doc.departments[0].activities) == 60
    assert records(doc) == records(read_any(txt, monkeypatch)[0])


def test_excel_skips_hidden_sheets_and_quotes_names(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目 1"
    ws["A1"], ws["B1"], ws["C1"] = "序号", "部门名称", "项目名称"
    ws["A2"], ws["B2"], ws["C2"] = 1, "莱河市水利局", "城乡\n供水保障"
    ws["D2"] = 0.5
    ws["D2"].number_format = "0.00%"
    hidden = wb.create_sheet("lookup")
    hidden["A1"] = "内部代码表"
    hidden.sheet_state = "hidden"
    path = tmp_path / "book.xlsx"
    wb.save(path)
    src = formats.load_any(path)
    assert src.lines == ["序号\t部门名称\t项目名称\t", "1\t莱河市水利局\t城乡供水保障\t50.00%"]
    assert src.locators == ["'项目 1'!A1:D1", "'项目 1'!A2:D2"]
