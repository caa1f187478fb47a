"""Support reads what a customer sends: a workspace (read-only, the file untouched) and a
verbose Web Connector log (``QWCLog.txt``), each as the conversation with QuickBooks in
order, timed; what is neither is refused naming the file and the line."""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from syncengine.cli import main
from syncengine.clock import FixedClock
from syncengine.evidence import EvidenceError, read
from syncengine.store import Store
from tests.cli_workspace import qbsync

UTC = timezone.utc

REQUEST = (
    '<?xml version="1.0"?>\n<?qbxml version="16.0"?>\n<QBXML>\n'
    '<QBXMLMsgsRq onError="stopOnError"><CustomerAddRq requestID="{n}"><CustomerAdd>'
    "<Name>Kunde {n}</Name></CustomerAdd></CustomerAddRq></QBXMLMsgsRq>\n</QBXML>"
)
RESPONSE = (
    '<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs><CustomerAddRs requestID="{n}"'
    ' statusCode="0" statusSeverity="Info" statusMessage="Status OK"><CustomerRet>'
    "<Name>Kunde {n}</Name></CustomerRet></CustomerAddRs></QBXMLMsgsRs>\n</QBXML>"
)
HOST_ANSWER = (
    '<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs><HostQueryRs requestID="0" statusCode="0">'
    "<HostRet><ProductName>QuickBooks</ProductName></HostRet></HostQueryRs></QBXMLMsgsRs>\n</QBXML>"
)


def entry(stamp: str, place: str, message: str) -> str:
    """One log entry as the Web Connector writes it: time, tab, ': ', place, ' : ', message."""
    return f"{stamp} UTC\t: QBWebConnector.SOAPWebService.{place}() : {message}"


def hand_made_log() -> str:
    """A verbose log of our own making, in the documented shape: noise before and between,
    the company details passed with the first sendRequestXML (a response, not a request), one
    request answered after 2 s, one QuickBooks refused, a second run answered after 1 s."""
    lines = [
        "QWCLog of a test machine (a line before the first entry)",
        entry("20260105.14:00:00", "do_serverVersion", "asking the service its version"),
        entry("20260105.14:00:00", "do_authenticate", "signing in as acme"),
        entry("20260105.14:00:01", "do_sendRequestXML", "strHCPResponse ="),
        entry("20260105.14:00:01", "do_sendRequestXML", HOST_ANSWER),
        entry("20260105.14:00:01", "do_sendRequestXML", "strRequestXML ="),
        entry("20260105.14:00:01", "do_sendRequestXML", REQUEST.format(n=1)),
        entry("20260105.14:00:03", "do_receiveResponseXML", "response ="),
        entry("20260105.14:00:03", "do_receiveResponseXML", "XML dump follows: -"),
        "",
        RESPONSE.format(n=1),
        "",
        entry("20260105.14:00:04", "do_sendRequestXML", "strRequestXML ="),
        entry("20260105.14:00:04", "do_sendRequestXML", REQUEST.format(n=2)),
        entry("20260105.14:00:04", "ProcessRequestXML", "HRESULT = 0x80040400, not answered"),
        entry("20260105.14:00:05", "do_closeConnection", "run over"),
        entry("20260105.14:10:00", "do_sendRequestXML", "strHCPResponse ="),
        entry("20260105.14:10:00", "do_sendRequestXML", HOST_ANSWER),
        entry("20260105.14:10:00", "do_sendRequestXML", REQUEST.format(n=3)),
        entry("20260105.14:10:01", "do_receiveResponseXML", "XML dump follows: -"),
        RESPONSE.format(n=3),
    ]
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture(scope="module")
def rehearsed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A workspace and the Web Connector log of one rehearsal over the Web Connector."""
    folder = tmp_path_factory.mktemp("evidence")
    db, log = folder / "shop.db", folder / "QWCLog.txt"
    argv = ["rehearse", "--generate", "40", "--batch-size", "6", "--via", "webconnector"]
    with contextlib.redirect_stdout(io.StringIO()):
        assert main([*argv, "--db", str(db), "--wc-log", str(log)]) == 0
    return db, log


# -- a workspace --------------------------------------------------------------------------
def test_a_workspace_reads_as_its_message_sets_in_order(rehearsed):
    """Every saved message set, job then set, with its answer and aware UTC times."""
    db, _ = rehearsed
    exchanges = read(db)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT job_id, seq FROM message_sets ORDER BY job_id, seq").fetchall()
    assert [e.source for e in exchanges] == [f"shop.db: job {j}, message set {s}" for j, s in rows]
    first = exchanges[0]
    assert first.sent_at.tzinfo is not None and first.sent_at.utcoffset().total_seconds() == 0
    assert all(e.response_xml and "QBXMLMsgsRs" in e.response_xml for e in exchanges)
    assert all(e.seconds is not None and e.seconds > 0 for e in exchanges)


def test_reading_a_workspace_changes_nothing_of_it(tmp_path, capsys):
    """The customer's file keeps its bytes and its time, and no -wal/-shm file is left."""
    db = tmp_path / "customer.db"
    assert qbsync(capsys, "rehearse", "--generate", "20", "--db", db).code == 0
    before = {p.name for p in tmp_path.iterdir()}
    content, stat = db.read_bytes(), db.stat()
    os.utime(db, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10**9))  # an older mtime to keep
    mtime = db.stat().st_mtime_ns
    assert read(db)
    assert db.read_bytes() == content and db.stat().st_mtime_ns == mtime
    assert {p.name for p in tmp_path.iterdir()} == before


def test_a_recovered_set_keeps_its_answer_but_no_answer_time(tmp_path):
    """An answer that came from an oldMessageSetID check is not QuickBooks answering on time."""
    clock = FixedClock(datetime(2026, 1, 5, 14, 0, 0))
    with Store(tmp_path / "w.db", clock) as store:
        job_id = store.jobs.create().id
        store.messages.save(job_id, "1-1-a", REQUEST.format(n=1))
        store.messages.mark_sent("1-1-a")
        clock.advance(3)
        store.messages.record_response("1-1-a", RESPONSE.format(n=1), recovered=True)
    [exchange] = read(tmp_path / "w.db")
    assert exchange.response_xml == RESPONSE.format(n=1)
    assert exchange.sent_at == datetime(2026, 1, 5, 14, 0, 0, tzinfo=UTC)
    assert exchange.answered_at is None and exchange.seconds is None


def test_a_workspace_still_open_is_read_with_its_write_ahead_log(tmp_path):
    """Sent while the sync still runs: the set waits in the -wal file, and is read from it."""
    clock = FixedClock(datetime(2026, 1, 5, 14, 0, 0))
    with Store(tmp_path / "w.db", clock) as store:
        job_id = store.jobs.create().id
        store.messages.save(job_id, "1-1-a", REQUEST.format(n=1))
        assert (tmp_path / "w.db-wal").exists()
        [exchange] = read(tmp_path / "w.db")
        assert exchange.request_xml == REQUEST.format(n=1) and exchange.response_xml is None
        store.messages.mark_sent("1-1-a")  # the store goes on writing
        assert read(tmp_path / "w.db")[0].sent_at == datetime(2026, 1, 5, 14, 0, tzinfo=UTC)


def test_a_sqlite_file_that_is_no_workspace_is_refused(tmp_path):
    """One line naming the file and what to send instead."""
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (text)")
    with pytest.raises(EvidenceError) as refused:
        read(other)
    message = str(refused.value)
    assert message.startswith(f"{other}: ") and "no message_sets table" in message
    assert "\n" not in message


# -- a Web Connector log ------------------------------------------------------------------
def test_a_verbose_log_reads_as_requests_paired_with_answers(tmp_path):
    """In order; the refused request has no answer; the company details are no request;
    times are the lines' own, in UTC."""
    log = tmp_path / "QWCLog.txt"
    log.write_bytes(hand_made_log().encode("cp1252"))
    first, refused, third = read(log)
    lines = hand_made_log().splitlines()
    for name, exchange in enumerate((first, refused, third), 1):
        line = int(exchange.source.removeprefix("QWCLog.txt, line "))
        assert "do_sendRequestXML" in lines[line - 1]
        assert f"Kunde {name}" in "\n".join(lines[line - 1 : line + 4])
    assert "Kunde 1" in first.request_xml and "CustomerAddRs" in first.response_xml
    assert first.sent_at == datetime(2026, 1, 5, 14, 0, 1, tzinfo=UTC) and first.seconds == 2
    assert refused.response_xml is None and refused.answered_at is None
    assert "Kunde 3" in third.response_xml and third.seconds == 1
    assert first.request_xml.endswith("</QBXML>") and first.request_xml.startswith("<?xml")


def test_a_log_without_qbxml_says_to_turn_on_verbose_logging(tmp_path):
    """A default-level log has entries but no documents: say how to get a verbose one."""
    log = tmp_path / "QWCLog.txt"
    log.write_text("\n".join(hand_made_log().splitlines()[:4]) + "\n")
    with pytest.raises(EvidenceError) as refused:
        read(log)
    message = str(refused.value)
    assert message.startswith(f"{log}: ") and "verbose" in message and "VERBOSE" in message
    assert "QBWebConnector.exe.config" in message and "\n" not in message


def test_a_file_that_is_no_log_is_refused(tmp_path):
    """No entry at all: not a Web Connector log; the three kinds of evidence are named."""
    notes = tmp_path / "notes.txt"
    notes.write_text("Dear support,\nthe sync failed.\n")
    with pytest.raises(EvidenceError, match=r"notes.txt: not a Web Connector log .*QWCLog.txt"):
        read(notes)


def test_a_damaged_time_is_refused_naming_the_line(tmp_path):
    """A line that starts like an entry but whose date cannot be one."""
    lines = hand_made_log().splitlines()
    number = next(i for i, line in enumerate(lines, 1) if "strRequestXML =" in line)
    lines[number - 1] = lines[number - 1].replace("20260105.14:00:01", "20261305.14:00:01")
    log = tmp_path / "QWCLog.txt"
    log.write_text("\n".join(lines))
    with pytest.raises(EvidenceError) as refused:
        read(log)
    assert str(refused.value).startswith(f"{log}, line {number}: 20261305.14:00:01 is not a date")


def test_a_document_cut_short_is_refused_naming_its_line(tmp_path):
    """A request whose text stops before </QBXML> (an edited or truncated log)."""
    text = hand_made_log().replace(REQUEST.format(n=1), REQUEST.format(n=1)[:-9])
    log = tmp_path / "QWCLog.txt"
    log.write_text(text)
    number = next(i for i, line in enumerate(text.splitlines(), 1) if "Kunde 1" in line) - 3
    with pytest.raises(EvidenceError, match=rf"QWCLog.txt, line {number}: .* cut short"):
        read(log)


# -- the simulated Web Connector's log ------------------------------------------------------
def test_the_simulated_web_connectors_log_holds_the_workspaces_conversation(rehearsed):
    """Every message set the workspace saved is in the log, in order, with the same answer,
    timed to the second as the real log is."""
    db, log = rehearsed
    saved = read(db)
    logged = [e for e in read(log) if "newMessageSetID" in e.request_xml]
    assert [e.request_xml.strip() for e in logged] == [e.request_xml.strip() for e in saved]
    assert [e.response_xml.strip() for e in logged] == [e.response_xml.strip() for e in saved]
    for in_log, in_store in zip(logged, saved, strict=True):
        assert in_log.sent_at == in_store.sent_at.replace(microsecond=0)
        assert in_log.answered_at == in_store.answered_at.replace(microsecond=0)


def test_the_log_changes_nothing_of_the_rehearsal(rehearsed, tmp_path, capsys):
    """Without --wc-log the same rehearsal reports the same outcome and writes no log."""
    argv = ["rehearse", "--generate", "40", "--batch-size", "6", "--via", "webconnector", "--json"]
    plain = qbsync(capsys, *argv).json
    logged = qbsync(capsys, *argv, "--wc-log", tmp_path / "wc.txt").json
    for field in ("wall_seconds", "generate_wall_seconds", "records_per_second"):
        plain.pop(field), logged.pop(field)
    assert plain == logged
    assert (tmp_path / "wc.txt").stat().st_size > 0


def test_a_log_is_asked_of_the_web_connector_only(tmp_path, capsys):
    """--wc-log with the in-process path is refused before anything runs."""
    ran = qbsync(capsys, "rehearse", "--generate", "5", "--wc-log", tmp_path / "wc.txt")
    assert ran.code == 2 and "add --via webconnector" in ran.err
    assert not (tmp_path / "wc.txt").exists()
