"""qbsim's data extensions: definitions, values on lists, transactions and the Company, and
queries that name an OwnerID (QBXML-NOTES.md §20; Intuit's DataExt samples)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbsim import Company
from qbsim.testing import CompanyBuilder, add, rets, send, status_of

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "qbxml-samples"
OURS = "{6B2F1B7A-3C4D-4E5F-8A9B-0C1D2E3F4A5B}"
OTHER = "{11111111-2222-3333-4444-555555555555}"
no_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="qbxml-samples not beside checkout")


def define(company: Company, name: str, *objects: str, owner: str = "0", kind="STR255TYPE"):
    body = {"OwnerID": owner, "DataExtName": name, "DataExtType": kind}
    return send(
        company, "DataExtDefAddRq", {"DataExtDefAdd": {**body, "AssignToObject": list(objects)}}
    )


def on_customer(name: str, ext: str, value: str | None = None, owner: str = "0") -> dict:
    body = {"OwnerID": owner, "DataExtName": ext, "ListDataExtType": "Customer"}
    body["ListObjRef"] = {"FullName": name}
    return body if value is None else {**body, "DataExtValue": value}


def on_company(ext: str, value: str, owner: str = OURS) -> dict:
    body = {"OwnerID": owner, "DataExtName": ext, "OtherDataExtType": "Company"}
    return {**body, "DataExtValue": value}


@pytest.fixture
def company() -> Company:
    return CompanyBuilder().customer("Baker, Chris").customer("Cole, Ann").build()


def test_definition_is_answered_with_its_id_and_objects(company):
    """A DataExtDefAdd answers the definition with a DataExtID and its object types."""
    [ret] = rets(define(company, "Spouse's Name", "Customer", "Vendor"))
    assert ret["DataExtID"] == "1"
    assert ret["AssignToObject"] == ["Customer", "Vendor"]


def test_duplicate_definition_name_for_one_owner_is_3100(company):
    """An owner cannot define two fields of one name (case-insensitive); another owner can."""
    define(company, "Color", "Customer")
    assert status_of(define(company, "COLOR", "Customer"))[0] == 3100
    assert status_of(define(company, "Color", "Customer", owner=OURS))[0] == 0


@no_samples
def test_intuit_custom_field_samples_add_mod_and_delete_a_value():
    """Intuit's CustomField Add, Mod and Del samples run on the customers they name."""
    names = ("Baker, Chris", "Abercrombie, Kristy", "Ecker Designs")
    builder = CompanyBuilder()
    for name in names:
        builder.customer(name)
    company = builder.build()
    define(company, "Spouse's Name", "Customer")
    for name in names[1:]:
        send(company, "DataExtAddRq", {"DataExtAdd": on_customer(name, "Spouse's Name", "?")})
    answers = []
    for name in ("Add", "Mod", "Del"):
        text = (SAMPLES / f"intuit_CustomField{name}Value_DataExt{name}Rq.xml").read_bytes()
        answers.append(company.process(text))
    assert all('statusCode="0"' in answer for answer in answers)
    assert "<DataExtValue>Robin</DataExtValue>" in answers[0]
    assert "<DataExtDelRet>" in answers[2]
    assert "<DataExtValue>Gary</DataExtValue>" in answers[1]
    shown = send(company, "CustomerQueryRq", {"FullName": list(names), "OwnerID": ["0"]})
    values = {r["Name"]: [d["DataExtValue"] for d in r.get("DataExtRet", [])] for r in rets(shown)}
    assert values == {names[0]: ["Robin"], names[1]: ["Gary"], names[2]: []}


def test_query_shows_only_the_owners_it_names(company):
    """CustomerQuery with OwnerID 0 shows the custom field, not another owner's private one."""
    define(company, "Color", "Customer")
    define(company, "Secret", "Customer", owner=OURS)
    send(company, "DataExtAddRq", {"DataExtAdd": on_customer("Baker, Chris", "Color", "Red")})
    private = on_customer("Baker, Chris", "Secret", "x1", owner=OURS)
    send(company, "DataExtAddRq", {"DataExtAdd": private})
    [ret] = rets(send(company, "CustomerQueryRq", {"FullName": ["Baker, Chris"], "OwnerID": ["0"]}))
    assert ret["DataExtRet"] == [
        {"OwnerID": "0", "DataExtName": "Color", "DataExtType": "STR255TYPE", "DataExtValue": "Red"}
    ]


def test_query_without_owner_id_shows_no_data_extension(company):
    """Without OwnerID the Ret carries no DataExtRet (inferred, QBXML-NOTES §20)."""
    define(company, "Color", "Customer")
    send(company, "DataExtAddRq", {"DataExtAdd": on_customer("Baker, Chris", "Color", "Red")})
    [ret] = rets(send(company, "CustomerQueryRq", {"FullName": ["Baker, Chris"]}))
    assert "DataExtRet" not in ret


def test_value_for_an_unknown_definition_is_3120(company):
    """DataExtAdd naming a field nobody defined is refused 3120, naming the field."""
    rs = send(company, "DataExtAddRq", {"DataExtAdd": on_customer("Baker, Chris", "Nope", "1")})
    assert status_of(rs)[:2] == (3120, "Error")
    assert '"Nope"' in status_of(rs)[2]


def test_value_on_an_object_type_the_field_is_not_assigned_to_is_3210(company):
    """A Vendor-only field cannot be set on a customer."""
    define(company, "Rating", "Vendor")
    rs = send(company, "DataExtAddRq", {"DataExtAdd": on_customer("Baker, Chris", "Rating", "A")})
    assert status_of(rs)[0] == 3210
    assert "not assigned to Customer" in status_of(rs)[2]


def test_value_on_a_missing_customer_is_3120(company):
    """The list object must exist."""
    define(company, "Color", "Customer")
    rs = send(company, "DataExtAddRq", {"DataExtAdd": on_customer("Nobody", "Color", "Red")})
    assert status_of(rs)[0] == 3120


def test_second_add_of_a_value_is_3100_and_mod_of_none_is_3120(company):
    """Add sets a value once; Mod changes only a value that exists."""
    define(company, "Color", "Customer")
    first = {"DataExtAdd": on_customer("Baker, Chris", "Color", "Red")}
    assert status_of(send(company, "DataExtAddRq", first))[0] == 0
    assert status_of(send(company, "DataExtAddRq", first))[0] == 3100
    mod = {"DataExtMod": on_customer("Cole, Ann", "Color", "Blue")}
    assert status_of(send(company, "DataExtModRq", mod))[0] == 3120


def test_integer_field_refuses_text_with_3210(company):
    """An INTTYPE field holds whole numbers only."""
    define(company, "Visits", "Customer", kind="INTTYPE")
    rs = send(company, "DataExtAddRq", {"DataExtAdd": on_customer("Baker, Chris", "Visits", "x")})
    assert status_of(rs)[0] == 3210


def test_company_value_is_shown_by_company_query_with_the_owner(company):
    """A FileID stamped on the Company comes back from CompanyQuery with that OwnerID."""
    define(company, "FileID", "Company", owner=OURS)
    send(company, "DataExtAddRq", {"DataExtAdd": on_company("FileID", "{ABC}")})
    [ret] = rets(send(company, "CompanyQueryRq", {"OwnerID": [OURS.lower()]}))
    assert [(d["DataExtName"], d["DataExtValue"]) for d in ret["DataExtRet"]] == [
        ("FileID", "{ABC}")
    ]
    [plain] = rets(send(company, "CompanyQueryRq", {"OwnerID": [OTHER]}))
    assert "DataExtRet" not in plain


def test_value_on_an_invoice_line_sits_inside_the_line(company):
    """A TxnLineID value is shown inside that line, the header value after the lines."""
    builder = CompanyBuilder(company).item_service("Labor", "10.00")
    builder.build()
    invoice = add(
        company,
        "Invoice",
        {"CustomerRef": "Baker, Chris", "InvoiceLineAdd": [{"ItemRef": "Labor"}]},
    )
    define(company, "Batch", "Invoice")
    line_id = invoice["InvoiceLineRet"][0]["TxnLineID"]
    base = {"OwnerID": "0", "DataExtName": "Batch", "TxnDataExtType": "Invoice"}
    base["TxnID"] = invoice["TxnID"]
    send(company, "DataExtAddRq", {"DataExtAdd": {**base, "DataExtValue": "H"}})
    line = {**base, "TxnLineID": line_id, "DataExtValue": "L"}
    send(company, "DataExtAddRq", {"DataExtAdd": line})
    query = {"TxnID": [invoice["TxnID"]], "IncludeLineItems": "true", "OwnerID": ["0"]}
    [ret] = rets(send(company, "InvoiceQueryRq", query))
    assert ret["DataExtRet"][0]["DataExtValue"] == "H"
    assert ret["InvoiceLineRet"][0]["DataExtRet"][0]["DataExtValue"] == "L"


def test_definition_rename_keeps_values_and_delete_removes_them(company):
    """DataExtDefMod renames (values follow); DataExtDefDel removes the values too."""
    define(company, "Color", "Customer")
    send(company, "DataExtAddRq", {"DataExtAdd": on_customer("Baker, Chris", "Color", "Red")})
    mod = {"OwnerID": "0", "DataExtName": "Color", "DataExtNewName": "Colour"}
    assert status_of(send(company, "DataExtDefModRq", {"DataExtDefMod": mod}))[0] == 0
    query = {"FullName": ["Baker, Chris"], "OwnerID": ["0"]}
    assert rets(send(company, "CustomerQueryRq", query))[0]["DataExtRet"][0]["DataExtName"] == (
        "Colour"
    )
    send(company, "DataExtDefDelRq", {"OwnerID": "0", "DataExtName": "Colour"})
    assert "DataExtRet" not in rets(send(company, "CustomerQueryRq", query))[0]
    assert status_of(send(company, "DataExtDefQueryRq", {"OwnerID": ["0"]}))[0] == 1


def test_definition_query_filters_by_owner(company):
    """DataExtDefQuery names owners; each sees only its own definitions."""
    define(company, "Color", "Customer")
    define(company, "FileID", "Company", owner=OURS)
    names = [
        r["DataExtName"] for r in rets(send(company, "DataExtDefQueryRq", {"OwnerID": [OURS]}))
    ]
    assert names == ["FileID"]


@no_samples
def test_definition_query_sample_on_a_new_company_finds_none():
    """Intuit's DataExtSample reads status 1 as "no data extensions defined"."""
    text = (SAMPLES / "intuit_DataExtSample_DataExtDefQueryRq_owner_0.xml").read_bytes()
    assert 'statusCode="1"' in Company().process(text)


def test_definitions_and_values_survive_save_and_load(company, tmp_path):
    """A saved company reads back with its definitions, values and next DataExtID."""
    define(company, "FileID", "Company", owner=OURS)
    send(company, "DataExtAddRq", {"DataExtAdd": on_company("FileID", "{ABC}")})
    company.save(tmp_path / "c.json")
    loaded = Company.load(tmp_path / "c.json")
    [ret] = rets(send(loaded, "CompanyQueryRq", {"OwnerID": [OURS]}))
    assert ret["DataExtRet"][0]["DataExtValue"] == "{ABC}"
    assert rets(define(loaded, "AppLock", "Company", owner=OURS))[0]["DataExtID"] == "2"


def test_definitions_and_values_are_replayed_from_the_journal(company, tmp_path):
    """Changes made to a company kept on disk come back from its journal after a crash."""
    path = tmp_path / "c.json"
    company.keep_in(path, fsync=False)
    define(company, "FileID", "Company", owner=OURS)
    send(company, "DataExtAddRq", {"DataExtAdd": on_company("FileID", "{ABC}")})
    define(company, "Gone", "Customer")
    send(company, "DataExtDefDelRq", {"OwnerID": "0", "DataExtName": "Gone"})
    # no close(): the process "dies" here, the journal holds the changes
    replayed = Company.load(path)
    [ret] = rets(send(replayed, "CompanyQueryRq", {"OwnerID": [OURS]}))
    assert ret["DataExtRet"][0]["DataExtValue"] == "{ABC}"
    assert [r["DataExtName"] for r in rets(send(replayed, "DataExtDefQueryRq", {}))] == ["FileID"]


@no_samples
def test_company_stamped_as_the_web_connector_stamps_answers_like_the_capture():
    """AppLock and FileID under one OwnerID come back in a CompanyRet shaped like the real
    strHCPResponse's, DataExtRet last, in the order they were made."""
    from tests.test_qbsim_samples import assert_same_shape, sample_rs

    owner = "{87EDAAF8-637E-4203-867F-4BA79C2F8998}"
    company = Company()
    for name, value in (("AppLock", "LOCKED:HOST:1"), ("FileID", "{CA1C3EB8}")):
        define(company, name, "Company", owner=owner)
        send(company, "DataExtAddRq", {"DataExtAdd": on_company(name, value, owner=owner)})
    rs = send(company, "CompanyQueryRq", {"OwnerID": [owner]})
    real = sample_rs("qbws_strHCPResponse_Premier2012_sample_AppLock_FileID.xml", 1)
    assert real.tag == rs.tag == "CompanyQueryRs"
    assert_same_shape(rs, real)
    ours, theirs = rs.find("CompanyRet"), real.find("CompanyRet")
    assert [c.tag for c in ours][-2:] == [c.tag for c in theirs][-2:] == ["DataExtRet"] * 2
    names = [e.findtext("DataExtName") for e in ours.findall("DataExtRet")]
    assert names == [e.findtext("DataExtName") for e in theirs.findall("DataExtRet")]
