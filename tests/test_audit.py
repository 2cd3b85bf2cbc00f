"""The audit of the notes: coverage, verdicts with evidence, and the CLI."""

import json

import pytest

from symconv.audit import ITEMS, audit, report
from symconv.cli import main


@pytest.fixture(scope="module")
def rows():
    return audit()  # its time is measured by benchmarks, not asserted here


def test_coverage(rows):
    assert len(rows) >= 30
    sections = {r["section"].split(".")[1] if r["section"].count(".") else "" for r in rows}
    assert {"1", "2", "3"} <= {s.split(".")[0] for s in (r["section"][2:] for r in rows) if s}
    assert sections
    for prefix in ("6.1", "6.2", "6.3"):
        assert sum(r["section"].startswith(prefix) for r in rows) >= 8


def test_every_row_has_the_fields(rows):
    for r in rows:
        assert {"section", "title", "verdict", "counterexample", "correction"} <= set(r)
        assert r["verdict"] in ("holds", "fails", "imprecise")
        assert r["evidence"]


def test_fails_carry_confirmed_counterexamples_and_proved_corrections(rows):
    fails = [r for r in rows if r["verdict"] == "fails"]
    assert len(fails) >= 3
    for r in fails:
        assert r["counterexample"] is not None and r["correction"]
        assert r["confirmed_by"] == {"numpy": "ok", "torch": "ok"} or r["confirmed_by"] == {
            "torch": "ok",
            "numpy": "ok",
        }
        assert "proved" in r["correction"]


def test_known_findings(rows):
    by_title = {r["title"]: r for r in rows}
    assert by_title["bias gradient"]["verdict"] == "fails"
    assert by_title["regularised update"]["verdict"] == "fails"
    assert by_title["multi-output formula"]["verdict"] == "fails"
    assert by_title["output shape with padding"]["kind"] == "typo"  # k_2 for k_w: a typo, not a failure
    assert by_title["wide cross-correlation commutes"]["verdict"] == "imprecise"
    assert by_title["corr2d example"]["verdict"] == "holds"


def test_items_are_in_the_notes_order():
    keys = [tuple(int(x) for x in item.section.split(".")) for item in ITEMS]
    assert keys == sorted(keys)


def test_markdown_report(rows):
    md = report(rows, "md")
    assert md.startswith("# Audit of the CNN chapter") and md.count("\n| 6.") == len(rows)


def test_cli_json(capsys):
    assert main(["audit", "--json", "-q"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == len(ITEMS)


def test_bad_arguments_name_the_parameter():
    from symconv.errors import ParameterError

    with pytest.raises(ParameterError, match=r"audit: sections: got \('7\.1',\); expected sections of the notes: 6\.0"):
        audit(sections=("7.1",))
    with pytest.raises(ParameterError, match=r"report: fmt: got 'html'; expected 'text', 'md' or 'tex'"):
        report([], "html")
