"""``qbsync guide``: one entry for a status code or HRESULT, or the list of entries; JSON for
scripts; exit 2 for what is no code."""

from __future__ import annotations

from syncengine.reports import guide
from tests.cli_workspace import qbsync


def test_a_status_codes_entry_is_printed(capsys):
    """``guide 3100`` prints the title, what it means and the numbered steps."""
    ran = qbsync(capsys, "guide", "3100")
    assert ran.code == 0
    assert ran.out.startswith("3100  Name already in use  (status code, Error)")
    assert "  1. Rename the record in the app and sync again." in ran.out


def test_an_hresults_entry_is_printed(capsys):
    """``guide 0x80040408`` prints the HRESULT's entry with its transport family."""
    ran = qbsync(capsys, "guide", "0x80040408")
    assert ran.out.startswith("0x80040408  QuickBooks could not be started")
    assert "QuickBooksUnavailable" in ran.out.splitlines()[0]


def test_coms_signed_decimal_names_the_same_hresult(capsys):
    """COM's signed form of 0x80040408 finds the same entry."""
    assert qbsync(capsys, "guide", "--", "-2147220472").out.startswith("0x80040408")


def test_json_gives_the_entry_as_data(capsys):
    """``--json``: key, kind, title, meaning and the steps as a list."""
    data = qbsync(capsys, "guide", "3120", "--json").json
    assert (data["key"], data["kind"]) == ("3120", "status")
    assert any("Clear ID" in step for step in data["steps"])


def test_without_a_code_every_entry_is_listed(capsys):
    """``guide --json`` lists every entry the guide has."""
    rows = qbsync(capsys, "guide", "--json").json
    assert [r["key"] for r in rows] == [e.key for e in guide.entries()]


def test_the_list_can_be_only_hresults(capsys):
    """``--kind hresult`` lists only HRESULTs."""
    rows = qbsync(capsys, "guide", "--kind", "hresult", "--json").json
    assert rows and {r["kind"] for r in rows} == {"hresult"}


def test_the_list_for_people_is_a_table(capsys):
    """The list has a header and one line per entry."""
    lines = qbsync(capsys, "guide").out.splitlines()
    assert lines[0].split() == ["key", "kind", "severity", "title"]
    assert len(lines) == 1 + len(guide.entries())


def test_a_code_without_its_own_entry_says_so(capsys):
    """4242 gets the words of its range, and the output says they are not its own."""
    assert "(no entry of its own: what its range means)" in qbsync(capsys, "guide", "4242").out


def test_a_word_is_refused_with_exit_2(capsys):
    """``guide abc``: exit 2, the reason on stderr, nothing on stdout."""
    ran = qbsync(capsys, "guide", "abc")
    assert (ran.code, ran.out) == (2, "")
    assert ran.err.startswith("qbsync guide: 'abc' is not a status code or HRESULT")


def test_an_unknown_hresult_is_refused_with_exit_2(capsys):
    """An HRESULT the guide does not know: exit 2 naming the range it knows."""
    ran = qbsync(capsys, "guide", "0x80004005")
    assert ran.code == 2 and "0x80040400-0x80040439" in ran.err
