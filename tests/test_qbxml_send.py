"""``qbsync qbxml send FILE``: one request document, checked against the schema, sent to the
workspace's simulated company (the one ``job run --simulated`` keeps beside it), its answer
printed; exit 0 whenever QuickBooks answered, 2 when the document was refused unsent."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbsim import Company
from qbsim.testing import query, request_xml
from syncengine.store import Store
from tests.cli_workspace import qbsync


@pytest.fixture
def shop(tmp_path) -> Path:
    path = tmp_path / "shop.db"
    Store(path).close()
    return path


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _send(capsys, shop: Path, file: Path, *more: str):
    return qbsync(capsys, "--db", shop, "qbxml", "send", file, "--simulated", *more)


def test_the_answer_is_printed_and_the_company_kept_beside_the_workspace(shop, tmp_path, capsys):
    add = _file(
        tmp_path, "add.xml", request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "Acme"}}))
    )
    first = _send(capsys, shop, add)
    assert first.code == 0
    assert first.out.startswith("<?xml") and 'statusCode="0"' in first.out
    assert "<Name>Acme</Name>" in first.out
    company = Company.load(shop.with_name("shop.db.qbsim.json"))
    assert [r["Name"] for r in query(company, "Customer")] == ["Acme"]
    second = _send(capsys, shop, add)
    assert second.code == 0 and 'statusCode="3100"' in second.out


def test_company_names_another_company_file(shop, tmp_path, capsys):
    add = _file(tmp_path, "add.xml", request_xml(("VendorAddRq", {"VendorAdd": {"Name": "Bolt"}})))
    other = tmp_path / "other.qbsim.json"
    assert _send(capsys, shop, add, "--company", str(other)).code == 0
    assert [r["Name"] for r in query(Company.load(other), "Vendor")] == ["Bolt"]
    assert not shop.with_name("shop.db.qbsim.json").exists()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "Acme"}})).replace(
                "<Name>Acme</Name>", "<ShoeSize>Acme</ShoeSize>"
            ),
            "does not fit the qbXML schema",
        ),
        ('<?xml version="1.0"?><QBXML><QBXMLMsgsRs/></QBXML>', "not a request document"),
        ("<QBXML><QBXMLMsgsRq>", "not a qbXML document"),
        (
            '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><QBXML><QBXMLMsgsRq/></QBXML>',
            "declares a DTD",
        ),
    ],
)
def test_a_document_that_cannot_be_sent_is_refused_unsent(shop, tmp_path, capsys, text, says):
    ran = _send(capsys, shop, _file(tmp_path, "rq.xml", text))
    assert ran.code == 2 and says in ran.err and ran.out == ""
    assert not shop.with_name("shop.db.qbsim.json").exists()


def test_a_document_the_request_processor_refuses_exits_2_with_its_hresult(shop, tmp_path, capsys):
    """A qbXML version QuickBooks does not speak: the whole document is refused (as COM
    raises it), nothing is printed on stdout, and the HRESULT is named."""
    text = request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "Acme"}}), version="99.0")
    ran = _send(capsys, shop, _file(tmp_path, "v99.xml", text))
    assert ran.code == 2 and ran.out == ""
    assert "0x80040423" in ran.err


def test_a_missing_file_is_refused(shop, tmp_path, capsys):
    ran = _send(capsys, shop, tmp_path / "none.xml")
    assert ran.code == 2 and "none.xml: cannot read" in ran.err


def test_com_sends_to_the_open_company(shop, tmp_path, capsys, monkeypatch):
    """Over COM the document reaches the company open in QuickBooks and its answer is
    printed. COM exists only on Windows: qbsim's ComMachine stands in for the COM server
    through the engine's dispatch hook (as in tests/test_cli_com.py)."""
    from qbsim.host.comserver import ComMachine, installed

    monkeypatch.setenv("QBSYNC_COM_DISPATCH", "qbsim.host.comserver:dispatch")
    company = Company(name="Lakeside Bakery")
    add = request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "Lake"}}))
    with installed(ComMachine.with_company(company)):
        ran = qbsync(capsys, "--db", shop, "qbxml", "send", _file(tmp_path, "a.xml", add), "--com")
    assert ran.code == 0, ran.err
    assert 'statusCode="0"' in ran.out and "<Name>Lake</Name>" in ran.out
    assert [r["Name"] for r in query(company, "Customer")] == ["Lake"]


def test_com_is_refused_where_there_is_none(shop, tmp_path, capsys):
    """On Linux there is no COM: the send is refused with the transport's reason (real COM
    is covered on Windows only, tests/test_com_real.py)."""
    add = _file(tmp_path, "add.xml", request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "A"}})))
    ran = qbsync(capsys, "--db", shop, "qbxml", "send", add, "--com")
    assert ran.code == 2 and "qbsync qbxml send:" in ran.err
