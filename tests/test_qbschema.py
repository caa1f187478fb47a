"""qbschema: the compiled content models order, check and read qbXML like the real XSD."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import qbschema
from qbschema import SchemaDataError, check_element, schema
from qbschema.check import read_checked
from qbschema.model import simple_problem, value_test
from tests.conftest import XSD_DIR, needs_xsd

ROOT = Path(__file__).resolve().parent.parent
CUSTOMER_FIELDS = {
    "Name": "Acme",
    "IsActive": "true",
    "CompanyName": "Acme Inc",
    "FirstName": "Ann",
    "LastName": "Lee",
    "BillAddress": {"Addr1": "1 Main St", "City": "Springfield"},
    "Phone": "555-0100",
    "Email": "ann@example.com",
    "Notes": "prefers email",
}


def _wrap(request: etree._Element) -> etree._Element:
    root = etree.Element("QBXML")
    msgs = etree.SubElement(root, "QBXMLMsgsRq", onError="stopOnError")
    msgs.append(request)
    return root


def test_build_puts_children_in_schema_order():
    """Fields given in any order come out in the order QuickBooks demands."""
    shuffled = dict(reversed(list(CUSTOMER_FIELDS.items())))
    node = schema().request_node("CustomerAddRq")
    element = schema().build("CustomerAddRq", node, {"CustomerAdd": shuffled})
    tags = [child.tag for child in element[0]]
    assert tags == [
        "Name",
        "IsActive",
        "CompanyName",
        "FirstName",
        "LastName",
        "BillAddress",
        "Phone",
        "Email",
        "Notes",
    ]


def test_build_names_the_field_that_is_too_long():
    """A 42-character Name is refused with its path and QuickBooks' limit."""
    node = schema().request_node("CustomerAddRq")
    with pytest.raises(SchemaDataError, match=r"CustomerAdd\.Name.*at most 41"):
        schema().build("CustomerAddRq", node, {"CustomerAdd": {"Name": "x" * 42}})


def test_build_refuses_an_unknown_field():
    """A field the element does not have is named, not silently dropped."""
    node = schema().request_node("CustomerAddRq")
    with pytest.raises(SchemaDataError, match="no child element Nickname"):
        schema().build("CustomerAddRq", node, {"CustomerAdd": {"Name": "A", "Nickname": "B"}})


def test_build_refuses_both_branches_of_a_choice():
    """A TxnID list and a filter cannot be combined in one query, as in the XSD."""
    node = schema().request_node("InvoiceQueryRq")
    with pytest.raises(SchemaDataError, match="cannot be given together"):
        schema().build("InvoiceQueryRq", node, {"TxnID": ["1-1"], "MaxReturned": 5})


def test_build_requires_required_children():
    """A CustomerAdd without Name says Name is required."""
    node = schema().request_node("CustomerAddRq")
    with pytest.raises(SchemaDataError, match="Name is required"):
        schema().build("CustomerAddRq", node, {"CustomerAdd": {"Phone": "1"}})


def test_read_returns_lists_for_repeatable_children():
    """Repeatable children read back as lists, single ones as values."""
    node = schema().request_node("InvoiceAddRq")
    data = {
        "InvoiceAdd": {
            "CustomerRef": {"FullName": "Acme"},
            "InvoiceLineAdd": [{"Desc": "one"}, {"Desc": "two"}],
        }
    }
    element = schema().build("InvoiceAddRq", node, data)
    assert schema().read(element, node) == data


def test_iterator_attribute_only_where_the_schema_allows_it():
    """Customer queries take iterators, Account queries do not (qbXML 16.0)."""
    assert schema().takes_iterator("CustomerQueryRq")
    assert schema().takes_iterator("InvoiceQueryRq")
    assert not schema().takes_iterator("AccountQueryRq")
    assert not schema().takes_iterator("ListDeletedQueryRq")


def test_check_element_names_the_child_out_of_order():
    """Phone before Name is reported at Phone, like the XSD's 'not expected'."""
    element = etree.fromstring(
        "<CustomerAddRq><CustomerAdd><Phone>1</Phone><Name>A</Name></CustomerAdd></CustomerAddRq>"
    )
    problems = check_element(schema(), element, schema().request_node("CustomerAddRq"))
    assert [p.message for p in problems] == ["Phone is not expected here (wrong order or repeated)"]


@needs_xsd
def test_generated_data_matches_a_fresh_compile():
    """The committed qbxml160.json is what tools/gen_qbschema.py makes from the XSD now."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_qbschema.py"), "--output", "/dev/stdout"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fresh = json.loads(out.splitlines()[0])
    committed = json.loads((ROOT / "qbschema" / "qbxml160.json").read_text())
    assert fresh == committed


@needs_xsd
@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(st.sampled_from(sorted(CUSTOMER_FIELDS)), min_size=0, max_size=9),
)
def test_check_element_agrees_with_the_xsd(keys):
    """For any order and repetition of CustomerAdd fields, our verdict equals the XSD's."""
    add = etree.Element("CustomerAdd")
    for key in keys:
        value = CUSTOMER_FIELDS[key]
        child = schema().build(key, _child_node("CustomerAdd", key), value)
        add.append(child)
    request = etree.Element("CustomerAddRq")
    request.append(add)
    ours = not check_element(schema(), request, schema().request_node("CustomerAddRq"))
    theirs = not qbschema.validate_xsd(_wrap(request))
    assert ours == theirs


# Values that break a CustomerAdd field, and a field it does not know.
BAD_FIELDS = {"IsActive": "maybe", "Name": "x" * 42, "Bogus": "1", "Email": "e" * 1024}
FIELD_CHOICES = [(key, False) for key in CUSTOMER_FIELDS] + [(key, True) for key in BAD_FIELDS]


@settings(max_examples=80, deadline=None)
@given(fields=st.lists(st.sampled_from(FIELD_CHOICES), max_size=9))
def test_read_checked_finds_the_problem_check_element_lists_first(fields):
    """For any order, repetition or bad value of fields, the one-pass check names the same
    first problem as ``check_element``, and a clean element reads as ``Schema.read`` reads."""
    request = etree.fromstring("<CustomerAddRq><CustomerAdd/></CustomerAddRq>")
    for key, bad in fields:
        if bad:
            etree.SubElement(request[0], key).text = BAD_FIELDS[key]
        else:
            value = CUSTOMER_FIELDS[key]
            request[0].append(schema().build(key, _child_node("CustomerAdd", key), value))
    node = schema().request_node("CustomerAddRq")
    problems = check_element(schema(), request, node)
    checked = read_checked(request, node)
    assert checked.problem == (problems[0] if problems else None)
    if not problems:
        assert checked.value == schema().read(request, node)


def test_read_checked_can_cut_long_texts_instead_of_refusing_them():
    """With ``cut_long_texts`` a 42-character Name is listed as too long, not a problem."""
    request = etree.fromstring(
        f"<CustomerAddRq><CustomerAdd><Name>{'x' * 42}</Name></CustomerAdd></CustomerAddRq>"
    )
    node = schema().request_node("CustomerAddRq")
    checked = read_checked(request, node, cut_long_texts=True)
    assert checked.problem is None
    assert [(leaf.tag, limit) for leaf, _field, limit in checked.too_long] == [("Name", 41)]
    assert "41" in read_checked(request, node).problem.message


def test_read_checked_reports_text_between_elements_apart():
    """Text after an element is not a content-model problem: it comes back as ``stray``."""
    request = etree.fromstring(
        "<CustomerAddRq><CustomerAdd><Name>A</Name>oops</CustomerAdd></CustomerAddRq>"
    )
    checked = read_checked(request, schema().request_node("CustomerAddRq"))
    assert checked.problem is None
    assert [e.tag for e in checked.stray] == ["CustomerAdd", "Name"]


SAMPLE_TEXTS = ["", " ", "0", "-1", "+5", "1.5", ".5", "12.345", "true", "TRUE", "maybe"]
SAMPLE_TEXTS += ["2026-01-05", "2026-13-40", "2026-01-05T09:00:00-05:00", "PT1H", "PT", "x" * 42]


def test_value_test_agrees_with_simple_problem_for_every_simple_type():
    """The fast value check says valid exactly when ``simple_problem`` finds nothing."""
    data = json.loads((ROOT / "qbschema" / "qbxml160.json").read_text())
    simples = [n["s"] for n in data["nodes"].values() if n["c"] is None]
    simples += [spec for n in data["nodes"].values() for spec in n["a"].values()]
    for simple in simples:
        enum = (simple or {}).get("enum", [])
        for text in SAMPLE_TEXTS + enum + [f"{e}x" for e in enum]:
            assert value_test(simple)(text) == (simple_problem(simple, text) is None)


def _child_node(parent_rq_child: str, key: str):
    add_node = schema().node(schema().request_node("CustomerAddRq").children[parent_rq_child].node)
    return schema().node(add_node.children[key].node)


def test_find_xsd_dir_honours_an_explicit_setting(monkeypatch, tmp_path):
    """QBXML_SCHEMA_DIR pointing at a folder without the XSD means 'not found', no fallback."""
    monkeypatch.setenv("QBXML_SCHEMA_DIR", str(tmp_path))
    assert qbschema.find_xsd_dir() is None


def test_xsd_dir_is_found_beside_the_checkout():
    """With no setting, the shared reference folder beside the project is used (as in CI)."""
    if XSD_DIR is None:
        pytest.skip("no XSD on this machine")
    assert (XSD_DIR / "qbxmlops160.xsd").is_file()
