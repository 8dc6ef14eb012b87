"""Synthetic documents: deterministic, in the seed's layout, with ground truth the reader must meet."""

import json

import pytest

from goalgraph.synth import DEFECT_RATES, write_corpus


def test_same_seed_same_bytes(tmp_path):
    a = write_corpus(tmp_path / "a", governments=3, projects_per_gov=4, seed=7)
    b = write_corpus(tmp_path / "b", governments=3, projects_per_gov=4, seed=7)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_other_seed_other_documents(tmp_path):
    a = write_corpus(tmp_path / "a", governments=1, projects_per_gov=4, seed=1)
    b = write_corpus(tmp_path / "b", governments=1, projects_per_gov=4, seed=2)
    assert a[0].read_bytes() != b[0].read_bytes()


def test_truth_sidecar_matches_layout(tmp_path):
    [path] = write_corpus(tmp_path, governments=1, projects_per_gov=5, seed=3)
    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").splitlines()
    headings = [l for l in lines if l.endswith("年度目标（2022）")]
    assert len(headings) == truth["summary_rows"] == len(truth["projects"]) == 5
    for project in truth["projects"]:
        assert any(project["code"] in l for l in lines)
    header = lines.index("序号\t部门名称\t项目名称\t项目预算 (万元)")
    assert all(lines[header + k].startswith(f"{k}\t") for k in range(1, 6))


def test_rates_are_probabilities():
    assert all(0 < rate < 1 for rate in DEFECT_RATES.values())


@pytest.mark.parametrize("seed", [0, 11])
def test_reader_meets_ground_truth(tmp_path, seed):
    from goalgraph import read

    paths = write_corpus(tmp_path, governments=2, projects_per_gov=6, seed=seed)
    for path in paths:
        truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
        doc = read.read_document(path)
        assert len(doc.summary) == truth["summary_rows"]
        assert [p.code for p in doc.projects] == [p["code"] for p in truth["projects"]]
        assert [len(p.indicators) for p in doc.projects] == [p["indicators"] for p in truth["projects"]]
        assert [str(p.annual_budget) for p in doc.projects] == [p["annual_budget"] for p in truth["projects"]]
        assert [p.unit.code for p in doc.projects] == [p["unit_code"] for p in truth["projects"]]
        assert [p.department.code for p in doc.projects] == [p["department_code"] for p in truth["projects"]]
        assert sum(len(t.activities) for t in doc.departments) == truth["activities"]
        assert not doc.quarantine


def test_governments_never_share_a_division(tmp_path):
    """184 draws from ~1,100 province+city codes collide (birthday); each government still gets its own."""
    import json

    from goalgraph.synth import write_corpus

    paths = write_corpus(tmp_path, governments=184, projects_per_gov=1, seed=0)
    divisions = [json.loads(p.with_suffix(".truth.json").read_text(encoding="utf-8"))["division"] for p in paths]
    assert len(set(divisions)) == len(divisions) == 184
    assert any(not d.endswith("00") for d in divisions)  # the collision path was taken
