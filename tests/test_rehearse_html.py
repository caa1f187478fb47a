"""``qbsync rehearse --html FILE``: one self-contained, well-formed page holding the numbers
``--json`` gives for the same seed, the plots inline, text from data escaped, and a path
that cannot be written refused before anything is written."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import io
import json
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from syncengine.cli import main
from syncengine.rehearsal.htmlreport import SUMMARY, render
from syncengine.rehearsal.rehearse import Rehearsal, rehearse

BUSY = Path(__file__).parent.parent / "scenarios" / "faults" / "busy-office.yaml"
ARGV = ["rehearse", "--generate", "200", "--seed", "1", "--faults", str(BUSY)]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def page_and_json(tmp_path_factory) -> tuple[str, dict]:
    """The busy-office rehearsal of 200 records written as HTML, and the same seed's --json
    from a run of its own."""
    path = tmp_path_factory.mktemp("html") / "report.html"
    assert main([*ARGV, "--html", str(path)]) == 0
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main([*ARGV, "--json"]) == 0
    return path.read_text(encoding="utf-8"), json.loads(printed.getvalue())


def test_the_page_is_well_formed_and_self_contained(page_and_json):
    """A strict XML parser reads the page (every tag closed) and nothing is fetched from
    outside: no script, stylesheet link or http(s) address."""
    text, _ = page_and_json
    lxml.etree.fromstring(text.split("\n", 1)[1].encode("utf-8"))  # after the DOCTYPE
    doc = lxml.html.document_fromstring(text)
    assert doc.xpath("//script|//link|//iframe") == []
    assert not [s for s in doc.xpath("//@src|//@href") if not s.startswith("data:")]


def test_the_summary_holds_the_json_numbers(page_and_json):
    """Records, synced, failed, waiting, duplicates, lost, jobs and requests are --json's."""
    text, data = page_and_json
    doc = lxml.html.document_fromstring(text)
    cells = doc.xpath("//td[@data-field]")
    shown = {td.get("data-field"): int(td.get("data-value")) for td in cells}
    assert [td.text_content() for td in cells] == [f"{n:,}" for n in shown.values()]
    assert list(shown) == list(SUMMARY)
    assert shown == {
        "records": data["records"],
        "synced": data["synced"],
        "failed": data["failed"],
        "waiting": data["waiting"],
        "duplicates": data["duplicates_in_quickbooks"],
        "lost": data["lost_in_quickbooks"],
        "jobs": data["jobs"],
        "requests": data["transport"]["requests"],
    }
    assert shown["failed"] > 0 and shown["requests"] > 0  # a run with findings to show


def test_errors_by_code_carry_counts_and_the_guides_fix(page_and_json):
    """Each code of --json's errors_by_code is a row with its count, still failing, and fix."""
    text, data = page_and_json
    doc = lxml.html.document_fromstring(text)
    rows = {row.get("data-code"): row.xpath("td") for row in doc.xpath("//tr[@data-code]")}
    assert list(rows) == list(data["errors_by_code"])
    for code, cells in rows.items():
        assert int(cells[1].text_content()) == data["errors_by_code"][code]
        assert int(cells[2].text_content()) == data["failed_by_code"].get(code, 0)
    assert "Name already in use (qbsync guide 3100)" in rows["3100"][4].text_content()
    assert rows["3100"][4].xpath("ol/li"), "the guide's steps are listed"


def test_fault_firings_and_the_estimate_are_shown(page_and_json):
    """Every planned fault with its outcome, and the estimate on real QuickBooks."""
    text, data = page_and_json
    doc = lxml.html.document_fromstring(text)
    items = [li.text_content() for li in doc.xpath("//ul[@id='faults']/li")]
    assert len(items) == len(data["faults_planned"])
    for item, fault in zip(items, data["faults_planned"], strict=True):
        assert item.startswith(f"{fault['label']} ({fault['effect']})")
        if fault["why_not"] is None:
            assert f"fired {fault['fired']} time(s)" in item
    duration = doc.xpath("//p[@id='duration']")[0].text_content()
    assert f"About {data['estimated_duration']} on real QuickBooks" in duration


def test_the_plots_are_embedded_as_one_png(page_and_json):
    """The three plots are one inline PNG image (a data: URI that decodes to a PNG)."""
    text, _ = page_and_json
    doc = lxml.html.document_fromstring(text)
    sources = doc.xpath("//img/@src")
    assert len(sources) == 1 and sources[0].startswith("data:image/png;base64,")
    assert base64.b64decode(sources[0].split(",", 1)[1]).startswith(PNG)


def test_text_from_data_is_escaped():
    """A record name holding ``<b>`` and ``&`` in an error message shows as text, not markup.
    (The generator makes no such names, so the report of a real run is given one.)"""
    report = rehearse(Rehearsal(records=30, seed=1, faults=BUSY), ":memory:")
    named = 'The name "Smith <b>&</b> Sons" of the list element is already in use.'
    report = dataclasses.replace(report, error_examples={"3100": named}, errors_by_code={"3100": 1})
    text = render(report)
    assert "Smith &lt;b&gt;&amp;&lt;/b&gt; Sons" in text and "<b>" not in text
    doc = lxml.html.document_fromstring(text)
    assert doc.xpath("//b") == []
    assert named in doc.xpath("//tr[@data-code='3100']/td")[3].text_content()


def test_a_fault_label_with_markup_is_escaped_end_to_end(tmp_path):
    """A fault plan's label is data too: through the CLI it reaches the page escaped."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "faults:\n  - label: '<b>net</b> & co'\n    effect: lose_response\n"
        "    when: {request_type: '*AddRq', probability: 1.0, times: 1}\n",
        encoding="utf-8",
    )
    path = tmp_path / "report.html"
    assert main(["rehearse", "--generate", "10", "--faults", str(plan), "--html", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert "&lt;b&gt;net&lt;/b&gt; &amp; co (lose_response)" in text and "<b>" not in text


@pytest.mark.parametrize("where", ["missing/report.html", "folder"])
def test_a_path_that_cannot_be_written_is_refused_before_the_rehearsal(tmp_path, capsys, where):
    """A file in a missing folder, or a folder itself: exit 2 naming the path, nothing
    written and no rehearsal output on stdout."""
    (tmp_path / "folder").mkdir()
    path = tmp_path / where
    before = sorted(tmp_path.rglob("*"))
    assert main(["rehearse", "--generate", "5", "--html", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and str(path) in err and "HTML report" in err
    assert sorted(tmp_path.rglob("*")) == before


def test_the_json_refusal_names_the_path(tmp_path, capsys):
    """With --json the refusal is the JSON object, naming the path."""
    path = tmp_path / "nope" / "r.html"
    assert main(["rehearse", "--generate", "5", "--json", "--html", str(path)]) == 2
    refusal = json.loads(capsys.readouterr().out)
    assert refusal["exit"] == 2 and str(path) in refusal["error"]
