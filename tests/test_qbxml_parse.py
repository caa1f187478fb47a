"""Reading qbXML response documents (and request documents) with ``syncengine.qbxml``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import qbschema
from qbsim import Company
from syncengine import qbxml
from syncengine.errors import QBStatusError, TransportError
from syncengine.qbxml.testing import response_xml, rs
from tests.conftest import assert_valid_qbxml

SAMPLES = Path(
    os.environ.get(
        "QBXML_SAMPLES_DIR",
        Path(__file__).resolve().parents[2] / "shared" / "reference" / "qbxml-samples",
    )
)
SAMPLE_FILES = sorted(SAMPLES.glob("*.xml")) if SAMPLES.is_dir() else []
no_samples = pytest.mark.skipif(
    not SAMPLE_FILES, reason=f"qbXML sample folder not found at {SAMPLES} (QBXML_SAMPLES_DIR)"
)
WC = "{http://developer.intuit.com/}"


def sample(name: str) -> bytes:
    """The bytes of one sample file, read in place."""
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"sample {name} not found in {SAMPLES}")
    return path.read_bytes()


def _local(element: etree._Element) -> etree._Element:
    for node in element.iter():
        if isinstance(node.tag, str):
            node.tag = etree.QName(node).localname
    return element


def qbxml_of(path: Path) -> str | bytes | etree._Element:
    """The qbXML in a sample: the file itself, or the response inside a Web Connector call."""
    root = etree.parse(str(path)).getroot()
    if not root.tag.endswith("Envelope"):
        return path.read_bytes()
    response = root.find(f".//{WC}response")
    # QBWC sends the qbXML as escaped text; one fixture embeds it as child elements instead.
    return _local(response[0]) if len(response) else response.text


def is_request(path: Path) -> bool:
    """True when a sample file holds a request document."""
    return etree.parse(str(path)).getroot().find("QBXMLMsgsRq") is not None


# -- the real samples, read in place ----------------------------------------------------------


@no_samples
@pytest.mark.parametrize(
    "path",
    [p for p in SAMPLE_FILES if not is_request(p)] or [None],
    ids=lambda p: p.name if p else "none",
)
def test_every_response_sample_parses(path):
    """Each real response sample reads into at least one response with a status code."""
    answer = qbxml.parse_response(qbxml_of(path))
    assert len(answer) >= 1
    assert all(isinstance(r.status_code, int) for r in answer)


@no_samples
@pytest.mark.needs_xsd
@pytest.mark.parametrize(
    "name",
    [
        "qbxmlgem_CustomerAddRq.xml",
        "qbxmlgem_CustomerQueryRq_iterator_start.xml",
        "intuit_InvoiceQueryRq.xml",
        "intuit_ErrRecovery2_status_check_rq.xml",
        "intuit_ErrRecovery3_clear_status_rq.xml",
    ],
)
def test_request_samples_read_back_and_rebuild_valid(name):
    """Request samples of types the product speaks read back into sets that rebuild valid."""
    rebuilt = qbxml.parse_request(sample(name)).to_xml()
    assert qbschema.validate_xsd(rebuilt.encode()) == []


def test_request_of_a_foreign_type_is_refused_by_name():
    """A BillingRateQueryRq (not a type the product speaks) is refused, naming the type."""
    document = (
        '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML>'
        '<QBXMLMsgsRq onError="stopOnError"><BillingRateQueryRq/></QBXMLMsgsRq></QBXML>'
    )
    with pytest.raises(qbxml.BuildError, match="BillingRateQueryRq"):
        qbxml.parse_request(document)


@no_samples
def test_customer_add_sample_gives_the_customer_record():
    """The CustomerAddRs sample yields its status, requestID and CustomerRet fields."""
    answer = qbxml.parse_response(sample("qbxmlgem_CustomerAddRs_ok.xml"))[0]
    assert (answer.type, answer.status_code, answer.status_severity) == ("CustomerAddRs", 0, "Info")
    assert answer.request_id == "15"
    assert answer.record["ListID"] == "F540000-1197683154"
    assert answer.record["BillAddress"]["City"] == "Storrs-Mansfield"


@no_samples
def test_iterator_sample_gives_iterator_id_and_remaining_count():
    """The iterator sample yields iteratorID, iteratorRemainingCount and a list of records."""
    answer = qbxml.parse_response(sample("qbxmlgem_CustomerQueryRs_iterator.xml"))[0]
    assert answer.iterator_id == "{eb05f701-e727-472f-8ade-6753c4f67a46}"
    assert answer.iterator_remaining_count == 18
    assert answer.record_types == ["CustomerRet"]


@no_samples
def test_lock_error_sample_is_retryable():
    """3180 "modified by another user" is an error of the retryable lock family."""
    answer = qbxml.parse_response(sample("consolibyte_CustomerAddRs_3180_error.xml"))[0]
    assert answer.is_error and answer.is_retryable_lock


@no_samples
def test_error_sample_raises_a_status_error_when_asked():
    """raise_for_status turns the 3180 response into QBStatusError with code and request."""
    answer = qbxml.parse_response(sample("consolibyte_CustomerAddRs_3180_error.xml"))[0]
    with pytest.raises(QBStatusError, match="modified by another user") as caught:
        answer.raise_for_status()
    assert (caught.value.code, caught.value.request_type) == (3180, "CustomerAddRq")
    assert caught.value.request_id == "REQUESTID"


@no_samples
def test_warning_sample_is_nothing_found_and_not_an_error():
    """500 Warn on a query means nothing found; raise_for_status lets it through."""
    answer = qbxml.parse_response(sample("qbwcgem_CustomerQueryRs_500_warn.xml"))[0]
    assert answer.is_nothing_found and not answer.is_error
    assert answer.raise_for_status() is answer


@no_samples
def test_object_not_found_sample_is_an_error_not_an_empty_result():
    """3120 on a query is an error, not "nothing found"."""
    answer = qbxml.parse_response(sample("qbwcgem_CustomerQueryRs_3120_error.xml"))[0]
    assert answer.is_error and not answer.is_nothing_found


@no_samples
def test_mixed_sample_keeps_response_order_and_reads_foreign_types():
    """A mixed capture keeps its order; a SalesOrderAddRs is read generically."""
    answer = qbxml.parse_response(sample("flowlink_raw_mixed.inner.xml"))
    assert [r.type for r in answer][:3] == ["ItemInventoryQueryRs"] * 2 + ["SalesOrderAddRs"]
    assert answer[0].is_nothing_found
    assert answer[2].record["CustomerRef"]["FullName"] == "a123191"


@no_samples
def test_empty_request_id_is_kept_as_sent():
    """requestID="" in the AccountAddRs sample is echoed as an empty string."""
    answer = qbxml.parse_response(sample("hotglue_AccountAddRs_ok.xml"))[0]
    assert answer.request_id == ""


@no_samples
def test_fast_reader_agrees_with_qbschema_read():
    """The cached reader gives exactly what qbschema's Schema.read gives for a real record."""
    sch = qbschema.schema()
    root = etree.fromstring(sample("qbxmlgem_CustomerQueryRs_ok.xml"))
    ret = root.find(".//CustomerRet")
    node = sch.node(sch.response_node("CustomerQueryRs").children["CustomerRet"].node)
    assert qbxml.parse.read_element(ret, node) == sch.read(ret, node)


# -- shapes ------------------------------------------------------------------------------------


def test_repeatable_children_are_lists():
    """A repeatable child (SupportedQBXMLVersion) is a list even with one entry."""
    host = {"ProductName": "QuickBooks Pro", "SupportedQBXMLVersion": ["16.0"]}
    answer = qbxml.parse_response(response_xml(rs("HostQueryRs", [host])))[0]
    assert answer.record["SupportedQBXMLVersion"] == ["16.0"]


def test_error_recovery_element_is_read():
    """ErrorRecovery on an Add response is returned apart from the records."""
    recovery = {"ListID": "80000001-1", "EditSequence": "1700000000"}
    doc = response_xml(rs("CustomerAddRs", [("ErrorRecovery", recovery)]))
    answer = qbxml.parse_response(doc)[0]
    assert answer.error_recovery == recovery and answer.records == []


def test_message_set_status_and_new_id_are_read():
    """messageSetStatusCode and newMessageSetID come back from the envelope."""
    doc = response_xml(new_message_set_id="AB1F2395", message_set_status_code=9002)
    answer = qbxml.parse_response(doc)
    assert (answer.message_set_status_code, answer.new_message_set_id) == (9002, "AB1F2395")


def test_delete_response_fields_form_one_record():
    """ListDelRs carries its fields directly; they come back as one record."""
    fields = {"ListDelType": "Customer", "ListID": "80000001-1", "FullName": "Acme"}
    answer = qbxml.parse_response(response_xml(rs("ListDelRs", list(fields.items()))))[0]
    assert (answer.record_types, answer.record) == (["ListDelRs"], fields)


def test_item_query_keeps_record_kinds_in_document_order():
    """ItemQueryRs mixes item kinds; each record keeps its element name and position."""
    rets = [("ItemServiceRet", "Advice"), ("ItemInventoryRet", "Widget"), ("ItemServiceRet", "Fee")]
    body = "".join(f"<{tag}><Name>{name}</Name></{tag}>" for tag, name in rets)
    doc = (
        '<?xml version="1.0" ?><QBXML><QBXMLMsgsRs>'
        f'<ItemQueryRs statusCode="0" statusSeverity="Info" retCount="3">{body}</ItemQueryRs>'
        "</QBXMLMsgsRs></QBXML>"
    )
    assert_valid_qbxml(doc)
    answer = qbxml.parse_response(doc)[0]
    assert answer.record_types == [tag for tag, _ in rets]
    assert [r["Name"] for r in answer.records] == [name for _, name in rets]


def test_text_with_an_encoding_declaration_parses():
    """A str carrying encoding="utf-8" in its declaration is accepted."""
    doc = response_xml(rs("ClassQueryRs", [{"Name": "Zoë"}]))
    doc = doc.replace('<?xml version="1.0" ?>', '<?xml version="1.0" encoding="utf-8"?>')
    assert qbxml.parse_response(doc)[0].record["Name"] == "Zoë"


def test_windows_1252_bytes_parse_by_their_declaration():
    """Bytes in Windows-1252 with a matching declaration decode correctly."""
    body = response_xml(rs("ClassQueryRs", [{"Name": "Zoë"}])).split("\n", 1)[1]
    raw = ('<?xml version="1.0" encoding="windows-1252"?>\n' + body).encode("cp1252")
    assert qbxml.parse_response(raw)[0].record["Name"] == "Zoë"


# -- refusals ----------------------------------------------------------------------------------


def test_malformed_document_is_a_transport_level_parse_error():
    """Text that is not XML raises ResponseParseError, a TransportError."""
    with pytest.raises(qbxml.ResponseParseError, match="not well-formed") as caught:
        qbxml.parse_response("<QBXML><QBXMLMsgsRs>")
    assert isinstance(caught.value, TransportError)


def test_request_document_is_not_taken_for_a_response():
    """Handing a request document to parse_response says what is missing."""
    with pytest.raises(qbxml.ResponseParseError, match="no QBXMLMsgsRs"):
        qbxml.parse_response(qbxml.status_check("AB1").to_xml())


def test_foreign_root_element_is_refused():
    """A document whose root is not QBXML is refused, naming the root."""
    with pytest.raises(qbxml.ResponseParseError, match="<html>"):
        qbxml.parse_response("<html/>")


def test_missing_status_code_is_refused():
    """A response without statusCode is refused with its line."""
    doc = "<QBXML><QBXMLMsgsRs><ClassAddRs statusSeverity='Info'/></QBXMLMsgsRs></QBXML>"
    with pytest.raises(qbxml.ResponseParseError, match="line 1: ClassAddRs has no statusCode"):
        qbxml.parse_response(doc)


def test_unknown_child_of_a_known_response_is_refused():
    """An element qbXML 16.0 does not define in a known response is refused, not dropped."""
    doc = (
        "<QBXML><QBXMLMsgsRs><ClassAddRs statusCode='0' statusSeverity='Info'>"
        "<ClassRet><Colour>red</Colour></ClassRet></ClassAddRs></QBXMLMsgsRs></QBXML>"
    )
    with pytest.raises(qbxml.ResponseParseError, match="ClassRet has no child element Colour"):
        qbxml.parse_response(doc)


# -- status families ---------------------------------------------------------------------------


def status(code: int, rs_type: str = "CustomerQueryRs") -> qbxml.Response:
    """One parsed response with this status code."""
    return qbxml.parse_response(response_xml(rs(rs_type, status_code=code)))[0]


def test_code_one_is_nothing_found():
    """statusCode 1 means the query matched nothing."""
    assert status(1).is_nothing_found


def test_code_500_on_an_add_is_not_nothing_found():
    """500 only means "nothing found" on a query."""
    assert not status(500, "CustomerAddRs").is_nothing_found


@pytest.mark.parametrize("code", [3170, 3175, 3176, 3180])
def test_lock_family_is_retryable(code):
    """3170, 3175, 3176 and 3180 are the retryable lock family."""
    assert status(code, "CustomerAddRs").is_retryable_lock


def test_name_in_use_is_not_retryable():
    """3100 (name in use) needs a person, not a resend."""
    assert not status(3100, "CustomerAddRs").is_retryable_lock


def test_3200_is_stale():
    """3200 means the EditSequence was out of date."""
    assert status(3200, "CustomerModRs").is_stale


def test_3231_is_not_processed():
    """3231 marks a request skipped after an earlier failure under stopOnError."""
    assert status(3231, "CustomerAddRs").is_not_processed


def test_warning_severity_does_not_raise():
    """Warn severity never becomes a QBStatusError."""
    assert status(530, "CustomerAddRs").error() is None


def test_response_set_raises_its_first_error():
    """ResponseSet.raise_for_status raises for the first failing response."""
    doc = response_xml(
        rs("ClassAddRs", request_id="1"),
        rs("ClassAddRs", status_code=3100, status_message="in use", request_id="2"),
        rs("ClassAddRs", status_code=3231, request_id="3"),
    )
    with pytest.raises(QBStatusError, match=r"status 3100 Error \(requestID 2\)"):
        qbxml.parse_response(doc).raise_for_status()


def test_response_set_finds_a_response_by_request_id():
    """by_request_id picks the response that echoes the ID."""
    doc = response_xml(rs("ClassAddRs", request_id="a"), rs("ClassAddRs", request_id="b"))
    assert qbxml.parse_response(doc).by_request_id("b").request_id == "b"


# -- round trips -------------------------------------------------------------------------------

names = st.text(st.characters(codec="cp1252", exclude_categories=("Cc", "Cs")), max_size=41)
customer_rets = st.fixed_dictionaries(
    {
        "ListID": st.from_regex(r"[0-9A-F]{1,8}-[0-9]{10}", fullmatch=True),
        "EditSequence": st.from_regex(r"[0-9]{10}", fullmatch=True),
        "Name": names,
        "IsActive": st.sampled_from(["true", "false"]),
        "Sublevel": st.integers(0, 5).map(str),
    }
)


@settings(max_examples=60, deadline=None)
@given(
    records=st.lists(customer_rets, max_size=4),
    code=st.sampled_from([0, 1, 500, 3100, 3200]),
    rid=st.from_regex(r"[A-Za-z0-9]{1,50}", fullmatch=True),
)
def test_parse_gives_back_what_the_response_holds(records, code, rid):
    """Any CustomerQueryRs shaped like QuickBooks' reads back to the same status and records."""
    doc = response_xml(rs("CustomerQueryRs", records, status_code=code, request_id=rid))
    assert_valid_qbxml(doc)
    answer = qbxml.parse_response(doc)[0]
    assert (answer.status_code, answer.request_id, answer.records) == (code, rid, records)


@pytest.mark.needs_xsd
def test_parse_request_gives_back_the_built_set():
    """A built set read back with parse_request serialises to the same document."""
    built = qbxml.MessageSet(
        [
            qbxml.add("Customer", {"Name": "Acme", "Phone": "555"}, request_id="1"),
            qbxml.query("Customer", {"ActiveStatus": "All"}, iterator="Start", max_returned=9),
        ],
        on_error="continueOnError",
        new_message_set_id="set-1",
    ).to_xml()
    assert qbschema.validate_xsd(built.encode()) == []
    assert qbxml.parse_request(built).to_xml() == built


# -- against the simulator ---------------------------------------------------------------------


@pytest.mark.needs_xsd
def test_customer_add_round_trips_through_qbsim():
    """A CustomerAdd built here, answered by qbsim, parses into the stored customer."""
    request = qbxml.add("Customer", {"Name": "Zoë Ltd"}, request_id="17")
    document = qbxml.MessageSet([request]).to_xml()
    assert qbschema.validate_xsd(document.encode()) == []
    answer = qbxml.parse_response(Company().process(document))[0].raise_for_status()
    assert (answer.request_id, answer.record["Name"]) == ("17", "Zoë Ltd")


@pytest.mark.needs_xsd
def test_duplicate_name_from_qbsim_raises_3100():
    """Adding the same name twice comes back as QBStatusError 3100 on the second request."""
    requests = [qbxml.add("Customer", {"Name": "Acme"}, request_id=str(i)) for i in (1, 2)]
    document = qbxml.MessageSet(requests, on_error="continueOnError").to_xml()
    assert qbschema.validate_xsd(document.encode()) == []
    answer = qbxml.parse_response(Company().process(document))
    with pytest.raises(QBStatusError) as caught:
        answer.raise_for_status()
    assert (caught.value.code, caught.value.request_id) == (3100, "2")
