"""The handler table: request type -> model operation. What is here is what qbsim answers.

``qbsim/COVERAGE.md`` is generated from this table (``python tools/gen_coverage.py``); a
request type missing here fails loudly with ``NotImplementedInQbsim``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from qbsim.errors import Outcome
from qbsim.model import dataext, lists, refs, special, txns

if TYPE_CHECKING:
    from qbsim.company import Company

Handler = Callable[["Company", dict, dict], Outcome]
HANDLERS: dict[str, Handler] = {}


def _on_state(operation: Callable[..., Outcome], *args: Any) -> Handler:
    def handler(company: Company, body: dict, attrs: dict) -> Outcome:
        del attrs  # iterator/metaData attributes are the wire layer's business
        return operation(company.state, *args, body)

    return handler


def register(request_type: str, handler: Handler) -> None:
    """Add a request type to the table (each module of the model registers its own)."""
    if request_type in HANDLERS:
        raise ValueError(f"{request_type} is registered twice")
    HANDLERS[request_type] = handler


def on_state(operation: Callable[..., Outcome], *args: Any) -> Handler:
    """A handler that calls ``operation(company.state, *args, body)``."""
    return _on_state(operation, *args)


for _kind in lists.KINDS:
    register(f"{_kind}AddRq", _on_state(partial(lists.list_add), _kind))
    if _kind != "StandardTerms":  # qbXML has no StandardTermsMod
        register(f"{_kind}ModRq", _on_state(partial(lists.list_mod), _kind))
    if _kind != "SalesTaxCode":  # its query first gives the company its default codes
        register(f"{_kind}QueryRq", _on_state(partial(lists.list_query), _kind))
register("SalesTaxCodeQueryRq", _on_state(lists.tax_code_query))
register("ItemQueryRq", _on_state(lists.list_query, refs.ITEM_KINDS))
register("TermsQueryRq", _on_state(lists.list_query, ("StandardTerms",)))
register("ListDelRq", _on_state(lists.list_del))
txns.register_all(register)
special.register_all(register)
dataext.register_all(register)
# Queries that take OwnerID show those owners' data extensions (DataExtRet).
for _type in [t for t in HANDLERS if t.endswith("QueryRq") and not t.startswith("DataExt")]:
    HANDLERS[_type] = dataext.showing_data_ext(HANDLERS[_type])
