"""Shared lists the app names as text: the accounts items post to, and terms.

Before a set whose records name an account or terms the job has not seen yet, the job asks
QuickBooks for them (all of the job's at once, before the first set, with the setting
``export.validate_lists_first``) and adds the missing ones (setting
``accounts.create_defaults``): an account with the type its role needs (income,
cost of goods sold, inventory asset), standard terms with the due days their name gives
("Net 30" → 30). Adds go in a saved write set like any other, so recovery covers them; an
add QuickBooks refuses because the name exists (3100) is as good as done. Names with a colon
(sub-accounts) are never created: their PSRs fail in QuickBooks with 3140, naming them.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import replace

from syncengine import qbxml
from syncengine.errors import RecordError
from syncengine.qbxml import status
from syncengine.store import LogEntry
from syncengine.sync.answers import apply_answer
from syncengine.sync.context import Context
from syncengine.sync.sets import Carried, Outgoing, read_set

_DAYS = re.compile(r"\d+")
SHARED_CREATED = "create_shared"
"""The sync-log action of an account or terms the job created (outside the wizard's log)."""


def ensure(
    ctx: Context, accounts: dict[str, str], terms: set[str]
) -> Generator[Outgoing, str, None]:
    """Make sure these accounts (FullName → type) and terms exist in QuickBooks."""
    if not accounts and not terms:
        return
    found = yield from _present(accounts, terms)
    missing = _missing(accounts, terms, found)
    if missing and ctx.store.settings.get("accounts.create_defaults"):
        yield from _add(ctx, missing)
    ctx.shared_known.update(("account", n.casefold()) for n in accounts)
    ctx.shared_known.update(("terms", n.casefold()) for n in terms)


def _present(
    accounts: dict[str, str], terms: set[str]
) -> Generator[Outgoing, str, set[tuple[str, str]]]:
    requests = []
    if accounts:
        requests.append(qbxml.query("Account", {"FullName": sorted(accounts)}, request_id="a"))
    if terms:
        requests.append(qbxml.query("Terms", {"FullName": sorted(terms)}, request_id="t"))
    answer = qbxml.parse_response((yield read_set(requests)))
    found = set()
    for response in answer:
        what = "account" if response.type == "AccountQueryRs" else "terms"
        for ret in response.records:
            name = ret.get("FullName") or ret.get("Name") or ""
            found.add((what, name.casefold()))
    return found


def _missing(
    accounts: dict[str, str], terms: set[str], found: set[tuple[str, str]]
) -> list[qbxml.Request]:
    requests: list[qbxml.Request | None] = []
    for name, account_type in sorted(accounts.items()):
        if ("account", name.casefold()) not in found and ":" not in name:
            fields: dict[str, object] = {"Name": name, "AccountType": account_type}
            requests.append(_request("Account", fields, len(requests)))
    for name in sorted(terms):
        if ("terms", name.casefold()) not in found:
            days = _DAYS.search(name)
            fields = {"Name": name, "StdDueDays": int(days.group()) if days else 0}
            requests.append(_request("StandardTerms", fields, len(requests)))
    return [r for r in requests if r is not None]


def _request(kind: str, fields: dict, index: int) -> qbxml.Request | None:
    try:
        return qbxml.add(kind, fields, request_id=f"shared-{index}")
    except RecordError:
        return None  # a name QuickBooks cannot hold: the PSRs naming it fail with 3140


def _add(ctx: Context, requests: list[qbxml.Request]) -> Generator[Outgoing, str, None]:
    out = ctx.sets.save([Carried(r, None) for r in requests])
    answer_xml = yield out
    apply_answer(ctx, out.message_set_id or "", answer_xml, False, out.requests)
    responses = qbxml.parse_response(answer_xml)
    refused = [
        LogEntry(
            "export",
            "failed",
            entity_type=r.type[:-5],
            action="add",
            job_id=ctx.job_id,
            message=f"{r.type}: {r.status_code} {r.status_message}",
        )
        for r in responses
        if r.is_error and r.status_code != status.NAME_IN_USE
    ]
    ctx.store.log.add_many(refused + _created(ctx, responses))


def _created(ctx: Context, responses: qbxml.ResponseSet) -> list[LogEntry]:
    """A sync-log line for each account or terms QuickBooks created (the sync report's)."""
    out = []
    for r in responses:
        if r.is_error or r.record is None:
            continue
        kind = "account" if r.type == "AccountAddRs" else "terms"
        name = r.record.get("FullName") or r.record.get("Name") or ""
        typed = f" ({r.record['AccountType']})" if r.record.get("AccountType") else ""
        entry = LogEntry(
            "export", "success", entity_type=kind, action=SHARED_CREATED, job_id=ctx.job_id
        )
        message = f"{kind} {name!r}{typed} created in QuickBooks"
        out.append(replace(entry, qb_id=r.record.get("ListID"), message=message))
    return out
