"""``qbsync replay``: a customer's conversation with QuickBooks, replayed against qbsim from
the company it implies, written as a playbook that the scenario runner then runs.

Evidence is made by really running the engine against qbsim (``tests/replay_evidence.py``)
or by sending requests to a qbsim company and keeping its answers; a recorded answer altered
by hand stands for a QuickBooks that answered otherwise than qbsim does (a fidelity gap)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from qbsim import Company
from qbsim.testing import request_xml
from syncengine.evidence import EvidenceError, read
from tests.cli_workspace import qbsync
from tests.replay_evidence import (
    COMMITTED,
    customer_workspace,
    duplicate_name_evidence,
    whole_conversation,
)

ROOT = Path(__file__).resolve().parent.parent


def _conversation(folder: Path, *requests: tuple[str, dict], lose: int | None = None) -> Path:
    """Send each request (one per document) to a fresh qbsim company and keep the pairs as
    files in ``folder``; the answer to request number ``lose`` is left out (a lost answer)."""
    company = Company(seed=3)
    folder.mkdir()
    for number, (request_type, body) in enumerate(requests, 1):
        request = request_xml((request_type, body))
        answer = company.process(request)
        (folder / f"{number:03d}-1rq.xml").write_text(request)
        if number != lose:
            (folder / f"{number:03d}-2rs.xml").write_text(answer)
    return folder


def _replay(capsys, evidence: Path, out: Path, *more: str):
    return qbsync(capsys, "replay", evidence, "--out", out, *more)


def _text(xml: str, tag: str) -> str:
    """The text of the first ``tag`` element in a qbXML document."""
    return xml.split(f"<{tag}>")[1].split("<")[0]


# -- the engine's own conversation, a duplicate name ---------------------------------------
@pytest.fixture(scope="module")
def engine_evidence(tmp_path_factory) -> Path:
    return duplicate_name_evidence(tmp_path_factory.mktemp("shop"))


def test_a_replay_of_the_engines_3100_writes_a_playbook_that_fails_the_same_way(
    engine_evidence, tmp_path, capsys
):
    """The customer's duplicate name comes back: the playbook the replay writes passes
    ``scenario run`` with its last step answered 3100 by qbsim, as by the customer's
    QuickBooks; the customer's Acme was inferred from the 3100 and the Mod of Birch was
    rewritten in qbsim's IDs (else qbsim would answer it 3120)."""
    out = tmp_path / "customer-case.yaml"
    ran = _replay(capsys, engine_evidence, out)
    assert ran.code == 0, ran.out + ran.err
    assert "Reproduced" in ran.out and "customer's error: CustomerAddRs 3100" in ran.out
    assert "Customer Acme: inferred from 3100" in ran.out
    data = yaml.safe_load(out.read_text())
    assert data["quickbooks"]["Customer"][0]["Name"] == "Acme"
    assert data["steps"][-1]["expect"]["stdout"]["contains"][-1].endswith('statusCode="3100"')
    assert "known_failure" not in data
    again = qbsync(capsys, "scenario", "run", out)
    assert again.code == 0 and "passed (4 steps" in again.out


def test_the_workspace_itself_replays_as_its_folder_does(engine_evidence, tmp_path, capsys):
    """Support is sent the customer's ``shop.db`` rather than files: its message sets are
    the same conversation, and the replay reproduces the same 3100, its playbook passing."""
    out = tmp_path / "from-workspace.yaml"
    ran = _replay(capsys, engine_evidence.parent / "shop.db", out)
    assert ran.code == 0, ran.out + ran.err
    assert "shop.db: job 2, message set 1): the customer's error: CustomerAddRs 3100" in ran.out
    assert "Reproduced" in ran.out
    assert yaml.safe_load(out.read_text())["quickbooks"]["Customer"][0]["Name"] == "Acme"
    assert qbsync(capsys, "scenario", "run", out).code == 0


def test_the_mod_is_sent_with_qbsims_ids_not_the_recorded_ones(engine_evidence, tmp_path, capsys):
    """Birch got another ListID in qbsim than in the customer's QuickBooks (qbsim's company
    lacks the customer's Acme, made first): the file sent names qbsim's."""
    out = tmp_path / "ids.yaml"
    assert _replay(capsys, engine_evidence, out).code == 0
    recorded = (engine_evidence / "004-1rq.xml").read_text()
    sent = yaml.safe_load(out.read_text())["files"]["004-CustomerModRq.xml"]
    recorded_id = _text(recorded, "ListID")
    sent_id = _text(sent, "ListID")
    assert recorded_id != sent_id
    assert qbsync(capsys, "scenario", "run", out).code == 0


def test_an_answer_altered_by_hand_is_a_fidelity_gap_naming_both_answers(
    engine_evidence, tmp_path, capsys
):
    """The recorded answer to the Mod of Birch (a phone change) altered to 3100 (name in use):
    nothing else is called Birch, so qbsim answers OK; the replay stops there with a fidelity
    gap showing both answers, exits 1, and still writes the playbook, marked known_failure,
    which the runner finds failing as marked."""
    evidence = _altered(engine_evidence, tmp_path, "3100")
    out = tmp_path / "gap.yaml"
    ran = _replay(capsys, evidence, out, "--json")
    assert ran.code == 1
    gap = ran.json["fidelity_gap"]
    assert gap["exchange"] == 4 and gap["source"].endswith("004-1rq.xml -> 004-2rs.xml")
    assert "recorded CustomerModRs requestID=4 statusCode=3100 (Error)" in gap["difference"]
    assert "qbsim CustomerModRs requestID=4 statusCode=0 (Info)" in gap["difference"]
    assert 'statusCode="3100"' in gap["recorded_answer"]
    assert 'requestID="4" statusCode="0"' in gap["qbsim_answer"]
    assert gap["request_element"].startswith('<CustomerModRq requestID="4">\n  <CustomerMod>')
    assert gap["recorded_element"].startswith('<CustomerModRs requestID="4" statusCode="3100"')
    assert gap["qbsim_element"].startswith('<CustomerModRs requestID="4" statusCode="0"')
    assert "CustomerAddRs" in gap["qbsim_answer"] and "CustomerAddRs" not in gap["qbsim_element"]
    assert ran.json["inferred_edits"] == []
    assert ran.json["reproduced"] is False
    data = yaml.safe_load(out.read_text())
    assert data["known_failure"].startswith("qbsim fidelity gap at exchange 4")
    run = qbsync(capsys, "scenario", "run", out)
    assert run.code == 0 and "known failure" in run.out


def _altered(engine_evidence: Path, tmp_path: Path, code: str) -> Path:
    """The engine's evidence with the recorded answer to the Mod of Birch made ``code``,
    without its record (as QuickBooks refuses)."""
    evidence = tmp_path / "altered"
    shutil.copytree(engine_evidence, evidence)
    answer = evidence / "004-2rs.xml"
    refused = f'<CustomerModRs requestID="4" statusCode="{code}" statusSeverity="Error"/>'
    text = re.sub(r"<CustomerModRs .*?</CustomerModRs>", refused, answer.read_text(), flags=re.S)
    assert refused in text
    answer.write_text(text)
    return evidence


def test_a_3200_to_a_mod_of_a_record_the_conversation_made_infers_an_edit_in_quickbooks(
    engine_evidence, tmp_path, capsys
):
    """The recorded answer to the Mod of Birch altered to 3200: the conversation made Birch
    and named the EditSequence qbsim's Birch still has, so a person edited Birch in
    QuickBooks in between (inferred). The replay edits it first, in a step saying so, and
    reproduces the 3200; the playbook passes, its Birch unchanged but for its EditSequence."""
    evidence = _altered(engine_evidence, tmp_path, "3200")
    out = tmp_path / "edited.yaml"
    ran = _replay(capsys, evidence, out)
    assert ran.code == 0, ran.out + ran.err
    assert "customer's error: CustomerModRs 3200" in ran.out
    assert "  inferred: Customer Birch was edited in QuickBooks before exchange 4" in ran.out
    steps = yaml.safe_load(out.read_text())["steps"]
    assert [s["title"].split(" ")[0] for s in steps] == [*["Exchange"] * 3, "Inferred:", "Exchange"]
    assert steps[3]["quickbooks"] == {
        "edit": {"kind": "Customer", "name": "Birch", "set": {"Name": "Birch"}}
    }
    run = qbsync(capsys, "scenario", "run", out)
    assert run.code == 0 and "passed (5 steps" in run.out


def test_the_gap_is_shown_to_people_with_both_answers(engine_evidence, tmp_path, capsys):
    """The customer's 3100 altered to a success without a record: nothing then implies the
    customer's Acme, qbsim adds it and answers with its record. The output says where it
    stopped and shows where the answers part: the request element that got them and each
    answer's response element to it, indented; the rest of both answers (the Mod of Birch
    before it) only with ``--full``."""
    evidence = tmp_path / "altered"
    shutil.copytree(engine_evidence, evidence)
    answer = evidence / "004-2rs.xml"
    answer.write_text(
        answer.read_text().replace(
            'statusCode="3100" statusSeverity="Error"', 'statusCode="0" statusSeverity="Info"'
        )
    )
    ran = _replay(capsys, evidence, tmp_path / "gap.yaml")
    assert ran.code == 1
    assert "Fidelity gap: exchange 4" in ran.out
    assert "recorded CustomerAddRs requestID=5 statusCode=0 (Info), 0 record(s)" in ran.out
    assert "qbsim CustomerAddRs requestID=5 statusCode=0 (Info), 1 record(s)" in ran.out
    shown = ran.out.split("Fidelity gap:")[1]
    request = shown.split("the request as sent to qbsim:\n")[1].split("\n  the recorded")[0]
    assert request.splitlines()[0] == '    <CustomerAddRq requestID="5">'
    assert "      <CustomerAdd>" in request and "<Name>Acme</Name>" in request
    recorded = shown.split("the recorded answer to it:\n")[1].split("\n  qbsim's")[0]
    assert recorded.strip().startswith('<CustomerAddRs requestID="5" statusCode="0"')
    assert "<CustomerRet>" not in recorded
    simulated = shown.split("qbsim's answer to it:\n")[1].split("\n  (the whole")[0]
    assert simulated.splitlines()[0].startswith('    <CustomerAddRs requestID="5"')
    assert "      <CustomerRet>" in simulated.splitlines()
    assert "CustomerModRs" not in ran.out and "555-0199" not in ran.out
    assert "the whole answers: --full, or --json" in ran.out
    assert "Not reproduced" in ran.out
    full = _replay(capsys, evidence, tmp_path / "full.yaml", "--full")
    assert full.code == 1 and "the whole recorded answer:" in full.out
    assert full.out.count("<CustomerModRs") == 2  # in both whole answers
    # The codes agree; the playbook fails at the gap on the count of records it expects.
    run = qbsync(capsys, "scenario", "run", tmp_path / "gap.yaml", "--json")
    assert run.code == 0 and run.json[0]["as_expected"] is True
    failures = [f["expectation"] for f in run.json[0]["failures"]]
    assert len(failures) == 1 and failures[0].startswith("stdout matches /<CustomerAddRs")


# -- conversations made by sending to a qbsim company ---------------------------------------
def test_a_renamed_record_in_an_answer_is_a_gap(tmp_path, capsys):
    """The recorded Mod's answer names the customer otherwise than the Mod asked: qbsim
    answers with the name asked for, and the replay says so with both names."""
    evidence = _conversation(
        tmp_path / "ev",
        ("CustomerAddRq", {"CustomerAdd": {"Name": "Birch"}}),
        ("CustomerQueryRq", {}),
    )
    answer = evidence / "002-2rs.xml"
    answer.write_text(
        answer.read_text()
        .replace("<Name>Birch</Name>", "<Name>Birchwood</Name>")
        .replace("<FullName>Birch</FullName>", "<FullName>Birchwood</FullName>")
    )
    ran = _replay(capsys, evidence, tmp_path / "renamed.yaml", "--json")
    assert ran.code == 1
    assert "Birchwood" in ran.json["fidelity_gap"]["difference"]
    assert "qbsim CustomerQueryRs" in ran.json["fidelity_gap"]["difference"]
    # The status codes agree; the playbook still fails at the gap, on the recorded name.
    run = qbsync(capsys, "scenario", "run", tmp_path / "renamed.yaml", "--json")
    assert run.code == 0 and run.json[0]["as_expected"] is True
    failures = run.json[0]["failures"]
    assert len(failures) == 1 and "Birchwood" in failures[0]["expectation"]


def test_records_first_seen_in_an_answer_are_placed_with_their_ids(tmp_path, capsys):
    """A customer the conversation never made but an answer holds existed before: it is
    placed with its recorded ListID and EditSequence, so a Mod naming them is answered OK."""
    company = Company(seed=5)
    created = company.process(request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "Oak"}})))
    del created  # made before the conversation: the customer's company already held Oak
    evidence = tmp_path / "ev"
    evidence.mkdir()
    query = request_xml(("CustomerQueryRq", {}))
    answer = company.process(query)
    (evidence / "001-1rq.xml").write_text(query)
    (evidence / "001-2rs.xml").write_text(answer)
    list_id = _text(answer, "ListID")
    sequence = _text(answer, "EditSequence")
    mod = request_xml(
        (
            "CustomerModRq",
            {"CustomerMod": {"ListID": list_id, "EditSequence": sequence, "Phone": "555-0111"}},
        )
    )
    (evidence / "002-1rq.xml").write_text(mod)
    (evidence / "002-2rs.xml").write_text(company.process(mod))
    out = tmp_path / "placed.yaml"
    ran = _replay(capsys, evidence, out)
    assert ran.code == 0, ran.out + ran.err
    placed = yaml.safe_load(out.read_text())["quickbooks"]["Customer"][0]
    assert placed["ListID"] == list_id and placed["EditSequence"] == sequence
    assert "Customer Oak: in an answer (exchange 1, CustomerQueryRq)" in ran.out


def test_a_lost_answer_is_replayed_without_comparing_it(tmp_path, capsys):
    """The first Add's answer never came back; the engine then asked what QuickBooks holds
    and added the same name again (3100). The lost Add made Acme (the query shows it), so
    Acme is not placed twice; its step expects only that qbsim answered."""
    evidence = _conversation(
        tmp_path / "ev",
        ("CustomerAddRq", {"CustomerAdd": {"Name": "Acme"}}),
        ("CustomerQueryRq", {}),
        ("CustomerAddRq", {"CustomerAdd": {"Name": "Acme"}}),
        lose=1,
    )
    assert read(evidence)[0].response_xml is None
    out = tmp_path / "lost.yaml"
    ran = _replay(capsys, evidence, out)
    assert ran.code == 0, ran.out + ran.err
    assert "exchange 1" in ran.out and "its answer was lost" in ran.out
    data = yaml.safe_load(out.read_text())
    assert data["quickbooks"] == {}
    assert data["steps"][0]["expect"] == {"exit": 0}
    assert data["steps"][-1]["expect"]["stdout"]["contains"] == ['<CustomerAddRs statusCode="3100"']


def test_a_status_message_that_differs_is_a_note_not_a_gap(tmp_path, capsys):
    """QuickBooks' wording of a 3100 differs from qbsim's: the codes agree, so it is
    reproduced, with a note quoting both messages."""
    company = Company(seed=2)
    company.process(request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "Elm"}})))
    evidence = tmp_path / "ev"
    evidence.mkdir()
    add = request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "Elm"}}))
    answer = company.process(add)
    (evidence / "1-rq.xml").write_text(add)
    (evidence / "2-rs.xml").write_text(answer.replace("is already in use", "is in use already"))
    ran = _replay(capsys, evidence, tmp_path / "note.yaml")
    assert ran.code == 0
    assert "the status messages differ" in ran.out and "is in use already" in ran.out


# -- bad evidence and a bad --out ------------------------------------------------------------
def test_a_file_that_is_no_qbxml_is_refused_naming_it(engine_evidence, tmp_path, capsys):
    evidence = tmp_path / "ev"
    shutil.copytree(engine_evidence, evidence)
    (evidence / "003-3notes.xml").write_text("<notes>called the customer</notes>")
    ran = _replay(capsys, evidence, tmp_path / "x.yaml")
    assert ran.code == 2 and ran.out == ""
    assert "003-3notes.xml: not a qbXML request or answer" in ran.err
    assert len(ran.err.strip().splitlines()) == 1
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("001-rs.xml", "<QBXML><QBXMLMsgsRs/></QBXML>", "an answer .QBXMLMsgsRs. with no request"),
        ("001-rq.xml", "<QBXML><QBXMLMsgsRq>", "not well-formed XML"),
        (
            "001-rq.xml",
            '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><QBXML><QBXMLMsgsRq/></QBXML>',
            "declares a DTD",
        ),
    ],
)
def test_bad_folders_are_refused_naming_the_file(tmp_path, name, text, says):
    folder = tmp_path / "ev"
    folder.mkdir()
    (folder / name).write_text(text)
    with pytest.raises(EvidenceError, match=says) as caught:
        read(folder)
    assert str(folder / name) in str(caught.value)


def test_an_empty_folder_and_a_missing_path_are_refused(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    ran = _replay(capsys, tmp_path / "empty", tmp_path / "x.yaml")
    assert ran.code == 2 and "no *.xml files" in ran.err
    ran = _replay(capsys, tmp_path / "nowhere", tmp_path / "x.yaml")
    assert ran.code == 2 and "no such file or folder" in ran.err


def test_an_existing_out_is_kept_unless_forced(engine_evidence, tmp_path, capsys):
    out = tmp_path / "case.yaml"
    out.write_text("mine")
    ran = _replay(capsys, engine_evidence, out)
    assert ran.code == 2 and "exists" in ran.err and out.read_text() == "mine"
    assert _replay(capsys, engine_evidence, out, "--force").code == 0
    assert out.read_text() != "mine"


@pytest.mark.parametrize(
    ("out", "more", "says"),
    [
        ("Case.yaml", (), "lower-case letters"),
        ("case.yml", (), "a .yaml file"),
        ("case.yaml", ("--name", "other"), "the same as the file's name"),
        ("nofolder/case.yaml", (), "no folder"),
    ],
)
def test_a_bad_out_or_name_is_refused(engine_evidence, tmp_path, capsys, out, more, says):
    ran = _replay(capsys, engine_evidence, tmp_path / out, *more)
    assert ran.code == 2 and says in ran.err


# -- the committed playbook and its evidence --------------------------------------------------
def test_the_committed_evidence_is_what_the_engine_sends(engine_evidence):
    """``docs/evidence/duplicate-name`` is the conversation the engine has today in that
    flow: the same files, request types and status codes (set IDs differ run to run)."""
    from syncengine.rehearsal.replay import answers
    from syncengine.rehearsal.replay.play import request_types

    def shape(folder: Path) -> list:
        return [
            (
                request_types(exchange.request_xml),
                [(r.tag, r.code) for r in answers.summary(exchange.response_xml or "")],
            )
            for exchange in read(folder)
        ]

    assert sorted(p.name for p in COMMITTED.iterdir()) == sorted(
        p.name for p in engine_evidence.iterdir()
    )
    assert shape(COMMITTED) == shape(engine_evidence)


def test_the_committed_playbook_is_the_replay_of_the_committed_evidence(
    tmp_path, capsys, monkeypatch
):
    """``scenarios/replayed-duplicate-name.yaml`` is what ``qbsync replay`` writes from it."""
    monkeypatch.chdir(ROOT)
    out = tmp_path / "replayed-duplicate-name.yaml"
    ran = _replay(capsys, Path("docs/evidence/duplicate-name"), out)
    assert ran.code == 0, ran.out + ran.err
    assert out.read_text() == (ROOT / "scenarios" / "replayed-duplicate-name.yaml").read_text()


def test_scenario_list_finds_the_replayed_playbook_by_its_code(capsys, monkeypatch):
    """Support asks which playbooks reproduce 3100: the replayed one is among them, found by
    the status its last step expects QuickBooks to answer with."""
    monkeypatch.chdir(ROOT)
    ran = qbsync(capsys, "scenario", "list", "--code", "3100")
    assert ran.code == 0
    assert "replayed-duplicate-name" in ran.out
    assert "step 4 expects QuickBooks to answer with it" in ran.out


# -- what the refusals imply ----------------------------------------------------------------
def _replay_one(tmp_path: Path, capsys, company: Company, request_type: str, body: dict):
    """Replay the evidence of one exchange, ``company`` answering the request: what the
    command printed (exit 0 asserted) and the playbook it wrote."""
    folder = tmp_path / "ev"
    folder.mkdir()
    request = request_xml((request_type, body))
    (folder / "1-rq.xml").write_text(request)
    (folder / "2-rs.xml").write_text(company.process(request))
    out = tmp_path / "replayed.yaml"
    ran = _replay(capsys, folder, out)
    assert ran.code == 0, ran.out + ran.err
    return ran, yaml.safe_load(out.read_text())


def test_a_3200_implies_the_record_with_another_edit_sequence(tmp_path, capsys):
    """The customer's Mod named an EditSequence QuickBooks no longer had (someone edited the
    record): the record is placed with its ListID and another EditSequence, so qbsim too
    answers 3200."""
    company = Company(seed=4)
    ret = company.process(request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "Ash"}})))
    list_id = _text(ret, "ListID")
    stale = _text(ret, "EditSequence")
    mod = {"ListID": list_id, "EditSequence": stale, "Phone": "555-0100"}
    company.process(request_xml(("CustomerModRq", {"CustomerMod": mod})))  # a person's edit
    body = {"CustomerMod": {"ListID": list_id, "EditSequence": stale, "Name": "Ash"}}
    ran, playbook = _replay_one(tmp_path, capsys, company, "CustomerModRq", body)
    assert "inferred from 3200" in ran.out
    placed = playbook["quickbooks"]["Customer"]
    assert placed == [{"ListID": list_id, "EditSequence": str(int(stale) + 1), "Name": "Ash"}]


def test_a_3120_implies_nothing_is_there(tmp_path, capsys):
    """A Mod of a record QuickBooks did not hold (3120): nothing is placed, and qbsim also
    answers 3120."""
    body = {"CustomerMod": {"ListID": "80000099-1700000000", "EditSequence": "1", "Name": "X"}}
    ran, playbook = _replay_one(tmp_path, capsys, Company(seed=4), "CustomerModRq", body)
    assert playbook["quickbooks"] == {}
    assert "3120" in ran.out and "absent; not placed" in ran.out


def test_a_reference_used_without_error_implies_an_inferred_record(tmp_path, capsys):
    """A customer added with terms named only by ListID, answered OK: the terms existed, so
    a minimal record with that ListID is placed, said to be inferred."""
    company = Company(seed=4)
    terms = company.process(
        request_xml(("StandardTermsAddRq", {"StandardTermsAdd": {"Name": "Net 30"}}))
    )
    terms_id = _text(terms, "ListID")
    body = {"CustomerAdd": {"Name": "Fir", "TermsRef": {"ListID": terms_id}}}
    ran, playbook = _replay_one(tmp_path, capsys, company, "CustomerAddRq", body)
    assert "inferred: TermsRef used by a request answered OK" in ran.out
    placed = playbook["quickbooks"]["StandardTerms"]
    assert placed == [{"ListID": terms_id, "Name": "Net 30"}]


def test_a_request_in_another_encoding_is_sent_as_written(tmp_path, capsys):
    """A folder file declared ISO-8859-1 (as some QuickBooks samples are) keeps its accented
    name: the file sent is UTF-8, declared so, and qbsim answers with the same name."""
    company = Company(seed=6)
    request = request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "Café Noël"}}))
    answer = company.process(request)
    evidence = tmp_path / "ev"
    evidence.mkdir()
    latin = request.replace('encoding="utf-8"', 'encoding="ISO-8859-1"')
    (evidence / "1-rq.xml").write_bytes(latin.encode("latin-1"))
    (evidence / "2-rs.xml").write_text(answer, encoding="utf-8")
    out = tmp_path / "latin.yaml"
    ran = _replay(capsys, evidence, out)
    assert ran.code == 0, ran.out + ran.err
    sent = yaml.safe_load(out.read_text(encoding="utf-8"))["files"]["001-CustomerAddRq.xml"]
    assert "Café Noël" in sent and 'encoding="utf-8"' in sent


def test_a_whole_conversation_with_queries_replays_as_recorded(tmp_path, capsys):
    """Every document of two clean syncs (company check, the import's queries, adds, a Mod):
    the customer's Acme and Bolt are first seen in query answers that hold only IDs, so they
    are placed under stand-in names, named by later answers; the whole conversation then
    replays without a gap and its playbook passes."""
    evidence = whole_conversation(tmp_path)
    out = tmp_path / "whole.yaml"
    ran = _replay(capsys, evidence, out, "--json")
    assert ran.code == 0, ran.out
    assert ran.json["replayed"] == ran.json["exchanges"] > 40
    assert ran.json["error"] is None and ran.json["fidelity_gap"] is None
    placed = ran.json["implied_company"]
    assert [r["Name"] for r in placed["Customer"]] == ["Acme"]
    assert [r["Name"] for r in placed["Vendor"]] == ["Bolt"]
    assert any("a later answer names it 'Acme'" in note for note in ran.json["notes"])
    assert any("a stand-in name, inferred" in note for note in ran.json["notes"])
    assert ran.json["playbook_run"]["passed"] is True


# -- edits a person made in QuickBooks between exchanges ------------------------------------
def _deleted_between(folder: Path, last: tuple[str, dict], delete: str = "Birch") -> Path:
    """A conversation that adds an account, an item, customers Birch and Oak and an invoice
    of Oak; then a person deletes ``delete`` in QuickBooks (not in the evidence), and the
    ``last`` request (``{birch}``/``{oak}``: their ListIDs) is refused for it."""
    company = Company(seed=3)
    folder.mkdir()
    ids: dict[str, str] = {}

    def keep(number: int, request_type: str, body: dict) -> str:
        text = yaml.safe_dump(body)
        for key, value in ids.items():
            text = text.replace(f"{{{key}}}", value)
        request = request_xml((request_type, yaml.safe_load(text)))
        answer = company.process(request)
        (folder / f"{number:03d}-1rq.xml").write_text(request)
        (folder / f"{number:03d}-2rs.xml").write_text(answer)
        return answer

    keep(1, "AccountAddRq", {"AccountAdd": {"Name": "Services", "AccountType": "Income"}})
    price = {"Price": "85", "AccountRef": {"FullName": "Services"}}
    keep(2, "ItemServiceAddRq", {"ItemServiceAdd": {"Name": "Labor", "SalesOrPurchase": price}})
    for number, name in ((3, "Birch"), (4, "Oak")):
        answer = keep(number, "CustomerAddRq", {"CustomerAdd": {"Name": name}})
        ids[name.lower()] = _text(answer, "ListID")
    line = {"ItemRef": {"FullName": "Labor"}, "Quantity": "1"}
    invoice = {"CustomerRef": {"ListID": "{oak}"}, "RefNumber": "1001", "InvoiceLineAdd": [line]}
    keep(5, "InvoiceAddRq", {"InvoiceAdd": invoice})
    gone = company.process(
        request_xml(("ListDelRq", {"ListDelType": "Customer", "ListID": ids[delete.lower()]}))
    )
    assert 'statusCode="0"' in gone  # the person's deletion, which the evidence lacks
    keep(6, *last)
    return folder


INVOICE_OF_BIRCH = {
    "InvoiceAdd": {
        "CustomerRef": {"ListID": "{birch}"},
        "RefNumber": "1002",
        "InvoiceLineAdd": [{"ItemRef": {"FullName": "Labor"}, "Quantity": "1"}],
    }
}
MOD_OF_BIRCH = {"CustomerMod": {"ListID": "{birch}", "EditSequence": "0", "Phone": "555-0100"}}


@pytest.mark.parametrize(
    ("last", "code"),
    [(("InvoiceAddRq", INVOICE_OF_BIRCH), "3140"), (("CustomerModRq", MOD_OF_BIRCH), "3120")],
)
def test_a_record_the_conversation_made_then_refused_as_absent_was_deleted_in_quickbooks(
    tmp_path, capsys, last, code
):
    """The conversation added Birch; a later request naming it is refused (3140 for an
    invoice of Birch, 3120 for a Mod of it), yet qbsim still holds Birch: a person deleted it
    in QuickBooks in between (inferred). The replay deletes it first, in a step saying so,
    and reproduces the refusal; the playbook passes."""
    evidence = _deleted_between(tmp_path / "ev", last)
    out = tmp_path / "deleted.yaml"
    ran = _replay(capsys, evidence, out, "--json")
    assert ran.code == 0, ran.out
    assert ran.json["fidelity_gap"] is None and ran.json["error"] == 6
    [edit] = ran.json["inferred_edits"]
    assert edit.startswith("Customer Birch was deleted in QuickBooks before exchange 6 (")
    assert f" {code} names it" in edit
    steps = yaml.safe_load(out.read_text())["steps"]
    assert steps[-2] == {
        "title": f"Inferred: {edit}",
        "quickbooks": {"delete": {"kind": "Customer", "name": "Birch"}},
        "expect": {"exit": 0},
    }
    assert steps[-1]["expect"]["stdout"]["contains"][-1].endswith(f'statusCode="{code}"')
    run = qbsync(capsys, "scenario", "run", out)
    assert run.code == 0 and "passed (7 steps" in run.out
    shown = _replay(capsys, evidence, tmp_path / "shown.yaml")
    assert f"  inferred: {edit}" in shown.out and "Reproduced" in shown.out


def test_a_deletion_qbsim_refuses_is_a_note_and_the_gap_stays(tmp_path, capsys):
    """The recorded answer to an invoice of Oak altered to 3140 naming Oak: Oak has an
    invoice, so neither QuickBooks nor qbsim lets a person delete it; the inferred deletion
    is refused, said in a note, and qbsim answering the invoice OK is a fidelity gap."""
    invoice = {
        "InvoiceAdd": {
            "CustomerRef": {"ListID": "{oak}"},
            "RefNumber": "1003",
            "InvoiceLineAdd": [{"ItemRef": {"FullName": "Labor"}, "Quantity": "1"}],
        }
    }
    evidence = _deleted_between(tmp_path / "ev", ("InvoiceAddRq", invoice))
    oak = _text((evidence / "004-2rs.xml").read_text(), "ListID")
    refused = (
        '<InvoiceAddRs statusCode="3140" statusSeverity="Error" statusMessage="There is an'
        f' invalid reference to QuickBooks Customer &quot;{oak}&quot; in the Invoice."/>'
    )
    answer = evidence / "006-2rs.xml"
    answer.write_text(
        re.sub(r"<InvoiceAddRs.*</InvoiceAddRs>", refused, answer.read_text(), flags=re.S)
    )
    ran = _replay(capsys, evidence, tmp_path / "refused.yaml", "--json")
    assert ran.code == 1
    assert ran.json["inferred_edits"] == []
    assert "recorded InvoiceAddRs statusCode=3140" in ran.json["fidelity_gap"]["difference"]
    [note] = [n for n in ran.json["notes"] if "qbsim refused it" in n]
    assert note.startswith("Inferred: Customer Oak was deleted in QuickBooks before exchange 6")


def test_the_migration_day_rehearsals_web_connector_log_reproduces(tmp_path, capsys):
    """The lead's case: a rehearsal over the Web Connector with the migration-day fault plan,
    whose person deletes a customer the job has just added; the log's 3140s name it. The
    replay infers the deletion and reproduces the customer's error; its playbook passes."""
    log = tmp_path / "QWCLog.txt"
    plan = ROOT / "scenarios" / "faults" / "migration-day.yaml"
    made = qbsync(
        capsys, "rehearse", "--generate", "60", "--seed", "2", "--via", "webconnector",
        "--wc-log", log, "--faults", plan,
    )  # fmt: skip
    assert made.code == 0, made.err
    out = tmp_path / "case.yaml"
    ran = _replay(capsys, log, out)
    assert ran.code == 0, ran.out
    assert "the customer's error: SalesOrderAddRs 3140" in ran.out
    assert "  inferred: Customer " in ran.out and "was deleted in QuickBooks before" in ran.out
    assert "Fidelity gap" not in ran.out
    # The 3140s quote the customer's ID of the customer, qbsim's its own: no difference.
    assert "the status messages differ" not in ran.out
    # What the 3140s name was made by the conversation: not said to be absent from the start.
    assert "what it names by ID was absent" not in ran.out
    assert qbsync(capsys, "scenario", "run", out).code == 0


def test_a_3200_to_a_mod_of_a_transaction_infers_an_edit_by_its_refnumber(tmp_path, capsys):
    """The conversation added invoice 1001; a person added a memo in QuickBooks (not in the
    evidence), and the engine's InvoiceMod with the EditSequence it knew met 3200. The replay
    edits the invoice first, named by its RefNumber, and reproduces the 3200."""
    company = Company(seed=3)
    evidence = tmp_path / "ev"
    evidence.mkdir()
    documents = [
        ("AccountAddRq", {"AccountAdd": {"Name": "Services", "AccountType": "Income"}}),
        (
            "ItemServiceAddRq",
            {
                "ItemServiceAdd": {
                    "Name": "Labor",
                    "SalesOrPurchase": {"Price": "85", "AccountRef": {"FullName": "Services"}},
                }
            },
        ),
        ("CustomerAddRq", {"CustomerAdd": {"Name": "Birch"}}),
        (
            "InvoiceAddRq",
            {
                "InvoiceAdd": {
                    "CustomerRef": {"FullName": "Birch"},
                    "RefNumber": "1001",
                    "InvoiceLineAdd": [{"ItemRef": {"FullName": "Labor"}, "Quantity": "1"}],
                }
            },
        ),
    ]
    answer = ""
    for number, document in enumerate(documents, 1):
        request = request_xml(document)
        answer = company.process(request)
        (evidence / f"{number:03d}-1rq.xml").write_text(request)
        (evidence / f"{number:03d}-2rs.xml").write_text(answer)
    txn_id = _text(answer, "TxnID")
    sequence = _text(answer, "EditSequence")
    person = {"TxnID": txn_id, "EditSequence": sequence, "Memo": "called"}
    assert 'statusCode="0"' in company.process(
        request_xml(("InvoiceModRq", {"InvoiceMod": person}))
    )
    ours = {"TxnID": txn_id, "EditSequence": sequence, "PONumber": "PO-7"}
    request = request_xml(("InvoiceModRq", {"InvoiceMod": ours}))
    (evidence / "005-1rq.xml").write_text(request)
    (evidence / "005-2rs.xml").write_text(company.process(request))
    out = tmp_path / "txn.yaml"
    ran = _replay(capsys, evidence, out)
    assert ran.code == 0, ran.out
    assert "the customer's error: InvoiceModRs 3200" in ran.out
    assert "  inferred: Invoice 1001 was edited in QuickBooks before exchange 5" in ran.out
    step = yaml.safe_load(out.read_text())["steps"][-2]
    assert step["quickbooks"] == {
        "edit": {"kind": "Invoice", "name": "1001", "set": {"RefNumber": "1001"}}
    }
    assert qbsync(capsys, "scenario", "run", out).code == 0


# -- what a reference answered OK implies ---------------------------------------------------
def _sent(folder: Path, company: Company, *requests: tuple[str, dict]) -> Path:
    """Send each request (one per document) to ``company`` and keep the pairs in ``folder``."""
    folder.mkdir()
    for number, request_type_body in enumerate(requests, 1):
        request = request_xml(request_type_body)
        (folder / f"{number:03d}-1rq.xml").write_text(request)
        (folder / f"{number:03d}-2rs.xml").write_text(company.process(request))
    return folder


def _list_id(company: Company, request_type: str, body: dict) -> str:
    answer = company.process(request_xml((request_type, body)))
    assert 'statusCode="0"' in answer, answer
    return _text(answer, "ListID")


def test_notebook_05s_workspace_replays_its_3100_though_no_answer_shows_its_account(
    tmp_path, capsys
):
    """The customer's workspace keeps only the message sets that change QuickBooks: its
    first adds an item whose account, Services, the setup interview made (no query answer
    shows it). Answered OK, the reference implies the account, placed as an income account
    (inferred); the replay reproduces the 3100 and its playbook passes."""
    shop = customer_workspace(tmp_path)
    out = tmp_path / "case.yaml"
    ran = _replay(capsys, shop, out, "--json")
    assert ran.code == 0, ran.out
    assert ran.json["fidelity_gap"] is None and ran.json["reproduced"] is True
    assert ran.json["error"] == 1
    [account] = ran.json["implied_company"]["Account"]
    assert (account["Name"], account["AccountType"]) == ("Services", "Income")
    shown = _replay(capsys, shop, tmp_path / "shown.yaml")
    assert "the customer's error: CustomerAddRs 3100" in shown.out
    assert (
        "  note: Account Services: inferred: AccountRef used by a request answered OK"
        " (exchange 1, ItemServiceAddRq); AccountType Income inferred from AccountRef in"
        " SalesOrPurchase"
    ) in shown.out.splitlines()
    assert "Reproduced" in shown.out and "Fidelity gap" not in shown.out
    assert qbsync(capsys, "scenario", "run", out).code == 0


def test_accounts_named_by_full_name_are_placed_with_the_type_their_use_implies(tmp_path, capsys):
    """An inventory item added naming its three accounts by name, one a subaccount
    (Sales:Hardware): each is placed with the AccountType its element implies, the parent
    Sales too, and a query of Sales:Hardware then answers as recorded."""
    company = Company(seed=3)
    sales = _list_id(
        company, "AccountAddRq", {"AccountAdd": {"Name": "Sales", "AccountType": "Income"}}
    )
    hardware = {"Name": "Hardware", "AccountType": "Income", "ParentRef": {"ListID": sales}}
    _list_id(company, "AccountAddRq", {"AccountAdd": hardware})
    for name, account_type in (("COGS", "CostOfGoodsSold"), ("Stock", "OtherCurrentAsset")):
        _list_id(
            company, "AccountAddRq", {"AccountAdd": {"Name": name, "AccountType": account_type}}
        )
    item = {
        "Name": "Hinge",
        "IncomeAccountRef": {"FullName": "Sales:Hardware"},
        "COGSAccountRef": {"FullName": "COGS"},
        "AssetAccountRef": {"FullName": "Stock"},
    }
    evidence = _sent(
        tmp_path / "ev",
        company,
        ("ItemInventoryAddRq", {"ItemInventoryAdd": item}),
        ("AccountQueryRq", {"FullName": "Sales:Hardware"}),
    )
    out = tmp_path / "accounts.yaml"
    ran = _replay(capsys, evidence, out, "--json")
    assert ran.code == 0, ran.out
    assert ran.json["fidelity_gap"] is None and ran.json["replayed"] == 2
    placed = {a.get("FullName", a["Name"]): a for a in ran.json["implied_company"]["Account"]}
    assert {name: a["AccountType"] for name, a in placed.items()} == {
        "Sales": "Income",
        "Sales:Hardware": "Income",
        "COGS": "CostOfGoodsSold",
        "Stock": "OtherCurrentAsset",
    }
    child = placed["Sales:Hardware"]
    assert child["Name"] == "Hardware" and child["Sublevel"] == "1"
    assert child["ParentRef"] == {"FullName": "Sales", "ListID": placed["Sales"]["ListID"]}
    assert any(
        n.startswith("Account Sales: inferred: IncomeAccountRef") and "the parent of Hardware" in n
        for n in ran.json["notes"]
    )
    assert qbsync(capsys, "scenario", "run", out).code == 0


@pytest.mark.parametrize(("queried", "kind"), [(True, "ItemNonInventory"), (False, "ItemService")])
def test_an_item_named_by_id_is_placed_of_the_kind_an_answer_shows(tmp_path, capsys, queried, kind):
    """An invoice's line names a non-inventory part by ListID only, answered OK: the item is
    placed with that ListID and the name the answer gives it, of the kind a later query's
    answer shows; with no such answer, as a service item (inferred: any line may name one)
    with an income account inferred for it. Either way the replay runs without a gap."""
    company = Company(seed=3)
    _list_id(company, "AccountAddRq", {"AccountAdd": {"Name": "Parts", "AccountType": "Income"}})
    part = {"Name": "Bolt", "SalesOrPurchase": {"Price": "2", "AccountRef": {"FullName": "Parts"}}}
    bolt = _list_id(company, "ItemNonInventoryAddRq", {"ItemNonInventoryAdd": part})
    _list_id(company, "CustomerAddRq", {"CustomerAdd": {"Name": "Fir"}})
    line = {"ItemRef": {"ListID": bolt}, "Quantity": "3"}
    invoice = {"CustomerRef": {"FullName": "Fir"}, "RefNumber": "7", "InvoiceLineAdd": [line]}
    requests = [("InvoiceAddRq", {"InvoiceAdd": invoice})]
    if queried:
        requests.append(("ItemQueryRq", {"ListID": bolt}))
    evidence = _sent(tmp_path / "ev", company, *requests)
    out = tmp_path / "item.yaml"
    ran = _replay(capsys, evidence, out, "--json")
    assert ran.code == 0, ran.out
    assert ran.json["fidelity_gap"] is None and ran.json["replayed"] == len(requests)
    placed = ran.json["implied_company"]
    [item] = placed[kind]
    assert (item["ListID"], item["Name"]) == (bolt, "Bolt")
    assert [c["Name"] for c in placed["Customer"]] == ["Fir"]
    [note] = [n for n in ran.json["notes"] if n.startswith(f"{kind} Bolt: inferred: ItemRef")]
    if queried:
        assert note.endswith(f"; an answer shows its kind, {kind}")
    else:
        assert "inferred a ItemService: any line may name a service item" in note
        assert [a["Name"] for a in placed["Account"]] == ["Inferred Income"]
        assert item["SalesOrPurchase"]["AccountRef"]["FullName"] == "Inferred Income"
    assert qbsync(capsys, "scenario", "run", out).code == 0


@pytest.mark.parametrize(
    ("request_type", "body", "kind", "word"),
    [
        (
            "ItemServiceAddRq",
            {
                "ItemServiceAdd": {
                    "Name": "Labor",
                    "SalesOrPurchase": {"AccountRef": {"FullName": "Services"}},
                }
            },
            "Account",
            "Services",
        ),
        (
            "InvoiceAddRq",
            {"InvoiceAdd": {"CustomerRef": {"FullName": "Oak"}, "RefNumber": "9"}},
            "Customer",
            "Oak",
        ),
    ],
)
def test_a_record_a_3140_names_is_not_placed_though_a_later_request_uses_it(
    tmp_path, capsys, request_type, body, kind, word
):
    """A request refused 3140 naming the record it refers to; a person then adds it in
    QuickBooks and the same request is answered OK. The later use does not place it from the
    start (the 3140 says it was absent, so no deletion before exchange 1 is inferred either):
    the replay reproduces the 3140 and its playbook passes."""
    company = Company(seed=3)
    first = request_xml((request_type, body))
    refused = company.process(first)
    assert 'statusCode="3140"' in refused
    if kind == "Account":
        _list_id(company, "AccountAddRq", {"AccountAdd": {"Name": word, "AccountType": "Income"}})
    else:
        _list_id(company, "CustomerAddRq", {"CustomerAdd": {"Name": word}})
    evidence = _sent(tmp_path / "ev", company, (request_type, body))
    (evidence / "000-1rq.xml").write_text(first)
    (evidence / "000-2rs.xml").write_text(refused)
    out = tmp_path / "absent.yaml"
    ran = _replay(capsys, evidence, out, "--json")
    assert ran.code == 0, ran.out
    assert ran.json["error"] == 1 and ran.json["fidelity_gap"] is None
    assert kind not in ran.json["implied_company"]
    assert ran.json["inferred_edits"] == []  # not placed, so not said to be deleted either
    assert any(
        f"{kind} {word} (exchange 1, {request_type}): absent (3140 names it)" in n
        for n in ran.json["notes"]
    )
    assert qbsync(capsys, "scenario", "run", out).code == 0


def test_sales_tax_codes_a_form_names_are_placed_with_quickbooks_default_ones(tmp_path, capsys):
    """An invoice whose lines name the sales tax codes OOS (the customer's own) and Tax (a
    default), and a ship method: OOS is placed, and with it both default codes (qbsim gives
    a company them only while it holds none); the ship method, of a list qbsim holds fixed,
    is only noted. The replay runs without a gap."""
    company = Company(seed=3)
    code = {"Name": "OOS", "IsTaxable": "false", "Desc": "Out of state"}
    _list_id(company, "SalesTaxCodeAddRq", {"SalesTaxCodeAdd": code})
    _list_id(company, "CustomerAddRq", {"CustomerAdd": {"Name": "Fir"}})
    lines = [
        {"Desc": "crate", "Amount": "10.00", "SalesTaxCodeRef": {"FullName": "OOS"}},
        {"Desc": "lid", "Amount": "2.00", "SalesTaxCodeRef": {"FullName": "Tax"}},
    ]
    invoice = {
        "CustomerRef": {"FullName": "Fir"},
        "RefNumber": "8",
        "ShipMethodRef": {"FullName": "UPS"},
        "InvoiceLineAdd": lines,
    }
    evidence = _sent(tmp_path / "ev", company, ("InvoiceAddRq", {"InvoiceAdd": invoice}))
    out = tmp_path / "codes.yaml"
    ran = _replay(capsys, evidence, out, "--json")
    assert ran.code == 0, ran.out
    assert ran.json["fidelity_gap"] is None
    codes = ran.json["implied_company"]["SalesTaxCode"]
    assert sorted(c["Name"] for c in codes) == ["Non", "OOS", "Tax"]
    notes = ran.json["notes"]
    assert any(n.startswith("SalesTaxCode OOS: inferred: SalesTaxCodeRef used") for n in notes)
    assert any(n.startswith("SalesTaxCode Non: QuickBooks' default code") for n in notes)
    assert any("ShipMethodRef UPS" in n and "qbsim holds that list fixed" in n for n in notes)
    assert qbsync(capsys, "scenario", "run", out).code == 0


def test_a_subaccounts_parent_named_by_parentref_is_placed_of_its_type(tmp_path, capsys):
    """A subaccount added under Sales, named by ParentRef, answered OK: Sales existed, an
    account of the subaccount's type (inferred), so qbsim too adds Sales:Hardware."""
    company = Company(seed=3)
    _list_id(company, "AccountAddRq", {"AccountAdd": {"Name": "Sales", "AccountType": "Income"}})
    hardware = {"Name": "Hardware", "AccountType": "Income", "ParentRef": {"FullName": "Sales"}}
    evidence = _sent(tmp_path / "ev", company, ("AccountAddRq", {"AccountAdd": hardware}))
    out = tmp_path / "parent.yaml"
    ran = _replay(capsys, evidence, out, "--json")
    assert ran.code == 0, ran.out
    assert ran.json["fidelity_gap"] is None
    [sales] = ran.json["implied_company"]["Account"]
    assert (sales["Name"], sales["AccountType"]) == ("Sales", "Income")
    assert any(
        n.startswith("Account Sales: inferred: ParentRef used")
        and "AccountType Income, its subaccount's (inferred)" in n
        for n in ran.json["notes"]
    )
    assert qbsync(capsys, "scenario", "run", out).code == 0


# -- a later error than the first: --code and --exchange ----------------------------------
@pytest.fixture(scope="module")
def two_day_workspace(tmp_path_factory) -> Path:
    """Notebook 05's customer after Tuesday: 3100 on Monday, 3100 and 3200 on Tuesday."""
    return customer_workspace(tmp_path_factory.mktemp("customer"), tuesday=True)


def test_code_replays_past_the_first_error_to_the_tuesday_3200(two_day_workspace, tmp_path, capsys):
    """Without --code the replay stops at Monday's 3100; with --code 3200 it goes on past it
    (compared, no gap), infers the bookkeeper's edit of Acme Roofing and reproduces the 3200;
    the playbook's title names it and its last step expects it; ``scenario run`` passes."""
    first = _replay(capsys, two_day_workspace, tmp_path / "first.yaml", "--json")
    assert first.json["error"] == 1 and first.json["stop"]["by"] == "first_error"
    out = tmp_path / "tuesday.yaml"
    ran = _replay(capsys, two_day_workspace, out, "--code", "3200", "--json")
    assert ran.code == 0, ran.out + ran.err
    assert ran.json["stop"] == {"by": "code", "code": "3200", "exchange": None}
    assert ran.json["reproduced"] is True and ran.json["fidelity_gap"] is None
    assert ran.json["passed_errors"] == [1] and ran.json["error"] == ran.json["replayed"] > 1
    assert any("Acme Roofing was edited in QuickBooks" in e for e in ran.json["inferred_edits"])
    data = yaml.safe_load(out.read_text())
    assert "CustomerModRs 3200" in data["title"] and "3200" in data["covers"]["behaviour"]
    assert any('statusCode="3200"' in c for c in data["steps"][-1]["expect"]["stdout"]["contains"])
    assert qbsync(capsys, "scenario", "run", out).code == 0
    shown = _replay(capsys, two_day_workspace, tmp_path / "shown.yaml", "--code", "3200")
    assert "Went on past the customer's earlier error(s) at exchange(s) 1." in shown.out
    assert "CustomerModRs 3200" in shown.out and "Reproduced" in shown.out


def test_a_code_the_evidence_lacks_is_refused_naming_the_codes_it_holds(
    two_day_workspace, tmp_path, capsys
):
    out = tmp_path / "none.yaml"
    ran = _replay(capsys, two_day_workspace, out, "--code", "3120")
    assert ran.code == 2
    assert "no answer in the evidence holds status code 3120" in ran.err
    assert "its answers hold 0, 3100, 3200" in ran.err
    assert not out.exists()
    assert _replay(capsys, two_day_workspace, out, "--code", "x").code == 2


@pytest.mark.parametrize("number", ["0", "9"])
def test_an_exchange_out_of_range_is_refused(two_day_workspace, tmp_path, capsys, number):
    ran = _replay(capsys, two_day_workspace, tmp_path / "none.yaml", "--exchange", number)
    assert ran.code == 2 and "the evidence holds exchanges 1-4" in ran.err


def test_exchange_stops_there_whatever_it_holds(two_day_workspace, tmp_path, capsys):
    """--exchange 2 (Monday's invoice, answered OK) goes past exchange 1's 3100 and stops
    after exchange 2: the playbook has its steps up to it and passes."""
    out = tmp_path / "second.yaml"
    ran = _replay(capsys, two_day_workspace, out, "--exchange", "2", "--json")
    assert ran.code == 0, ran.out
    assert ran.json["stop"]["by"] == "exchange" and ran.json["stopped_at"]["exchange"] == 2
    assert ran.json["replayed"] == 2 and ran.json["error"] is None
    runs = [s for s in yaml.safe_load(out.read_text())["steps"] if "run" in s]
    assert [s["title"].split(" (")[0] for s in runs] == ["Exchange 1", "Exchange 2"]
    shown = _replay(capsys, two_day_workspace, tmp_path / "shown.yaml", "--exchange", "2")
    assert "Stopped at exchange 2" in shown.out and "as --exchange asked" in shown.out
    assert qbsync(capsys, "scenario", "run", out).code == 0
