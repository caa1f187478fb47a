"""Answers shaped by the request's qbXML version: a 13.0 request gets nothing the official
13.0 schema lacks (qbschema.versions, from tools/gen_qbversions.py)."""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from qbschema import find_xsd_dir
from qbsim import Company
from qbsim.testing import CompanyBuilder, request_xml
from tests.conftest import XSD_DIR

V13 = XSD_DIR / "v13" / "qbxmlops130.xsd" if XSD_DIR is not None else None
needs_v13 = pytest.mark.skipif(V13 is None or not V13.exists(), reason="13.0 XSD not found")


@cache
def schema_13() -> etree.XMLSchema:
    assert V13 is not None and find_xsd_dir() is not None
    return etree.XMLSchema(etree.parse(str(V13)))


def bill_answer(version: str) -> str:
    company = (
        CompanyBuilder().vendor("Acme Supply").klass("Shop").account("Rent", "Expense").build()
    )
    bill = {
        "VendorRef": "Acme Supply",
        "ClassRef": "Shop",
        "ExpenseLineAdd": [{"AccountRef": "Rent", "Amount": "10.00"}],
    }
    return company.process(request_xml(("BillAddRq", {"BillAdd": bill}), version=version))


def test_a_16_request_gets_the_16_only_class_ref_on_a_bill():
    """BillRet's ClassRef (new after 13.0) is answered to a 16.0 request."""
    assert "<ClassRef>" in bill_answer("16.0")


def test_a_13_request_gets_no_class_ref_on_a_bill():
    """The same bill answered to a 13.0 request leaves BillRet's ClassRef out."""
    answer = bill_answer("13.0")
    assert "<ClassRef>" not in answer and "<VendorRef>" in answer


@needs_v13
def test_the_13_answer_is_valid_against_the_13_schema_and_the_16_one_is_not():
    """What is left out is exactly what keeps the answer from being valid 13.0."""
    assert schema_13().validate(etree.fromstring(bill_answer("13.0").encode()))
    assert not schema_13().validate(etree.fromstring(bill_answer("16.0").encode()))


def test_a_2_0_request_is_cut_to_13_the_oldest_schema_held():
    """Versions older than 13.0 are cut as 13.0 (the older schemas are not held)."""
    assert "<ClassRef>" not in bill_answer("2.0")


def test_an_answer_with_nothing_to_cut_is_the_same_in_both_versions():
    """A customer's answer differs in nothing but its stamps between 13.0 and 16.0."""
    answers = []
    for version in ("13.0", "16.0"):
        company = Company()
        body = {"CustomerAdd": {"Name": "Acme", "BillAddress": {"City": "Springfield"}}}
        answers.append(company.process(request_xml(("CustomerAddRq", body), version=version)))
    assert answers[0] == answers[1]


@needs_v13
def test_version_data_matches_a_fresh_compile():
    """The committed qbxml_versions.json is what tools/gen_qbversions.py makes now."""
    tool = Path(__file__).resolve().parents[1] / "tools" / "gen_qbversions.py"
    done = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "qbxml-samples"


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="qbxml-samples not beside the checkout")
def test_the_2_0_customer_add_sample_is_answered_without_bill_address_block():
    """As the real answer to qbxmlgem's 2.0 CustomerAddRq: a BillAddress, no BillAddressBlock;
    the same request as 13.0 gets the block."""
    request = (SAMPLES / "qbxmlgem_CustomerAddRq.xml").read_text()
    old = Company().process(request)
    assert "<BillAddress>" in old and "<BillAddressBlock>" not in old
    real = (SAMPLES / "qbxmlgem_CustomerAddRs_ok.xml").read_text()
    assert "<BillAddress>" in real and "<BillAddressBlock>" not in real
    newer = Company().process(request.replace('version="2.0"', 'version="13.0"'))
    assert "<BillAddressBlock>" in newer
