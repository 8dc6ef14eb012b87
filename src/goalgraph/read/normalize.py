"""Normalisation of cell text: numbers, amounts (万元), months, weights from scoring text and
coded names like ``[310]青州市发展和改革局``.

Label normalisation (categories, operators, units) lives in :mod:`goalgraph.vocab`; this module only
parses numbers and codes out of free text.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from goalgraph.records import CodedName

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 2,200,000.00
_AMOUNT_SUFFIX = re.compile(r"\s*(万元|万|元)$")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def parse_number(text: str | None) -> Decimal | None:
    """A plain number as written ("1,200" → 1200, "63.6" → 63.6); None when it is not one."""
    s = re.sub(r"\s+", "", _nfkc(text or ""))
    if _GROUPED.match(s):
        s = s.replace(",", "")
    if not _NUMBER.match(s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - the regex already guards this
        return None


def squeeze(text: str | None) -> str:
    r"""NFKC with whitespace runs collapsed to one space: regexes with ``\s*`` then stay linear
    on hostile cells (a run of thousands of spaces backtracks quadratically otherwise)."""
    return _SPACES.sub(" ", _nfkc(text or "")).strip()


_SPACES = re.compile(r"\s+")


def parse_amount(text: str | None) -> Decimal | None:
    """A money amount in 万元: the number with a trailing 万元/万 stripped ("2384.2万元" → 2384.2).

    A trailing bare 元 is not stripped (it would change the magnitude); such a cell is no amount.
    """
    s = squeeze(text)
    m = _AMOUNT_SUFFIX.search(s)
    if m and m.group(1) in ("万元", "万"):
        s = s[: m.start()]
    return parse_number(s)


def split_value_unit(text: str) -> tuple[Decimal | None, str]:
    """A value cell that carries its unit ("95%", "800万元") → (number, unit text); ("", "") otherwise."""
    m = re.match(r"^\s*([+-]?[\d,]*\.?\d+)\s*(\S.*)?$", _nfkc(text))
    if not m:
        return None, ""
    return parse_number(m.group(1)), (m.group(2) or "").strip()


_MONTH = re.compile(r"^(\d{1,2})\s*月\s*(底|末)?$")


def parse_month(text: str | None) -> int | None:
    """The month of a spending-plan column label ("3月底", "3 月底") or None."""
    m = _MONTH.match(_nfkc(text or ""))
    if not m:
        return None
    month = int(m.group(1))
    return month if 1 <= month <= 12 else None


# Weights (分值) from 评（扣）分标准. Order matters: a leading number first ("20分", "10，开行…",
# bare "10", "满分4分", "共计7分", "总分10分"), then a "满分 N 分" anywhere ("…满分 5 分。").
_LEADING_WEIGHT = re.compile(
    r"^(?:满分|共计|总分|分值|计)?\s*[:：]?\s*(\d+(?:\.\d+)?)\s*(?:分(?!之)|[，,。;；、\s]|$)"
)
_ANY_FULL_MARKS = re.compile(r"(?:满分|总分|共计)\s*[:：]?\s*(\d+(?:\.\d+)?)\s*分")


def parse_weight(scoring: str | None) -> Decimal | None:
    """Points an indicator is worth, parsed from its scoring text; None when it states none."""
    s = squeeze(scoring)
    if not s:
        return None
    m = _LEADING_WEIGHT.match(s) or _ANY_FULL_MARKS.search(s)
    return Decimal(m.group(1)) if m else None


_CODED = re.compile(r"^[\[［【]\s*([0-9A-Za-z]+)\s*[\]］】]\s*(.*)$", re.S)
_BARE_CODED = re.compile(r"^(\d{3,6})\s+(\S.*)$", re.S)  # "340 某市大数据局" (brackets lost)


def parse_coded_name(text: str | None) -> CodedName:
    """``[310]青州市发展和改革局`` → code "310", name "青州市发展和改革局"; a plain name keeps
    code None."""
    raw = (text or "").strip()
    m = _CODED.match(raw) or _BARE_CODED.match(raw)
    if m:
        return CodedName(raw=raw, code=m.group(1), name=m.group(2).strip())
    return CodedName(raw=raw, code=None, name=raw)


# A project code (项目编码): digits first (division code + year), then letters/digits, at least 15
# characters; brackets optional, the name may follow after a space or nothing at all.
_PROJECT_CODE = re.compile(
    r"^[\[［【(（]?\s*(\d{6}[0-9A-Za-z]{9,})\s*[\]］】)）]?\s*(.*)$", re.S
)


def parse_project_code(text: str | None) -> tuple[str | None, str]:
    """``[37078123P31000110011A]名称`` / ``37078123P52000210005 名称`` → (code, name)."""
    raw = (text or "").strip()
    m = _PROJECT_CODE.match(raw)
    if not m:
        return None, raw
    return m.group(1).upper(), m.group(2).strip()


def year_from_project_code(code: str | None) -> int | None:
    """Budget year from digits 7–8 of a project code (``37078123P…`` → 2023)."""
    if code and len(code) >= 8 and code[6:8].isdigit():
        return 2000 + int(code[6:8])
    return None


_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def strip_markup(text: str) -> list[str]:
    """Split HTML paragraphs (``<p>…</p>``) into plain pieces; text without markup is one piece."""
    parts = _HTML_TAG.split(text or "")
    return [p.strip() for p in parts if p.strip()]


def has_markup(text: str) -> bool:
    return bool(_HTML_TAG.search(text or ""))
