"""Fuzz targets of the citation/文号 parser (``goalgraph.citations``): pure functions, so *any*
exception is a bug, and every citation must point at a real span of its input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalgraph import citations as C

from fuzzkit import Budget, examples, fuzz_for, fuzzing, save_crash

ALPHABET = ("〔〕[]［］【】（）()《》〈〉<>{}﹝﹞〘〙“”\"'，,。.;；、：: \t-－—–/第号令条款项年"
            "0123456789〇零一二三四五六七八九十百千两"
            "烟台市人民政府财政局办公室发字预社鲁政办国务院部委员会转发和根据关于印发管理办法的通知实施方案标准"
            "GBTDBJHZ项目编号采购招标SDGP")
TEXTS = st.one_of(
    st.text(st.sampled_from(ALPHABET), max_size=80),
    st.text(max_size=60),  # any Unicode, surrogates excluded by hypothesis' default
)


def _check(text: str) -> None:
    try:
        basis = C.parse_basis(text)
        found = C.find_citations(text)
        number = C.parse_doc_number(text)
        if number is not None:
            assert number.canonical
            C.jurisdiction(number.issuer_code)
        for c in list(found) + list(basis.citations):
            assert 0 <= c.start <= c.end <= len(text), (c.start, c.end, len(text))
            assert c.kind
        registry = C.DocumentRegistry()
        for c in found:
            registry.add(c, "fuzz")
        registry.resolve()
    except BaseException:
        save_crash("citations", text, "txt")
        raise


@settings(max_examples=examples(200), deadline=None)
@given(text=TEXTS)
def test_citation_parser_never_crashes(text):
    if Budget.expired("citations"):
        return
    _check(text)


@settings(max_examples=examples(100), deadline=None)
@given(issuer=st.text(st.sampled_from(ALPHABET), min_size=0, max_size=12),
       lb=st.sampled_from("〔[［【（(《﹝〘{"), year=st.integers(1890, 2099), rb=st.sampled_from("〕]］】）)》﹞〙}"),
       di=st.sampled_from(["", "第"]), serial=st.integers(0, 10 ** 6), hao=st.sampled_from(["号", " 号", ""]),
       before=st.text(st.sampled_from(ALPHABET), max_size=20), after=st.text(st.sampled_from(ALPHABET), max_size=20))
def test_doc_number_shapes_never_crash(issuer, lb, year, rb, di, serial, hao, before, after):
    if Budget.expired("doc_numbers"):
        return
    _check(f"{before}{issuer}{lb}{year}{rb}{di}{serial}{hao}{after}")


@pytest.mark.skipif(not fuzzing(), reason="long random fuzzing runs only with --hypothesis-profile=fuzz (make fuzz)")
@pytest.mark.parametrize("target", [test_citation_parser_never_crashes, test_doc_number_shapes_never_crash], ids=lambda t: t.__name__)
def test_timed_fuzz(target):
    """FUZZ_SECONDS (default 60) of random inputs per target."""
    assert fuzz_for(target) > 0
