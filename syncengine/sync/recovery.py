"""Error recovery: settle every write set of the job that left without a recorded answer.

Before anything new is sent, each such set (saved, or sent, with no outcome) is asked about
with an empty set carrying ``oldMessageSetID = newMessageSetID = id``:

* QuickBooks answers with the stored responses: the requests were applied; their outcomes are
  recorded exactly as if the answer had arrived the first time.
* ``messageSetStatusCode`` 9002, nothing stored: the requests never reached QuickBooks; the
  same requests go again under a new ID (the old set is abandoned), and that answer counts.
* Anything else (9001, the stored answer is damaged): QuickBooks cannot say whether it applied
  them. Nothing is resent, so nothing can be doubled; the PSRs fail saying so, for a person
  to check QuickBooks (the next import links what QuickBooks has).
"""

from __future__ import annotations

from collections.abc import Generator

from syncengine import qbxml
from syncengine.qbxml import status
from syncengine.store import PsrFailure
from syncengine.sync.answers import apply_answer
from syncengine.sync.context import Context
from syncengine.sync.sets import Outgoing

UNKNOWN = (
    "QuickBooks could not say whether it applied this request (message set {}, status {}); "
    "it was not sent again so that nothing is doubled"
)
UNKNOWN_HINT = (
    "Look the record up in QuickBooks. If it is there, delete this PSR (the next import "
    "links it); if not, sync again."
)


def recover(ctx: Context) -> Generator[Outgoing, str, None]:
    """Settle every unanswered write set of the job, oldest first."""
    for saved in ctx.store.messages.unanswered(ctx.job_id):
        check = yield Outgoing(qbxml.status_check(saved.id).to_xml())
        answer = qbxml.parse_response(check)
        if answer.responses:
            apply_answer(ctx, saved.id, check, recovered=True)
        elif answer.message_set_status_code == status.NO_SAVED_RESPONSE:
            out = ctx.sets.resend(saved.id, saved.request_xml)
            apply_answer(ctx, out.message_set_id or "", (yield out), False, out.requests)
        else:
            _unknown(ctx, saved.id, check, answer.message_set_status_code)


def _unknown(ctx: Context, set_id: str, check: str, code: int | None) -> None:
    """QuickBooks cannot tell: fail the set's PSRs without resending them."""
    store = ctx.store
    requests = [r for r in store.messages.requests(set_id) if r.psr_id is not None]
    failures = [
        PsrFailure(
            r.psr_id,  # type: ignore[arg-type]
            UNKNOWN.format(set_id, code),
            code,
            "Error",
            UNKNOWN_HINT,
            r.request_id,
            r.request_type,
            set_id,
        )
        for r in requests
    ]
    with store.write():
        store.messages.record_response(set_id, check, code, recovered=True)
        if failures:
            store.jobs.fail(failures)
    ctx.state.set_states([r.psr_id for r in requests if r.psr_id is not None], "failed")
