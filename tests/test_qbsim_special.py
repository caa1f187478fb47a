"""qbsim's company-level requests: HostQuery, CompanyQuery, PreferencesQuery, ListDeletedQuery."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from qbsim import Company, QBXMLRPError
from qbsim.model.base import DEFAULT_START
from qbsim.testing import CompanyBuilder, add, find, request_xml, rets, send, status_of


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def company(clock) -> Company:
    return CompanyBuilder(clock=clock, name="Harbor Supply").customer("Acme").vendor("Bolt").build()


def delete(company: Company, kind: str, name: str) -> None:
    send(company, "ListDelRq", {"ListDelType": kind, "ListID": find(company, kind, name).id})


# -- HostQuery ---------------------------------------------------------------------------------
def test_host_query_reports_the_product(company):
    """HostRet names the product, its version and country."""
    host = rets(send(company, "HostQueryRq"))[0]
    assert (host["ProductName"], host["MajorVersion"], host["Country"]) == (
        "QuickBooks Desktop Pro 2024",
        "34",
        "US",
    )


def test_host_query_lists_supported_qbxml_versions_oldest_first(company):
    """SupportedQBXMLVersion runs from 1.0 to 16.0."""
    versions = rets(send(company, "HostQueryRq"))[0]["SupportedQBXMLVersion"]
    assert (versions[0], versions[-1], "13.0" in versions) == ("1.0", "16.0", True)


def test_host_query_follows_the_file_mode(company):
    """A company opened multi-user says so."""
    company.host.file_mode = "MultiUser"
    assert rets(send(company, "HostQueryRq"))[0]["QBFileMode"] == "MultiUser"


def test_host_without_a_version_refuses_documents_of_that_version(company):
    """The versions the host lists are the ones it accepts."""
    company.host.supported_versions = ("13.0",)
    with pytest.raises(QBXMLRPError, match="0x80040423"):
        company.process(request_xml(("HostQueryRq", {})))


def test_host_query_honours_include_ret_element(company):
    """IncludeRetElement limits HostRet too."""
    host = rets(send(company, "HostQueryRq", {"IncludeRetElement": ["ProductName"]}))[0]
    assert host == {"ProductName": "QuickBooks Desktop Pro 2024"}


# -- CompanyQuery ------------------------------------------------------------------------------
def test_company_query_reports_the_company_name(company):
    """CompanyRet carries the company file's name."""
    assert rets(send(company, "CompanyQueryRq"))[0]["CompanyName"] == "Harbor Supply"


def test_company_query_formats_the_address_block(company):
    """AddressBlock is derived from the company address."""
    block = rets(send(company, "CompanyQueryRq"))[0]["AddressBlock"]
    assert block == {"Addr1": "100 Main Street", "Addr2": "Springfield, IL 62701", "Addr3": "US"}


def test_company_query_follows_company_info(company):
    """The legal name comes from company.info."""
    company.info.legal_name = "Harbor Supply LLC"
    assert rets(send(company, "CompanyQueryRq"))[0]["LegalCompanyName"] == "Harbor Supply LLC"


# -- PreferencesQuery --------------------------------------------------------------------------
def test_preferences_query_reports_accounting_preferences(company):
    """PreferencesRet says whether class tracking is on."""
    prefs = rets(send(company, "PreferencesQueryRq"))[0]
    assert prefs["AccountingPreferences"]["IsUsingClassTracking"] == "true"


def test_preferences_follow_the_company(company):
    """Changing company.preferences changes the answer."""
    company.preferences["PurchasesAndVendorsPreferences"]["DaysBillsAreDue"] = "21"
    prefs = rets(send(company, "PreferencesQueryRq"))[0]
    assert prefs["PurchasesAndVendorsPreferences"]["DaysBillsAreDue"] == "21"


# -- ListDeletedQuery --------------------------------------------------------------------------
def test_list_deleted_query_reports_what_was_deleted(company, clock):
    """ListDeletedRet names the type, ID, times and FullName of a deleted element."""
    acme = find(company, "Customer", "Acme")
    clock.now += timedelta(hours=1)
    delete(company, "Customer", "Acme")
    ret = rets(send(company, "ListDeletedQueryRq", {"ListDelType": ["Customer"]}))[0]
    assert ret == {
        "ListDelType": "Customer",
        "ListID": acme.id,
        "TimeCreated": "2026-01-05T09:00:00-05:00",
        "TimeDeleted": "2026-01-05T10:00:00-05:00",
        "FullName": "Acme",
    }


def test_list_deleted_query_keeps_to_the_types_asked(company):
    """Only the listed ListDelTypes are answered."""
    delete(company, "Customer", "Acme")
    delete(company, "Vendor", "Bolt")
    found = rets(send(company, "ListDeletedQueryRq", {"ListDelType": ["Vendor"]}))
    assert [r["FullName"] for r in found] == ["Bolt"]


def test_list_deleted_query_date_range(company, clock):
    """DeletedDateRangeFilter keeps deletions within its bounds."""
    delete(company, "Customer", "Acme")
    clock.now += timedelta(days=2)
    delete(company, "Vendor", "Bolt")
    body = {
        "ListDelType": ["Customer", "Vendor"],
        "DeletedDateRangeFilter": {"FromDeletedDate": "2026-01-06"},
    }
    assert [r["FullName"] for r in rets(send(company, "ListDeletedQueryRq", body))] == ["Bolt"]


def test_list_deleted_query_forgets_after_ninety_days(company, clock):
    """QuickBooks keeps about 90 days of deleted-list history."""
    delete(company, "Customer", "Acme")
    clock.now += timedelta(days=91)
    rs = send(company, "ListDeletedQueryRq", {"ListDelType": ["Customer"]})
    assert status_of(rs)[0] == 1


def test_list_deleted_query_with_nothing_deleted_is_status_1(company):
    """No deletion to report is status 1."""
    rs = send(company, "ListDeletedQueryRq", {"ListDelType": ["Class"]})
    assert status_of(rs) == (
        1,
        "Info",
        "A query request did not find a matching object in QuickBooks",
    )


def test_list_deleted_query_takes_no_iterator(company):
    """ListDeletedQueryRq has no iterator attribute: the document is refused."""
    document = request_xml(("ListDeletedQueryRq", {"ListDelType": ["Customer"]}))
    document = document.replace("<ListDeletedQueryRq>", '<ListDeletedQueryRq iterator="Start">')
    with pytest.raises(QBXMLRPError, match="attribute iterator is not allowed"):
        company.process(document)


def test_a_name_freed_by_a_delete_shows_in_history_and_can_be_reused(company):
    """A deleted customer's name can be used again while its deletion stays on record."""
    delete(company, "Customer", "Acme")
    add(company, "Customer", {"Name": "Acme"})
    found = rets(send(company, "ListDeletedQueryRq", {"ListDelType": ["Customer"]}))
    assert [r["FullName"] for r in found] == ["Acme"]
