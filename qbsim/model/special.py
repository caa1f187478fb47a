"""Company-level requests: HostQuery, CompanyQuery, PreferencesQuery, ListDeletedQuery.

What the host and the company file say about themselves lives on the ``Company`` as plain
data (``company.host``, ``company.info``, ``company.preferences``), so a scenario can play a
multi-user file, another product or other preferences. ``ListDeletedQuery`` answers from the
deleted-objects history, which, as in QuickBooks, reaches back about 90 days.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from qbsim.errors import Outcome
from qbsim.model import refs
from qbsim.model.base import CompanyState, Deleted, in_range, qb_datetime
from qbsim.model.retdata import address_block

if TYPE_CHECKING:
    from qbsim.company import Company

# The qbXML versions a current QuickBooks Desktop accepts (HostRet lists them in this order).
QBXML_VERSIONS = (
    *("1.0", "1.1", "2.0", "2.1", "3.0", "4.0", "4.1", "5.0", "6.0", "7.0", "8.0", "9.0"),
    *("10.0", "11.0", "12.0", "13.0", "14.0", "15.0", "16.0"),
)
# QuickBooks keeps deleted-list history for about three months (Intuit's sync sample re-reads
# everything when the last sync is older than that).
DELETED_HISTORY = timedelta(days=90)


@dataclass
class HostInfo:
    """What ``HostQueryRq`` reports: the product, its version and how the file is open."""

    product_name: str = "QuickBooks Desktop Pro 2024"
    major_version: str = "34"
    minor_version: str = "0"
    country: str = "US"
    supported_versions: tuple[str, ...] = QBXML_VERSIONS
    is_automatic_login: bool = False
    file_mode: str = "SingleUser"  # or "MultiUser"

    def ret(self) -> dict[str, Any]:
        """The ``HostRet`` data."""
        return {
            "ProductName": self.product_name,
            "MajorVersion": self.major_version,
            "MinorVersion": self.minor_version,
            "Country": self.country,
            "SupportedQBXMLVersion": list(self.supported_versions),
            "IsAutomaticLogin": "true" if self.is_automatic_login else "false",
            "QBFileMode": self.file_mode,
        }


def _default_address() -> dict[str, str]:
    return {
        "Addr1": "100 Main Street",
        "City": "Springfield",
        "State": "IL",
        "PostalCode": "62701",
        "Country": "US",
    }


@dataclass
class CompanyInfo:
    """What ``CompanyQueryRq`` reports besides the company name (held by the state)."""

    legal_name: str = ""
    address: dict[str, str] = field(default_factory=_default_address)
    phone: str = "217-555-0100"
    email: str = "office@example.com"
    web_site: str = ""
    first_month_fiscal_year: str = "January"
    first_month_income_tax_year: str = "January"
    company_type: str = "GeneralProductBasedBusiness"
    ein: str = "12-3456789"
    tax_form: str = "Form1120"

    def ret(self, company_name: str) -> dict[str, Any]:
        """The ``CompanyRet`` data for a company of that name."""
        optional = {"Phone": self.phone, "Email": self.email, "CompanyWebSite": self.web_site}
        return {
            "IsSampleCompany": "false",
            "CompanyName": company_name,
            "LegalCompanyName": self.legal_name or company_name,
            "Address": dict(self.address),
            "AddressBlock": address_block(self.address),
            "LegalAddress": dict(self.address),
            **{key: value for key, value in optional.items() if value},
            "FirstMonthFiscalYear": self.first_month_fiscal_year,
            "FirstMonthIncomeTaxYear": self.first_month_income_tax_year,
            "CompanyType": self.company_type,
            "EIN": self.ein,
            "TaxForm": self.tax_form,
            "AccountantCopy": {"AccountantCopyExists": "false"},
        }


_PREFERENCES: dict[str, Any] = {
    "AccountingPreferences": {
        "IsUsingAccountNumbers": "false",
        "IsRequiringAccounts": "true",
        "IsUsingClassTracking": "true",
        "AssignClassesTo": "Accounts",
        "IsUsingAuditTrail": "true",
        "IsAssigningJournalEntryNumbers": "true",
    },
    "FinanceChargePreferences": {
        "AnnualInterestRate": "0.00",
        "MinFinanceCharge": "0.00",
        "GracePeriod": "0",
        "IsAssessingForOverdueCharges": "false",
        "CalculateChargesFrom": "DueDate",
        "IsMarkedToBePrinted": "false",
    },
    "JobsAndEstimatesPreferences": {
        "IsUsingEstimates": "true",
        "IsUsingProgressInvoicing": "false",
        "IsPrintingItemsWithZeroAmounts": "false",
    },
    "MultiCurrencyPreferences": {"IsMultiCurrencyOn": "false"},
    "MultiLocationInventoryPreferences": {
        "IsMultiLocationInventoryAvailable": "false",
        "IsMultiLocationInventoryEnabled": "false",
    },
    "PurchasesAndVendorsPreferences": {
        "IsUsingInventory": "true",
        "DaysBillsAreDue": "10",
        "IsAutomaticallyUsingDiscounts": "false",
    },
    "ReportsPreferences": {"AgingReportBasis": "AgeFromDueDate", "SummaryReportBasis": "Accrual"},
    "SalesAndCustomersPreferences": {
        "IsTrackingReimbursedExpensesAsIncome": "false",
        "IsAutoApplyingPayments": "true",
        "PriceLevels": {"IsUsingPriceLevels": "false", "IsRoundingSalesPriceUp": "true"},
    },
    "TimeTrackingPreferences": {"FirstDayOfWeek": "Monday"},
    "CurrentAppAccessRights": {
        "IsAutomaticLoginAllowed": "false",
        "IsPersonalDataAccessAllowed": "false",
    },
    "ItemsAndInventoryPreferences": {
        "EnhancedInventoryReceivingEnabled": "false",
        "IsTrackingSerialOrLotNumber": "None",
        "FIFOEnabled": "false",
        "IsRSBEnabled": "false",
        "IsBarcodeEnabled": "false",
    },
}


def default_preferences() -> dict[str, Any]:
    """A new company's ``PreferencesRet`` data (a fresh copy to change freely)."""
    return copy.deepcopy(_PREFERENCES)


# -- handlers ---------------------------------------------------------------------------
def host_query(company: Company, body: dict, attrs: dict) -> Outcome:
    """``HostQueryRq``: the product, version, supported qbXML versions and file mode."""
    return Outcome([("HostRet", company.host.ret())])


def company_query(company: Company, body: dict, attrs: dict) -> Outcome:
    """``CompanyQueryRq``: the company's name, addresses and tax set-up."""
    return Outcome([("CompanyRet", company.info.ret(company.state.company_name))])


def preferences_query(company: Company, body: dict, attrs: dict) -> Outcome:
    """``PreferencesQueryRq``: the company preferences (class tracking, inventory, …), with
    ``SalesTaxPreferences`` once the company has a sales tax item."""
    ret = copy.deepcopy(company.preferences)
    if "SalesTaxPreferences" not in ret:
        sales_tax = sales_tax_preferences(company.state)
        if sales_tax is not None:
            ret["SalesTaxPreferences"] = sales_tax
    return Outcome([("PreferencesRet", ret)])


def sales_tax_preferences(state: CompanyState) -> dict[str, Any] | None:
    """The sales tax preference of a company that charges tax, None for one that does not.

    The schema requires a DefaultItemSalesTaxRef, so a company without a sales tax item has no
    such preference (QuickBooks asks for the most common tax item when sales tax is turned on);
    the default is the oldest tax item, paid monthly, with the codes Tax and Non (inferred).
    """
    items = list(state.all(("ItemSalesTax",)))
    if not items:
        return None
    oldest = min(items, key=lambda record: record.created)
    codes = [refs.find_named(state, refs.TAX_CODE, {"FullName": name}) for name in ("Tax", "Non")]
    taxable, non = ({"ListID": c.id, "FullName": c.ret["Name"]} for c in codes if c is not None)
    return {
        "DefaultItemSalesTaxRef": {"ListID": oldest.id, "FullName": oldest.ret["Name"]},
        "PaySalesTax": "Monthly",
        "DefaultTaxableSalesTaxCodeRef": taxable,
        "DefaultNonTaxableSalesTaxCodeRef": non,
    }


def list_deleted_query(company: Company, body: dict, attrs: dict) -> Outcome:
    """``ListDeletedQueryRq``: list elements deleted in the last ~90 days, oldest first."""
    state = company.state
    forget_old_deletions(state)
    types = set(body["ListDelType"])
    window = body.get("DeletedDateRangeFilter") or {}
    found = [
        entry
        for entry in state.deleted
        if entry.is_list
        and entry.del_type in types
        and in_range(entry.deleted, window, "DeletedDate", state.tz)
    ]
    return Outcome([("ListDeletedRet", _deleted_ret(entry)) for entry in found])


def forget_old_deletions(state: CompanyState) -> None:
    """Drop list deletions older than QuickBooks keeps (about 90 days before now)."""
    cutoff = state.now() - DELETED_HISTORY
    kept = [e for e in state.deleted if not e.is_list or e.deleted >= cutoff]
    if len(kept) != len(state.deleted):
        state.deleted[:] = kept
        state.history_rewritten = True


def _deleted_ret(entry: Deleted) -> dict[str, str]:
    ret = {
        "ListDelType": entry.del_type,
        "ListID": entry.id,
        "TimeCreated": qb_datetime(entry.created),
        "TimeDeleted": qb_datetime(entry.deleted),
    }
    if entry.name:
        ret["FullName"] = entry.name
    return ret


HANDLERS: dict[str, Callable[..., Outcome]] = {
    "HostQueryRq": host_query,
    "CompanyQueryRq": company_query,
    "PreferencesQueryRq": preferences_query,
    "ListDeletedQueryRq": list_deleted_query,
}


def register_all(register: Callable[[str, Callable[..., Outcome]], None]) -> None:
    """Add this module's request types to the handler table."""
    for request_type, handler in HANDLERS.items():
        register(request_type, handler)


COVERAGE_NOTES = {
    "HostQueryRq": "product, version, supported qbXML versions, file mode (`company.host`)",
    "CompanyQueryRq": "name, addresses, fiscal year, tax form (`company.info`)",
    "PreferencesQueryRq": "plausible defaults (`company.preferences`); SalesTaxPreferences "
    "once a sales tax item exists (its DefaultItemSalesTaxRef is required; inferred)",
    "ListDeletedQueryRq": "ListDelType list, DeletedDateRangeFilter; history kept 90 days",
}
