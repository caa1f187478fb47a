"""qbsim.host: sessions as COM has them, one request at a time, latency from the profile."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import simpy
import simpy.rt

from qbschema import ATTRS
from qbsim import Company, QBXMLRPError, hresults
from qbsim.events import COLUMNS
from qbsim.host import (
    DO_NOT_CARE,
    MULTI_USER,
    OTHER_FILE,
    SINGLE_USER,
    QuickBooksHost,
    RequestProcessor,
)
from qbsim.host.documents import add_rq, build, document, envelope, first, mod_rq
from qbsim.host.requests import read_response, sketch, summarise
from qbsim.profile import Cost, Profile

TSV = Path(__file__).resolve().parents[2] / "shared" / "reference" / "qbxmlrp2-hresults.tsv"
FILE = "rehearsal.qbw"
START = datetime.fromisoformat("2026-03-02T08:00:00-05:00")
# Two seconds a request, plus a second per record returned: easy sums, no jitter.
FLAT = Profile("flat", {"*": Cost(2.0, 1.0, 0.0)})


def make_host(**options) -> QuickBooksHost:
    options.setdefault("profile", FLAT)
    return QuickBooksHost(simpy.Environment(), Company(), start=START, **options)


def connected(host: QuickBooksHost, app: str = "Rehearsal app") -> RequestProcessor:
    processor = RequestProcessor(host)
    processor.open_connection("", app)
    return processor


def hresult_of(call) -> int:
    with pytest.raises(QBXMLRPError) as caught:
        call()
    return caught.value.hresult


def run(host: QuickBooksHost, event) -> str:
    return host.env.run(until=event)


# -- the Web Connector's way ------------------------------------------------------------
def test_plain_request_on_a_fresh_host_answers():
    """A plain host.request needs no session of its own: the open company file answers."""
    host = make_host()
    answer = first(host.call(add_rq("Customer", "Acme Corp")))
    assert (answer.tag, answer.code) == ("CustomerAddRs", 0)


def test_company_clock_is_simulated_time():
    """Records are stamped start + env.now (the moment QuickBooks takes the request)."""
    host = make_host()
    host.env.run(until=100)
    ret = first(host.call(add_rq("Customer", "Acme Corp"))).fields
    moment = START + timedelta(seconds=100)
    assert ret["TimeCreated"] == moment.isoformat()
    assert ret["EditSequence"] == str(int(moment.timestamp()))


def test_web_connector_request_opens_the_closed_company_file():
    """With the file closed, the Web Connector's session opens it (it knows the file path)."""
    host = make_host()
    host.close_company_file()
    assert first(host.call(add_rq("Customer", "Acme Corp"))).code == 0
    assert host.desktop.open_file == FILE


def test_schema_invalid_request_is_refused_with_parse_error():
    """A document QuickBooks cannot parse fails the event with 0x80040400."""
    host = make_host()
    assert hresult_of(lambda: host.call("<QBXML><nonsense/></QBXML>")) == hresults.PARSE_ERROR


def test_a_waiting_process_gets_the_failure_with_its_hresult():
    """simpy hands a waiting process a copy of the failure: type, hresult and text survive."""
    host = make_host()
    host.open_company_file(OTHER_FILE)
    caught = []

    def client():
        try:
            yield host.request(add_rq("Customer", "Acme Corp"))
        except QBXMLRPError as exc:
            caught.append(exc)

    host.env.process(client())
    host.env.run()
    assert caught[0].hresult == hresults.OTHER_FILE_OPEN
    assert str(caught[0]).startswith("0x8004040A: A QuickBooks company data file is already")


# -- one at a time, latency ------------------------------------------------------------
def test_two_requests_sent_together_finish_one_after_the_other():
    """QuickBooks answers one request at a time: the second waits for the first."""
    host = make_host()
    finished = []

    def client(xml):
        yield host.request(xml)
        finished.append(host.env.now)

    host.env.process(client(add_rq("Customer", "Acme Corp")))
    host.env.process(client(add_rq("Customer", "Beta Ltd")))
    host.env.run()
    assert finished == [3.0, 6.0]  # 2 s base + 1 s per returned record, each in turn


def test_latency_follows_the_profile_per_record():
    """A query costs base + per_record x records returned (+ the message-set overhead)."""
    profile = Profile("q", {"*": Cost(0.5), "*QueryRq": Cost(0.25, 0.125)}, message_set=0.5)
    host = make_host(profile=profile)
    for name in ("A", "B", "C", "D"):
        host.call(add_rq("Customer", name))
    before = host.env.now
    host.call(document("CustomerQueryRq"))
    assert host.env.now - before == pytest.approx(0.5 + 0.25 + 4 * 0.125)


def test_sketch_counts_types_and_lines_as_summarise_does():
    """Without faults the host reads only types and line counts, and reads them alike."""
    line = {"ItemRef": {"FullName": "Labor"}, "Quantity": "2"}
    invoice = {"InvoiceAdd": {"CustomerRef": {"FullName": "A"}, "InvoiceLineAdd": [line] * 3}}
    for doc in (document("InvoiceAddRq", invoice), add_rq("Customer", "A"), "not xml"):
        quick, full = sketch(doc), summarise(doc)
        assert (quick.types, quick.lines) == (full.types, full.lines)


def test_the_company_reports_what_it_answered_as_reading_the_texts_would():
    """Latency and the event log use the company's own account of a document it answered;
    it says what reading the request and the answer again would say."""
    company = Company()
    line = {"ItemRef": {"FullName": "Labor"}, "Quantity": "2"}
    invoice = {"InvoiceAdd": {"CustomerRef": {"FullName": "A"}, "InvoiceLineAdd": [line] * 3}}
    documents = [
        add_rq("Customer", "A"),
        document("InvoiceAddRq", invoice),  # 3140: no item Labor, three lines
        add_rq("Customer", "A"),  # 3100: an error answer
        document("CustomerQueryRq"),
        document("CustomerQueryRq", {ATTRS: {"iterator": "Start"}, "MaxReturned": "1"}),
        document("VendorQueryRq"),  # nothing found: status 1
        document("CustomerQueryRq", {ATTRS: {"metaData": "MetaDataOnly"}, "FullName": "A"}),
        envelope(build("CustomerQueryRq", {}), build("VendorQueryRq", {}), on_error="stopOnError"),
    ]
    for doc in documents:
        answer = company.process(doc)
        told = company.answered
        assert told is not None
        assert (told.types, told.lines) == (sketch(doc).types, sketch(doc).lines)
        assert list(told.answers) == read_response(answer)


def test_the_company_has_no_account_of_a_recovered_answer():
    """An answer replayed from a stored message set is read from its text instead."""
    company = Company()
    company.process(
        envelope(build("CustomerAddRq", {"CustomerAdd": {"Name": "A"}}), newMessageSetID="S1")
    )
    check = envelope(oldMessageSetID="S1", newMessageSetID="S1", on_error="continueOnError")
    answer = company.process(check)
    assert "CustomerAddRs" in answer
    assert company.answered is None


def test_jitter_is_seeded():
    """The same seed gives the same latencies; another seed gives others."""

    def latencies(seed):
        host = make_host(profile="default", seed=seed)
        for name in ("A", "B", "C"):
            host.call(add_rq("Customer", name))
        return [e.seconds for e in host.log.where(event="answered")]

    assert latencies(3) == latencies(3)
    assert latencies(3) != latencies(4)


def test_realtime_mode_waits_wall_time_by_speed():
    """RealtimeEnvironment: 2 simulated seconds at speed 40 take about 50 ms of wall time."""
    host = QuickBooksHost.realtime(Company(), speed=40.0, profile=Profile("r", {"*": Cost(2.0)}))
    assert isinstance(host.env, simpy.rt.RealtimeEnvironment)
    began = time.monotonic()
    assert first(host.call(add_rq("Customer", "Acme Corp"))).code == 0
    assert time.monotonic() - began >= 0.045


# -- the COM session sequence ----------------------------------------------------------
def test_com_sequence_open_begin_process_end_close():
    """OpenConnection, BeginSession, ProcessRequest, EndSession, CloseConnection."""
    host = make_host()
    processor = connected(host)
    ticket = processor.begin_session(FILE, MULTI_USER)
    answer = run(host, processor.process_request(ticket, add_rq("Customer", "Acme Corp")))
    assert first(answer).code == 0
    assert processor.get_current_company_file_name(ticket) == FILE
    processor.end_session(ticket)
    processor.close_connection()
    event = host.request(add_rq("Customer", "Beta Ltd"), ticket=ticket)
    assert hresult_of(lambda: run(host, event)) == hresults.BAD_TICKET


def test_begin_session_before_open_connection_is_refused():
    """BeginSession without OpenConnection: 0x8004040F."""
    processor = RequestProcessor(make_host())
    assert hresult_of(lambda: processor.begin_session(FILE, 1)) == hresults.NO_CONNECTION


def test_open_connection_twice_is_refused():
    """Two OpenConnection calls in a row: 0x80040412."""
    processor = connected(make_host())
    call = lambda: processor.open_connection("", "again")  # noqa: E731 (one-line call)
    assert hresult_of(call) == hresults.CONNECTION_ALREADY_OPEN


def test_open_connection_without_application_name_is_refused():
    """OpenConnection needs the application's name: 0x80040415."""
    call = lambda: RequestProcessor(make_host()).open_connection("", "")  # noqa: E731
    assert hresult_of(call) == hresults.NO_APP_NAME


def test_second_begin_session_before_end_session_is_refused():
    """BeginSession twice without EndSession: 0x80040411."""
    processor = connected(make_host())
    processor.begin_session(FILE, DO_NOT_CARE)
    call = lambda: processor.begin_session(FILE, DO_NOT_CARE)  # noqa: E731
    assert hresult_of(call) == hresults.SESSION_ALREADY_BEGUN


def test_process_request_without_a_ticket_is_refused():
    """ProcessRequest with an empty ticket: 0x8004040C (BeginSession not called)."""
    host = make_host()
    event = connected(host).process_request("", add_rq("Customer", "Acme Corp"))
    assert hresult_of(lambda: run(host, event)) == hresults.NO_SESSION


def test_process_request_after_close_connection_is_refused():
    """ProcessRequest after CloseConnection: 0x8004040F."""
    host = make_host()
    processor = connected(host)
    ticket = processor.begin_session(FILE, DO_NOT_CARE)
    processor.close_connection()
    event = processor.process_request(ticket, add_rq("Customer", "Acme Corp"))
    assert hresult_of(lambda: run(host, event)) == hresults.NO_CONNECTION


@pytest.mark.parametrize(
    ("set_up", "file_name", "mode", "expected"),
    [
        ("close", "", DO_NOT_CARE, hresults.NO_FILE_NAME_NOT_OPEN),
        ("quit", "", DO_NOT_CARE, hresults.NO_FILE_NAME_NOT_RUNNING),
        ("other", FILE, DO_NOT_CARE, hresults.OTHER_FILE_OPEN),
        ("single", FILE, MULTI_USER, hresults.WRONG_MODE),
        ("multi", FILE, SINGLE_USER, hresults.WRONG_MODE),
        ("multi", "elsewhere.qbw", DO_NOT_CARE, hresults.OTHER_FILE_OPEN),
        ("close", "elsewhere.qbw", DO_NOT_CARE, hresults.CANNOT_OPEN_FILE),
    ],
)
def test_begin_session_refusals_are_the_real_hresults(set_up, file_name, mode, expected):
    """The company file closed, QuickBooks closed, another file, the other mode."""
    host = make_host()
    {
        "close": host.close_company_file,
        "quit": host.quit_quickbooks,
        "other": lambda: host.open_company_file(OTHER_FILE),
        "single": lambda: host.open_company_file(FILE, SINGLE_USER),
        "multi": lambda: host.open_company_file(FILE, MULTI_USER),
    }[set_up]()
    processor = connected(host)
    assert hresult_of(lambda: processor.begin_session(file_name, mode)) == expected


def test_single_user_session_refused_while_another_app_shares_the_file():
    """Single-user wanted while another application has a session: 0x80040422."""
    host = make_host()
    host.open_company_file(FILE, SINGLE_USER)
    connected(host, "Other app").begin_session(FILE, DO_NOT_CARE)
    call = lambda: connected(host).begin_session(FILE, SINGLE_USER)  # noqa: E731
    assert hresult_of(call) == hresults.SINGLE_USER_NEEDED


def test_begin_session_with_file_name_starts_quickbooks():
    """QuickBooks not running: BeginSession with the file name starts it and opens the file."""
    host = make_host()
    host.quit_quickbooks()
    processor = connected(host)
    ticket = processor.begin_session(FILE, SINGLE_USER)
    assert (host.desktop.running, host.desktop.open_file) == (True, FILE)
    processor.end_session(ticket)
    assert host.desktop.running is False  # QuickBooks started for the SDK closes with it


def test_closing_the_company_file_invalidates_tickets():
    """A session ends when the file closes; its ticket then gets 0x8004040D."""
    host = make_host()
    processor = connected(host)
    ticket = processor.begin_session(FILE, DO_NOT_CARE)
    host.close_company_file()
    event = processor.process_request(ticket, add_rq("Customer", "Acme Corp"))
    assert hresult_of(lambda: run(host, event)) == hresults.BAD_TICKET


def test_rollback_on_error_is_refused_through_the_host():
    """Company.process refusals reach the caller unchanged: rollbackOnError → 0x80040413."""
    host = make_host()
    xml = add_rq("Customer", "Acme Corp").replace("stopOnError", "rollbackOnError")
    assert hresult_of(lambda: host.call(xml)) == hresults.ROLLBACK_NOT_SUPPORTED


def test_edit_sequence_round_trip_through_the_host():
    """A Mod with the EditSequence just read works; the answer carries a newer one."""
    host = make_host()
    ret = first(host.call(add_rq("Customer", "Acme Corp"))).fields
    answer = first(host.call(mod_rq("Customer", ret["ListID"], ret["EditSequence"], Phone="1")))
    assert answer.code == 0
    assert int(answer.fields["EditSequence"]) > int(ret["EditSequence"])


# -- the event log -----------------------------------------------------------------------
def test_event_log_is_a_dataframe_with_request_and_response_ids():
    """Each request: sent, then answered with its response id and time spent."""
    host = make_host()
    host.call(add_rq("Customer", "Acme Corp"))
    frame = host.log.to_frame()
    assert tuple(frame.columns) == COLUMNS
    answered = frame[frame.event == "answered"].iloc[0]
    assert (answered.request_id, answered.response_id) == ("rq-0001", "rs-0001")
    assert (answered.request_type, answered.seconds) == ("CustomerAddRq", 3.0)


@pytest.mark.skipif(not TSV.is_file(), reason="shared/reference/qbxmlrp2-hresults.tsv not found")
def test_hresult_texts_match_the_request_processor_word_for_word():
    """Every QBXMLRP2 HRESULT qbsim raises has QuickBooks' own text (read from the TSV)."""
    rows = [line.split("\t", 1) for line in TSV.read_text().splitlines() if line[:2] == "0x"]
    real = {int(code, 16): text for code, text in rows}
    for code, text in hresults.known().items():
        if code in real:
            assert text == real[code], f"0x{code:08X}"
