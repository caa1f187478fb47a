"""qbsim's wire layer: document checks, onError, request attributes, iterators, error recovery."""

from __future__ import annotations

import re

import pytest

from qbschema import schema
from qbsim import Company, NotImplementedInQbsim, QBXMLRPError, StatusError, wire
from qbsim.testing import (
    CompanyBuilder,
    find,
    mod,
    query,
    request_xml,
    responses,
    rets,
    send,
    status_of,
)
from tests.test_qbsim_txns import Books, line

GUID = re.compile(r"\{[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\}")


def doc(body: str, on_error: str = "stopOnError", attrs: str = "", version: str = "16.0") -> str:
    """A request document around raw request elements."""
    return (
        f'<?xml version="1.0"?>\n<?qbxml version="{version}"?>\n<QBXML>\n'
        f'<QBXMLMsgsRq onError="{on_error}"{attrs}>\n{body}\n</QBXMLMsgsRq>\n</QBXML>'
    )


def add_rq(name: str, request_id: str = "1", kind: str = "Customer") -> str:
    """A raw ``{kind}AddRq`` element naming the new record."""
    add = f"<{kind}Add><Name>{name}</Name></{kind}Add>"
    return f'<{kind}AddRq requestID="{request_id}">{add}</{kind}AddRq>'


@pytest.fixture
def company() -> Company:
    builder = CompanyBuilder(seed=11)
    for name in ("Alpha", "Bravo", "Charlie", "Delta", "Echo"):
        builder.customer(name)
    return builder.build()


# -- refusing the whole document -------------------------------------------------------------
def test_not_well_formed_is_0x80040400_naming_the_line(company):
    """A document that is not XML is refused whole, with the line at fault."""
    with pytest.raises(
        QBXMLRPError, match=r"0x80040400.*line 6: Opening and ending tag mismatch"
    ) as caught:
        company.process(doc("<CustomerQueryRq>\n</CustomerQuery>"))
    assert caught.value.hresult == 0x80040400


def test_missing_qbxml_instruction_is_0x80040400(company):
    """Without <?qbxml version?> QuickBooks cannot read the document."""
    with pytest.raises(QBXMLRPError, match="qbxml version"):
        company.process(doc("<CustomerQueryRq/>").replace('<?qbxml version="16.0"?>', ""))


def test_unknown_qbxml_version_is_0x80040423(company):
    """A version the host does not speak is refused."""
    with pytest.raises(QBXMLRPError, match="0x80040423"):
        company.process(doc("<CustomerQueryRq/>", version="17.0"))


def test_an_older_qbxml_version_is_answered(company):
    """Documents written for qbXML 2.0 are accepted."""
    assert "CustomerQueryRs" in company.process(doc("<CustomerQueryRq/>", version="2.0"))


def test_elements_out_of_order_name_the_element_and_line(company):
    """A schema-invalid request is refused naming the element and its line."""
    add = "<CustomerAdd>\n<Phone>1</Phone>\n<Name>X</Name></CustomerAdd>"
    body = f"<CustomerAddRq>{add}</CustomerAddRq>"
    with pytest.raises(
        QBXMLRPError, match=r"line 6: CustomerAddRq.CustomerAdd: Phone is not expected here"
    ):
        company.process(doc(body))


def test_unknown_element_is_refused(company):
    """An element the schema does not know is refused."""
    with pytest.raises(QBXMLRPError, match="Nickname is not expected in CustomerAdd"):
        company.process(
            doc(
                "<CustomerAddRq><CustomerAdd><Name>X</Name><Nickname>x</Nickname></CustomerAdd></CustomerAddRq>"
            )
        )


def test_text_inside_an_aggregate_is_refused(company):
    """Text where only elements belong is refused."""
    with pytest.raises(QBXMLRPError, match="CustomerAdd takes no text"):
        company.process(
            doc("<CustomerAddRq><CustomerAdd>hello<Name>X</Name></CustomerAdd></CustomerAddRq>")
        )


def test_text_after_an_element_inside_an_aggregate_is_refused(company):
    """Text between child elements is refused too."""
    with pytest.raises(QBXMLRPError, match=r"CustomerAdd takes elements, not text \(after Name\)"):
        company.process(
            doc("<CustomerAddRq><CustomerAdd><Name>X</Name>stray</CustomerAdd></CustomerAddRq>")
        )


def test_text_between_requests_is_refused(company):
    """Text in the message set outside any request is refused."""
    with pytest.raises(QBXMLRPError, match="QBXMLMsgsRq takes elements, not text"):
        company.process(doc("<CustomerQueryRq/> stray"))


def test_a_comment_inside_a_request_is_read_past():
    """A comment between elements takes the general check and changes nothing."""
    books = Books()
    answer = books.invoice("Acme", line("Labor", "2"), extra="<!-- from the app -->")
    assert answer.findtext("CustomerRef/FullName") == "Acme"


def test_unknown_attribute_on_a_request_is_refused(company):
    """An attribute the request does not define is refused."""
    with pytest.raises(QBXMLRPError, match="attribute colour is not allowed"):
        company.process(doc('<CustomerQueryRq colour="red"/>'))


def test_unknown_attribute_on_the_message_set_is_refused(company):
    """QBXMLMsgsRq takes only its own attributes."""
    with pytest.raises(QBXMLRPError, match="QBXMLMsgsRq has no attribute mode"):
        company.process(doc("<CustomerQueryRq/>", attrs=' mode="fast"'))


def test_attribute_on_the_root_is_refused(company):
    """QBXML itself has no attributes."""
    with pytest.raises(QBXMLRPError, match="QBXML has no attribute lang"):
        company.process(doc("<CustomerQueryRq/>").replace("<QBXML>", '<QBXML lang="en">'))


def test_missing_on_error_is_refused(company):
    """onError is required."""
    document = doc("<CustomerQueryRq/>").replace(' onError="stopOnError"', "")
    with pytest.raises(QBXMLRPError, match="onError is required"):
        company.process(document)


def test_rollback_on_error_is_0x80040413(company):
    """QuickBooks Desktop does not support rollbackOnError."""
    with pytest.raises(QBXMLRPError, match="0x80040413") as caught:
        company.process(doc("<CustomerQueryRq/>", on_error="rollbackOnError"))
    assert "rollbackOnError" in caught.value.message


def test_a_refused_document_applies_nothing(company):
    """When one request is invalid, the valid ones before it are not applied either."""
    with pytest.raises(QBXMLRPError):
        company.process(doc(add_rq("Foxtrot") + '<CustomerQueryRq bad="1"/>'))
    assert find(company, "Customer", "Foxtrot") is None


def test_a_name_that_is_no_qbxml_request_is_0x80040400(company):
    """An unknown request type is a parse error, not a simulator gap."""
    with pytest.raises(QBXMLRPError, match="FrobnicateRq is not a qbXML request"):
        company.process(doc("<FrobnicateRq/>"))


def test_a_valid_request_qbsim_does_not_simulate_raises_not_implemented(company):
    """Valid qbXML that qbsim does not answer fails loudly."""
    with pytest.raises(
        NotImplementedInQbsim, match="BillingRateQueryRq is not implemented in qbsim"
    ):
        company.process(doc("<BillingRateQueryRq/>"))


def test_signon_messages_are_not_simulated(company):
    """SignonMsgsRq (QuickBooks Online) is outside qbsim."""
    document = doc("").replace("<QBXMLMsgsRq", "<SignonMsgsRq/><QBXMLMsgsRq")
    with pytest.raises(NotImplementedInQbsim, match="SignonMsgsRq"):
        company.process(document)


# -- one request at a time --------------------------------------------------------------------
def test_a_text_too_long_is_3070_for_that_request(company):
    """A Name over 41 characters is answered 3070; the document is not refused."""
    name = "N" * 42
    rs = responses(company.process(doc(add_rq(name), on_error="continueOnError")))[0]
    assert status_of(rs) == (3070, "Error", f'The string "{name}" in the field "Name" is too long.')


def test_stop_on_error_answers_the_rest_3231(company):
    """After the first error, stopOnError answers every later request 3231."""
    rs = responses(company.process(doc(add_rq("Alpha") + add_rq("Golf", "2"))))
    assert [status_of(r)[0] for r in rs] == [3100, 3231] and rs[1].get("statusMessage") == (
        "The request has not been processed."
    )


def test_stop_on_error_keeps_earlier_changes(company):
    """Requests before the failing one stay applied (no rollback)."""
    company.process(doc(add_rq("Golf") + add_rq("Alpha", "2") + add_rq("Hotel", "3")))
    assert find(company, "Customer", "Golf") is not None
    assert find(company, "Customer", "Hotel") is None


def test_continue_on_error_runs_every_request(company):
    """continueOnError answers each request on its own."""
    rs = responses(company.process(doc(add_rq("Alpha") + add_rq("Golf", "2"), "continueOnError")))
    assert [status_of(r)[0] for r in rs] == [3100, 0]


def test_a_warning_does_not_stop_the_set(company):
    """A 500 warning is not an error: stopOnError goes on."""
    body = "<CustomerQueryRq><FullName>Nobody</FullName></CustomerQueryRq>" + add_rq("Golf", "2")
    assert [status_of(r)[0] for r in responses(company.process(doc(body)))] == [500, 0]


def test_request_id_is_echoed(company):
    """Each Rs carries its request's requestID."""
    rs = responses(company.process(doc('<CustomerQueryRq requestID="q-7"/>')))[0]
    assert rs.get("requestID") == "q-7"


def test_without_request_id_the_answer_has_none(company):
    """No requestID in, none out."""
    assert "requestID" not in responses(company.process(doc("<CustomerQueryRq/>")))[0].attrib


def test_request_id_over_50_characters_is_1060(company):
    """QuickBooks refuses request IDs longer than 50 characters."""
    rs = responses(company.process(doc(f'<CustomerQueryRq requestID="{"r" * 51}"/>')))[0]
    assert status_of(rs)[0] == 1060


def test_response_data_include_none_returns_status_only(company):
    """responseData="includeNone" leaves out every Ret."""
    rs = responses(company.process(doc(add_rq("Golf"), attrs=' responseData="includeNone"')))[0]
    assert (status_of(rs)[0], len(rs)) == (0, 0) and find(company, "Customer", "Golf") is not None


def test_meta_data_only_returns_the_count(company):
    """metaData="MetaDataOnly" answers retCount and no records."""
    rs = send(company, "CustomerQueryRq", {"@": {"metaData": "MetaDataOnly"}})
    assert (rs.get("retCount"), len(rs)) == ("5", 0)


def test_meta_data_and_response_data_returns_both(company):
    """MetaDataAndResponseData answers retCount and the records."""
    rs = send(company, "CustomerQueryRq", {"@": {"metaData": "MetaDataAndResponseData"}})
    assert (rs.get("retCount"), len(rs)) == ("5", 5)


def test_meta_data_on_an_add_is_refused(company):
    """Add requests have no metaData attribute."""
    with pytest.raises(QBXMLRPError, match="attribute metaData is not allowed"):
        company.process(doc(add_rq("Golf").replace('requestID="1"', 'metaData="MetaDataOnly"')))


def test_include_ret_element_limits_the_fields_of_a_query(company):
    """IncludeRetElement returns only the named elements."""
    found = query(company, "Customer", MaxReturned="1", IncludeRetElement=["ListID", "Name"])
    assert list(found[0]) == ["ListID", "Name"]


def test_include_ret_element_applies_to_an_add(company):
    """An Add's Ret is limited by IncludeRetElement too."""
    rs = send(
        company, "CustomerAddRq", {"CustomerAdd": {"Name": "Golf"}, "IncludeRetElement": ["ListID"]}
    )
    assert list(rets(rs)[0]) == ["ListID"]


def test_request_hook_answers_with_its_status(company):
    """A request hook can answer a request with a status of its choosing (faults)."""
    company.request_hooks.append(
        lambda rq, element: StatusError(3175, "locked") if rq == "CustomerAddRq" else None
    )
    rs = responses(company.process(doc(add_rq("Golf"))))[0]
    assert status_of(rs)[:2] == (3175, "Error") and find(company, "Customer", "Golf") is None


# -- iterators --------------------------------------------------------------------------------
def start(company: Company, size: int = 2):
    return send(company, "CustomerQueryRq", {"@": {"iterator": "Start"}, "MaxReturned": str(size)})


def more(company: Company, iterator_id: str, size: int = 2, mode: str = "Continue"):
    attrs = {"iterator": mode, "iteratorID": iterator_id}
    return send(company, "CustomerQueryRq", {"@": attrs, "MaxReturned": str(size)})


def test_iterator_start_answers_a_page_with_a_guid_and_the_remaining_count(company):
    """Start answers MaxReturned records, an iteratorID in braces and what remains."""
    rs = start(company)
    assert (len(rs), rs.get("iteratorRemainingCount")) == (2, "3") and GUID.fullmatch(
        rs.get("iteratorID")
    )


def test_iterator_continue_keeps_the_id_until_nothing_remains(company):
    """Continue pages through the rest under the same iteratorID."""
    first = start(company)
    iterator_id, pages = first.get("iteratorID"), [first]
    while pages[-1].get("iteratorRemainingCount") != "0":
        pages.append(more(company, iterator_id))
    names = [r["Name"] for page in pages for r in rets(page)]
    assert names == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"] and {
        p.get("iteratorID") for p in pages
    } == {iterator_id}


def test_iterator_pages_show_records_as_they_are_now(company):
    """A record changed after Start comes back changed."""
    iterator_id = start(company).get("iteratorID")
    mod(company, "Customer", query(company, "Customer", FullName=["Charlie"])[0], {"Phone": "555"})
    assert rets(more(company, iterator_id))[0]["Phone"] == "555"


def test_iterator_skips_records_deleted_since_start(company):
    """A record deleted after Start is not answered."""
    iterator_id = start(company).get("iteratorID")
    send(
        company,
        "ListDelRq",
        {"ListDelType": "Customer", "ListID": find(company, "Customer", "Charlie").id},
    )
    assert [r["Name"] for r in rets(more(company, iterator_id))] == ["Delta"]


def test_iterator_stop_ends_it(company):
    """After Stop the iteratorID is unknown (3000, inferred)."""
    iterator_id = start(company).get("iteratorID")
    more(company, iterator_id, mode="Stop")
    assert status_of(more(company, iterator_id))[0] == 3000


def test_iterators_die_with_the_session(company):
    """EndSession ends every iterator."""
    iterator_id = start(company).get("iteratorID")
    company.end_session()
    assert status_of(more(company, iterator_id))[0] == 3000


def test_iterator_is_refused_on_a_query_without_one(company):
    """AccountQueryRq has no iterator attribute in qbXML 16.0."""
    with pytest.raises(QBXMLRPError, match="attribute iterator is not allowed"):
        company.process(doc('<AccountQueryRq iterator="Start"/>'))


def test_iterator_ids_follow_the_seed():
    """The same seed gives the same iteratorIDs."""
    ids = [
        start(CompanyBuilder(seed=3).customer("A").customer("B").customer("C").build()).get(
            "iteratorID"
        )
        for _ in range(2)
    ]
    assert ids[0] == ids[1]


def test_max_returned_without_an_iterator_cuts_the_answer(company):
    """MaxReturned alone returns the first N matches."""
    assert [r["Name"] for r in query(company, "Customer", MaxReturned="2")] == ["Alpha", "Bravo"]


# -- error recovery -----------------------------------------------------------------------------
def recovery(company: Company, body: str = "", **ids: str):
    attrs = "".join(f' {key}="{value}"' for key, value in ids.items())
    return responses_and_attrs(company.process(doc(body, "continueOnError", attrs)))


def responses_and_attrs(response: str):
    from lxml import etree

    msgs = etree.fromstring(response.encode()).find("QBXMLMsgsRs")
    return dict(msgs.attrib), list(msgs)


def test_new_message_set_id_is_echoed(company):
    """A set sent with newMessageSetID answers with it."""
    attrs, _ = recovery(company, add_rq("Golf"), newMessageSetID="S1")
    assert attrs == {"newMessageSetID": "S1"}


def test_status_check_returns_the_stored_answers_without_applying_again(company):
    """oldMessageSetID = newMessageSetID on an empty set returns the stored responses."""
    _, sent = recovery(company, add_rq("Golf"), newMessageSetID="S1")
    attrs, again = recovery(company, oldMessageSetID="S1", newMessageSetID="S1")
    assert (attrs["messageSetStatusCode"], [r.tag for r in again]) == ("0", ["CustomerAddRs"])
    assert rets(again[0]) == rets(sent[0]) and company.count("Customer") == 6


def test_status_check_of_an_unknown_set_is_9002(company):
    """No stored response: 9002."""
    attrs, answers = recovery(company, oldMessageSetID="NOPE", newMessageSetID="NOPE")
    assert (attrs, answers) == ({"messageSetStatusCode": "9002"}, [])


def test_clearing_removes_the_stored_answers(company):
    """An empty set with only oldMessageSetID clears it."""
    recovery(company, add_rq("Golf"), newMessageSetID="S1")
    recovery(company, oldMessageSetID="S1")
    assert (
        recovery(company, oldMessageSetID="S1", newMessageSetID="S1")[0]["messageSetStatusCode"]
        == "9002"
    )


def test_clearing_an_unknown_set_is_600(company):
    """Nothing stored under oldMessageSetID and no new ID: 600."""
    assert recovery(company, oldMessageSetID="NOPE")[0] == {"messageSetStatusCode": "600"}


def test_clear_all_message_sets(company):
    """ClearAllMessageSets forgets every stored set."""
    recovery(company, add_rq("Golf"), newMessageSetID="S1")
    recovery(company, add_rq("Hotel"), newMessageSetID="S2")
    recovery(company, oldMessageSetID="ClearAllMessageSets")
    assert company.message_sets == {}


def test_message_set_id_over_24_characters_is_9004(company):
    """A message set ID longer than 24 characters is refused and nothing runs."""
    attrs, answers = recovery(company, add_rq("Golf"), newMessageSetID="X" * 25)
    assert (attrs, answers, find(company, "Customer", "Golf")) == (
        {"messageSetStatusCode": "9004"},
        [],
        None,
    )


def test_a_damaged_stored_set_is_9001(company):
    """Stored answers that fail their checksum are reported 9001."""
    recovery(company, add_rq("Golf"), newMessageSetID="S1")
    company.message_sets["S1"].responses[0] = b"<CustomerAddRs/>"
    assert (
        recovery(company, oldMessageSetID="S1", newMessageSetID="S1")[0]["messageSetStatusCode"]
        == "9001"
    )


def test_a_reused_message_set_id_stores_the_latest_set(company):
    """QBFC reuses one ErrorRecoveryID: each set overwrites what was stored."""
    recovery(company, add_rq("Golf"), newMessageSetID="S1")
    recovery(company, add_rq("Hotel"), newMessageSetID="S1")
    _, answers = recovery(company, oldMessageSetID="S1", newMessageSetID="S1")
    assert rets(answers[0])[0]["Name"] == "Hotel"


def test_request_xml_helper_round_trips_through_the_wire(company):
    """The test helper's documents are valid qbXML."""
    response = company.process(
        request_xml(("CustomerQueryRq", {"MaxReturned": "1"}), newMessageSetID="H1")
    )
    assert status_of(responses(response)[0])[0] == 0


# -- line tags found once (the host's sketch counts lines by them) ---------------------
def test_each_request_type_counts_the_line_tags_its_model_holds():
    """Line tags found from a request's own model are those of all the schema's line tags
    that it holds, for every request type."""
    for request in schema().messages:
        names = wire._names([schema().request_node(request).id])
        assert wire._request_line_tags(request) == tuple(
            tag for tag in wire.line_tags() if tag in names
        )
    assert "InvoiceLineAdd" in wire._request_line_tags("InvoiceAddRq")


def test_the_line_tags_are_those_of_every_global_element():
    """One walk of the schema finds the line tags that walking each global element finds."""
    names: set[str] = set()
    for node_id in schema().elements.values():
        names |= wire._names([node_id])
    assert wire.line_tags() == tuple(
        sorted(name for name in names if "LineAdd" in name or "LineMod" in name)
    )
