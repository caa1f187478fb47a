"""What a reference in a request says of the record it names, when QuickBooks answered the
request without error: the record existed, and of which kind (:mod:`.implied` places it).

- The kind is qbsim's for the reference's element (``qbsim.model.refs.REF_KINDS``: a
  ``CustomerRef`` names a customer, any ``…AccountRef`` an account, a ``SalesTaxCodeRef`` a
  sales tax code ...). Where it may name several kinds (an ``ItemRef``: a service, an
  inventory part ...), the kind an answer in the evidence shows for that ListID or name wins,
  else :data:`AMBIGUOUS` picks one (inferred) or the reference is only noted.
- An account's AccountType is inferred from the reference's element and the element holding
  it (:data:`ACCOUNT_TYPES`; else :data:`DEFAULT_ACCOUNT_TYPE`).
- References qbsim checks against a fixed list of its own (``PaymentMethodRef``,
  ``ShipMethodRef`` ...: ``refs.FIXED_LISTS``) or does not look up at all (``SalesRepRef``)
  place nothing: qbsim answers them as the evidence needs or not at all.
- A 3140's status message names the record that was absent (``invalid reference to
  QuickBooks Account "Services"``): :func:`absent_in` reads it, so nothing is placed of it.
"""

from __future__ import annotations

import re

from lxml import etree

from qbsim.model import refs

ACCOUNT_TYPES: dict[tuple[str, str], str] = {
    # (reference element, the element holding it, "*": any): AccountType. Every row is
    # inferred from what the account is used for in QuickBooks' item and form screens.
    ("AccountRef", "SalesOrPurchase"): "Income",  # a service/other-charge item's account
    ("IncomeAccountRef", "*"): "Income",
    ("ExpenseAccountRef", "*"): "Expense",
    ("COGSAccountRef", "*"): "CostOfGoodsSold",
    ("AssetAccountRef", "*"): "OtherCurrentAsset",  # an inventory item's asset account
    ("ARAccountRef", "*"): "AccountsReceivable",
    ("APAccountRef", "*"): "AccountsPayable",
    ("DepositToAccountRef", "*"): "Bank",
    ("BankAccountRef", "*"): "Bank",
    ("CreditCardAccountRef", "*"): "CreditCard",
    ("AccountRef", "ExpenseLineAdd"): "Expense",
    ("AccountRef", "ExpenseLineMod"): "Expense",
    ("AccountRef", "CheckAdd"): "Bank",  # the account a check is drawn on
}
DEFAULT_ACCOUNT_TYPE = "Expense"
"""The AccountType of an account used where :data:`ACCOUNT_TYPES` has no row (a journal
line, a deposit line ...): inferred, and said so in the note."""

AMBIGUOUS: dict[str, tuple[str, str]] = {
    "ItemRef": ("ItemService", "any line may name a service item"),
    "ItemSalesTaxRef": ("ItemSalesTax", "a single sales tax item rather than a group"),
}
"""The kind placed for a reference that may name several kinds, when no answer shows which,
with why (inferred). Others of several kinds (``EntityRef`` ...) are only noted."""

DEFAULT_CODES = {
    name.casefold(): {"ListID": list_id, "Name": name, "IsTaxable": taxable, "Desc": desc}
    for list_id, name, taxable, desc in refs.DEFAULT_TAX_CODES
}
"""QuickBooks' default sales tax codes (Tax, Non) as qbsim gives them, by casefolded name."""

_REFUSED = re.compile(r'invalid reference to QuickBooks (\w+) "([^"]*)"')
_WORD_KIND = {word: kinds[0] for kinds, word in refs.REF_KINDS.values()}


def kind_of(tag: str, body_kind: str, shown: str | None) -> tuple[str | None, str]:
    """The kind of record a reference element names and why (None: not placed, the why
    says so); ``shown`` is the kind an answer shows for it, ``body_kind`` the request's."""
    if tag == "ParentRef" and body_kind:
        return body_kind, "a parent is of its child's kind"
    if tag in refs.FIXED_LISTS:
        return None, "qbsim holds that list fixed; not placed"
    if tag not in refs.REF_KINDS:
        return None, "qbsim does not look it up; not placed"
    kinds = refs.REF_KINDS[tag][0]
    if shown in kinds:
        return shown, f"an answer shows its kind, {shown}"
    if len(kinds) == 1:
        return kinds[0], ""
    if tag in AMBIGUOUS:
        kind, why = AMBIGUOUS[tag]
        return kind, f"inferred a {kind}: {why}"
    return None, f"of which kind ({', '.join(kinds)})? not placed"


def account_type(ref: etree._Element) -> tuple[str, str]:
    """The AccountType inferred for the account a reference names, and how (a note)."""
    holder = ref.getparent()
    context = "" if holder is None else str(holder.tag)
    child_type = None if holder is None else holder.findtext("AccountType")
    if ref.tag == "ParentRef" and child_type:
        return child_type, f"AccountType {child_type}, its subaccount's (inferred)"
    for key in ((str(ref.tag), context), (str(ref.tag), "*")):
        if key in ACCOUNT_TYPES:
            return ACCOUNT_TYPES[
                key
            ], f"AccountType {ACCOUNT_TYPES[key]} inferred from {key[0]} in {context}"
    return DEFAULT_ACCOUNT_TYPE, (
        f"AccountType {DEFAULT_ACCOUNT_TYPE}: the default, inferred ({ref.tag} in {context}"
        " says nothing of its type)"
    )


def absent_in(message: str) -> tuple[str, str] | None:
    """The kind and name (or ListID) a 3140's status message says was absent, if it says."""
    found = _REFUSED.search(message)
    if found is None or found.group(1) not in _WORD_KIND:
        return None
    return _WORD_KIND[found.group(1)], found.group(2)


def shown_kinds(answer: etree._Element) -> dict[str, str]:
    """The kind of each list record in an answer, by its ListID and by its casefolded full
    name (each ``…Ret`` holding a ListID)."""
    kinds: dict[str, str] = {}
    for ret in answer.iter():
        if not isinstance(ret.tag, str) or not ret.tag.endswith("Ret"):
            continue
        kind = ret.tag.removesuffix("Ret")
        for key in (ret.findtext("ListID"), ret.findtext("FullName") or ret.findtext("Name")):
            if key and ret.findtext("ListID"):
                kinds[key.casefold()] = kind
    return kinds
