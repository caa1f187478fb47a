"""The status-code guide: an entry for every status code and HRESULT qbsim can produce and for
every QBXMLRP2 HRESULT, the codes read as people write them, and the entry on every error the
sync job records."""

from __future__ import annotations

import argparse
import ast
import inspect
import re
from pathlib import Path

import pytest

import qbsim
from qbsim import faults, hresults
from qbsim import status as qbsim_status
from qbsim.host.effects import in_use_status
from syncengine.cli import build_parser
from syncengine.reports import guide
from syncengine.reports.explain import ENGINE, explain
from syncengine.reports.guide import GuideError
from syncengine.transports.hresults import HRESULT_FAMILIES
from tests.sync_world import World

QBSIM = Path(qbsim.__file__).parent
TSV = Path(__file__).resolve().parents[2] / "shared" / "reference" / "qbxmlrp2-hresults.tsv"
WRITERS = {"StatusError", "_status_only"}


def _constructor_codes() -> set[int]:
    """The code of every StatusError constructor in qbsim.status, called with placeholders."""
    codes = set()
    for name, function in inspect.getmembers(qbsim_status, inspect.isfunction):
        signature = inspect.signature(function)
        if name.startswith("_") or signature.return_annotation != "StatusError":
            continue
        required = [p for p in signature.parameters.values() if p.default is p.empty]
        codes.add(function(*["x"] * len(required)).code)
    return codes | {in_use_status(code, "Customer", "x").code for code in faults.IN_USE_CODES}


def _literal_codes(tree: ast.AST) -> set[int]:
    """Codes written as literals in qbsim's source: StatusError(3100, ...), status-only answers,
    ``messageSetStatusCode = "9002"``, ``outcome.code, ... = 1, ...``."""
    codes: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) in WRITERS:
            codes |= {a.value for a in node.args if _is_int(a)}
        elif isinstance(node, ast.Assign):
            codes |= _assigned_codes(node)
    return codes


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _is_int(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int


def _assigned_codes(node: ast.Assign) -> set[int]:
    codes = set()
    for target in node.targets:
        key = target.slice if isinstance(target, ast.Subscript) else None
        if isinstance(key, ast.Constant) and key.value == "messageSetStatusCode":
            codes.add(int(node.value.value))  # type: ignore[attr-defined]
        if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
            pairs = zip(target.elts, node.value.elts, strict=False)
            codes |= {v.value for t, v in pairs if getattr(t, "attr", "") == "code" and _is_int(v)}
    return codes


def _scanned_codes() -> set[int]:
    codes: set[int] = set()
    for path in QBSIM.rglob("*.py"):
        codes |= _literal_codes(ast.parse(path.read_text(encoding="utf-8")))
    return codes


def _qbsim_codes() -> set[int]:
    """Every status code qbsim can answer with, from its own table and its own source."""
    listed = set(qbsim_status.codes()) | set(qbsim_status.SEVERITY_BY_CODE)
    return listed | _constructor_codes() | _scanned_codes()


def _tsv_hresults() -> list[int]:
    if not TSV.exists():
        pytest.skip("shared/reference/qbxmlrp2-hresults.tsv not beside the checkout")
    rows = TSV.read_text(encoding="utf-8").splitlines()
    return [int(row.split("\t")[0], 16) for row in rows if row.startswith("0x")]


def test_qbsim_lists_every_status_code_it_writes():
    """qbsim.status.codes() names every code its constructors and its wire layer produce."""
    missing = (_constructor_codes() | _scanned_codes()) - set(qbsim_status.codes())
    assert not missing, f"qbsim answers with codes its table does not list: {sorted(missing)}"


def test_the_derivation_finds_the_wire_layers_codes():
    """The source scan sees the codes qbsim's wire layer writes without a constructor."""
    assert {1, 3231, 600, 9001, 9002, 9004} <= _scanned_codes()


def test_every_status_code_qbsim_produces_has_its_own_entry():
    """No status code qbsim can answer with falls back to a range's words."""
    missing = sorted(code for code in _qbsim_codes() if not guide.has_entry(code))
    assert not missing, f"status codes without a guide entry: {missing}"


def test_every_hresult_qbsim_raises_has_its_own_entry():
    """Every HRESULT of qbsim.hresults.known() has an entry written for it."""
    missing = [f"0x{code:08X}" for code in hresults.known() if not guide.entry(code).exact]
    assert not missing, f"HRESULTs qbsim raises without an entry of their own: {missing}"


def test_every_qbxmlrp2_hresult_has_an_entry():
    """Every HRESULT of QBXMLRP2's string table has an entry, own or its family's."""
    missing = [f"0x{code:08X}" for code in _tsv_hresults() if not guide.has_entry(code)]
    assert not missing, f"QBXMLRP2 HRESULTs without a guide entry: {missing}"


def test_hresult_entries_name_the_transport_family():
    """An HRESULT's entry names the typed error the transports raise for it."""
    for code in _tsv_hresults():
        assert guide.entry(code).family == HRESULT_FAMILIES[code][0].__name__


def test_a_family_entry_gives_the_transport_advice():
    """An HRESULT without words of its own gets its family's meaning and advice."""
    entry = guide.entry("0x8004042D")
    assert not entry.exact and entry.steps == (HRESULT_FAMILIES[0x8004042D][1],)


def test_every_entry_has_a_title_meaning_and_steps():
    """Each entry says what the code is, what it means and at least one step."""
    for entry in guide.entries():
        assert entry.title and entry.meaning and entry.steps, entry.key


def test_the_entry_says_quickbooks_own_words_where_known():
    """3100's entry quotes QuickBooks' message pattern."""
    assert guide.entry(3100).says == 'The name "{name}" of the list element is already in use.'


@pytest.mark.parametrize("text", ["0x80040408", "80040408", "-2147220472", "0X80040408"])
def test_an_hresult_is_read_as_people_write_it(text):
    """Hex with or without 0x, and COM's signed decimal, name the same HRESULT."""
    assert guide.entry(text).key == "0x80040408"


def test_a_status_code_is_read_from_text():
    """``"3100"`` is status code 3100."""
    assert guide.entry("3100").code == 3100


def test_text_that_is_no_code_is_refused():
    """A word is not a code: GuideError says what to give."""
    with pytest.raises(GuideError, match="'abc' is not a status code or HRESULT"):
        guide.entry("abc")


def test_an_unknown_hresult_is_refused():
    """An HRESULT outside QBXMLRP2's range has no entry."""
    with pytest.raises(GuideError, match="0x80004005 is not one the guide knows"):
        guide.entry("0x80004005")


def test_a_status_code_without_an_entry_gets_its_ranges_words():
    """4242 is no code of its own: the entry for 3100-9099 answers, marked not exact."""
    entry = guide.entry(4242)
    assert (entry.exact, entry.title) == (False, "QuickBooks refused the change")


def test_a_status_code_beyond_every_range_is_refused():
    """9999 is outside every range QuickBooks uses."""
    with pytest.raises(GuideError, match="outside every range"):
        guide.entry(9999)


def test_a_deletion_reads_its_own_words():
    """3170 on a deletion says to make the record inactive instead."""
    assert "inactive" in guide.entry(3170, "delete").hint()


def test_an_error_message_naming_an_hresult_finds_its_entry():
    """A job error without a code finds the HRESULT its message names."""
    entry = guide.for_error(None, "no answer from QuickBooks: ... (HRESULT 0x80040414)")
    assert entry is not None and entry.key == "0x80040414"


def test_explain_gives_the_guides_entry():
    """The job's explanation of a code is the guide's hint for it."""
    assert explain(3100) == guide.entry(3100).hint()


def test_explain_without_a_code_says_the_record_was_not_sent():
    """No code: the engine refused the record before sending it."""
    assert explain(None) == ENGINE


def test_the_jobs_error_carries_the_guides_entry():
    """A PSR QuickBooks refuses with 3100 stores the guide's entry as its hint."""
    world = World()
    world.company.process(
        '<?xml version="1.0"?><?qbxml version="16.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
        "<VendorAddRq><VendorAdd><Name>Acme</Name></VendorAdd></VendorAddRq>"
        "</QBXMLMsgsRq></QBXML>"
    )
    world.app.customers.add(name="Acme")
    world.sync()
    hints = world.store.frame("errors")["hint"].tolist()
    assert hints == [guide.entry(3100).hint()]


def _subparser(parser: argparse.ArgumentParser, words: list[str]) -> argparse.ArgumentParser:
    """The parser of ``qbsync WORDS`` (a command and its subcommand), or an assertion."""
    for word in words:
        choices = next(
            (a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction)),
            None,
        )
        assert choices and word in choices, f"qbsync has no command {' '.join(words)!r}"
        parser = choices[word]
    return parser


def _named_options() -> list[tuple[str, str, list[str]]]:
    """Every ``--option ...`` of ``qbsync COMMAND`` a guide entry's steps name: (entry, option,
    command words)."""
    found = []
    pattern = re.compile(r"`(--[a-z][\w-]*)[^`]*` of `qbsync ([a-z][a-z ]*?)(?: --[\w-]+)*`")
    for entry in guide.entries():
        for step in (*entry.steps, *entry.on_delete.get("steps", ())):
            text = " ".join(step.split())
            found += [(entry.key, o, c.split()) for o, c in pattern.findall(text)]
    return found


def test_every_option_the_guide_names_is_one_qbsync_has():
    """A step saying "--company-file PATH of qbsync job run --com" points at a real option
    (the guide once sent people to "connection settings" no command had)."""
    named = _named_options()
    assert len(named) >= 4
    parser = build_parser()
    for key, option, words in named:
        options = {s for a in _subparser(parser, words)._actions for s in a.option_strings}
        assert option in options, f"guide {key}: qbsync {' '.join(words)} has no {option}"
