"""Fault plans: each effect end to end through host.request, with what a real client sees."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import simpy

from qbsim import Company, FaultPlan, QBXMLRPError, hresults
from qbsim.bookkeeper import Bookkeeper
from qbsim.errors import FaultPlanError, ResponseLost
from qbsim.faults import Fault, Target, Trigger, load_plan
from qbsim.handlers import HANDLERS
from qbsim.host import DO_NOT_CARE, QuickBooksHost, RequestProcessor
from qbsim.host.documents import add_rq, build, document, envelope, first, mod_rq, statuses
from qbsim.profile import Cost, Profile

PLANS = Path(__file__).resolve().parents[1] / "scenarios" / "faults"
CLIENT_PLAN = Path(__file__).resolve().parent / "data" / "faults-client.yaml"
"""Every effect once, for this file's client (``CLIENT_WORK``): its names, its edits."""
FILE = "rehearsal.qbw"
START = datetime.fromisoformat("2026-03-02T08:00:00-05:00")
ONE_SECOND = Profile("one", {"*": Cost(1.0)})


def make_host(plan, seed: int = 0, profile=ONE_SECOND) -> QuickBooksHost:
    env = simpy.Environment()
    return QuickBooksHost(env, Company(), profile=profile, faults=plan, seed=seed, start=START)


def one(effect: str, **options) -> FaultPlan:
    when = options.pop("when")
    return FaultPlan.of(Fault(effect, Trigger(**when), **options))


def add(host: QuickBooksHost, kind: str, name: str) -> dict[str, str]:
    answer = first(host.call(add_rq(kind, name)))
    assert answer.code == 0, answer.message
    return answer.fields


def modify(host: QuickBooksHost, kind: str, ret: dict[str, str], **changes):
    return first(host.call(mod_rq(kind, ret["ListID"], ret["EditSequence"], **changes)))


def item_rq(host: QuickBooksHost, name: str) -> str:
    """An ItemServiceAdd posting to income account "Services" (added the first time)."""
    if host.company.count("Account") == 0:
        account = {"Name": "Services", "AccountType": "Income"}
        assert first(host.call(document("AccountAddRq", {"AccountAdd": account}))).code == 0
    sale = {"Price": "100.00", "AccountRef": {"FullName": "Services"}}
    return add_rq("ItemService", name, SalesOrPurchase=sale)


def add_item(host: QuickBooksHost, name: str) -> dict[str, str]:
    answer = first(host.call(item_rq(host, name)))
    assert answer.code == 0, answer.message
    return answer.fields


def hresult_of(call) -> int:
    with pytest.raises(QBXMLRPError) as caught:
        call()
    return caught.value.hresult


# -- plans as data ---------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(PLANS.glob("*.yaml")), ids=lambda p: p.stem)
def test_example_plans_load(path):
    """Every example plan in scenarios/faults/ loads and names at least one fault."""
    assert load_plan(path).faults


def test_example_plan_writes_every_effect():
    """every-fault.yaml holds each effect once: each one can be written in a plan file."""
    from qbsim.faults import EFFECTS

    plan = load_plan(PLANS / "every-fault.yaml")
    assert sorted(f.effect for f in plan.faults) == sorted(EFFECTS)


def test_yaml_plan_equals_the_same_plan_built_in_python():
    """A plan file and the dataclasses say the same thing."""
    text = """
    seed: 5
    faults:
      - effect: record_in_use
        when: {request_type: CustomerModRq, probability: 0.5, times: unlimited}
        duration: 20
        code: 3170
    """
    built = FaultPlan.of(
        Fault(
            "record_in_use",
            Trigger(request_type="CustomerModRq", probability=0.5, times=None),
            duration=20,
            code=3170,
        ),
        seed=5,
    )
    assert load_plan(text) == built


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("faults: [{effect: fire, when: {at: 1}}]", "unknown effect 'fire'"),
        ("faults: [{effect: slow, when: {at: 1}}]", "slow needs a duration"),
        ("faults: [{effect: lose_response, when: {at: 1, probability: 2}}]", "not in 0..1"),
        ("faults: [{effect: lose_response, when: {at: soon}}]", "when.at is 'soon'"),
        ("faults: [{effect: lose_response, when: {at: 1}, colour: red}]", "unknown key 'colour'"),
        ("faults: [{effect: lose_response}]", "needs at least one of"),
        ("faults: [{effect: record_in_use, when: {at: 1}, code: 9}]", "code must be one of"),
        ("faults: [{effect: delete_entity, when: {at: 1}, target: {kind: Customer}}]", "name"),
    ],
)
def test_bad_plans_say_which_fault_and_key(text, message):
    """A plan mistake names the fault (faults[i]) and what to fix."""
    with pytest.raises(FaultPlanError, match=r"faults\[0\]") as caught:
        load_plan(text)
    assert message in str(caught.value)


# -- company-changing effects ----------------------------------------------------------
def test_duplicate_name_makes_our_add_fail_with_3100():
    """Someone adds "Acme Corp" in QuickBooks first: our add → 3100, the name in use."""
    host = make_host(one("duplicate_name", when={"request_type": "CustomerAddRq"}))
    answer = first(host.call(add_rq("Customer", "Acme Corp")))
    assert answer.code == 3100
    assert answer.message == 'The name "Acme Corp" of the list element is already in use.'
    assert host.company.count("Customer") == 1  # theirs


def test_a_request_type_trigger_aims_at_that_request_s_record_not_the_first_in_the_set():
    """A message set adds a vendor, then a customer; the fault is for the CustomerAddRq, so
    the customer's name is taken (3100 on our customer add), and the vendor goes in."""
    host = make_host(one("duplicate_name", when={"request_type": "CustomerAddRq"}))
    vendor = build("VendorAddRq", {"VendorAdd": {"Name": "Birch Supply"}})
    customer = build("CustomerAddRq", {"CustomerAdd": {"Name": "Acme Corp"}})
    answers = statuses(host.call(envelope(vendor, customer, on_error="continueOnError")))
    assert [a.code for a in answers] == [0, 3100]
    assert host.company.count("Vendor") == 1 and host.company.count("Customer") == 1


def test_duplicate_name_works_for_vendors():
    """The same for a vendor: 3100 for our add."""
    host = make_host(one("duplicate_name", when={"request_type": "VendorAddRq"}))
    assert first(host.call(add_rq("Vendor", "Consulting"))).code == 3100


def test_duplicate_name_of_an_item_keys_the_same_item_first():
    """For a service item, the other user keys our very Add (price, account): ours → 3100."""
    host = make_host(one("duplicate_name", when={"request_type": "ItemServiceAddRq"}))
    assert first(host.call(item_rq(host, "Consulting"))).code == 3100
    assert host.company.count("ItemService") == 1


def test_delete_entity_of_an_item_by_plan_target():
    """A timed deletion of item "Consulting" (found by ItemQuery): our ItemServiceMod → 3120."""
    plan = one("delete_entity", when={"at": 30}, target=Target("Item", "Consulting"))
    host = make_host(plan)
    ret = add_item(host, "Consulting")
    host.env.run(until=31)
    assert modify(host, "ItemService", ret, Name="Consulting hours").code == 3120
    assert host.company.count("ItemService") == 0


def test_delete_entity_makes_our_mod_fail_with_3120():
    """Someone deletes the record in QuickBooks: our Mod → 3120, object not found."""
    host = make_host(one("delete_entity", when={"request_type": "CustomerModRq"}))
    ret = add(host, "Customer", "Beta Ltd")
    answer = modify(host, "Customer", ret, Phone="555-0100")
    assert answer.code == 3120
    assert answer.message.startswith(f'Object "{ret["ListID"]}" specified in the request cannot')


@pytest.mark.skipif("ListDeletedQueryRq" not in HANDLERS, reason="ListDeletedQuery not in qbsim")
def test_delete_entity_shows_in_list_deleted_query():
    """An import sees the deletion through ListDeletedQuery, stamped in simulated time."""
    plan = one("delete_entity", when={"at": 50}, target=Target("Customer", "Beta Ltd"))
    host = make_host(plan)
    ret = add(host, "Customer", "Beta Ltd")
    host.env.run(until=60)
    answer = first(host.call(document("ListDeletedQueryRq", {"ListDelType": ["Customer"]})))
    assert (answer.code, answer.fields["ListID"]) == (0, ret["ListID"])
    assert answer.fields["TimeDeleted"] == "2026-03-02T08:00:50-05:00"


def test_delete_entity_makes_a_transaction_referring_to_it_fail_with_3140():
    """An invoice for a customer deleted in QuickBooks → 3140, invalid reference."""
    if "InvoiceAddRq" not in HANDLERS:
        pytest.skip("InvoiceAddRq is not in qbsim yet (transactions are being added)")
    plan = one("delete_entity", when={"request_type": "InvoiceAddRq", "name": "Beta Ltd"})
    host = make_host(plan)
    add(host, "Customer", "Beta Ltd")
    add_item(host, "Consulting")
    invoice = {
        "CustomerRef": {"FullName": "Beta Ltd"},
        "InvoiceLineAdd": [{"ItemRef": {"FullName": "Consulting"}, "Quantity": "1"}],
    }
    answer = first(host.call(document("InvoiceAddRq", {"InvoiceAdd": invoice})))
    assert answer.code == 3140
    assert 'QuickBooks Customer "Beta Ltd"' in answer.message


def test_edit_in_quickbooks_makes_our_mod_fail_with_3200():
    """Someone edits the record: our Mod with the EditSequence we read → 3200."""
    plan = one("edit_in_quickbooks", when={"request_type": "VendorModRq", "name": "Gamma Supply"})
    host = make_host(plan)
    ret = add(host, "Vendor", "Gamma Supply")
    answer = modify(host, "Vendor", ret, Phone="555-0100")
    assert answer.code == 3200
    assert answer.message == f'The provided edit sequence "{ret["EditSequence"]}" is out-of-date. '


def test_edit_in_quickbooks_is_seen_by_an_import():
    """A query by modified date after the edit returns the record with its new values."""
    plan = one(
        "edit_in_quickbooks",
        when={"at": 100},
        target=Target("Customer", "Delta Co"),
        changes={"Phone": "555-0199"},
    )
    host = make_host(plan)
    add(host, "Customer", "Delta Co")
    host.env.run(until=200)
    since = {"FromModifiedDate": "2026-03-02T08:01:00-05:00", "ActiveStatus": "All"}
    answer = first(host.call(document("CustomerQueryRq", since)))
    assert answer.fields["Phone"] == "555-0199"
    assert answer.fields["TimeModified"] == "2026-03-02T08:01:40-05:00"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (3175, "The list element is in use by another user."),
        (3170, "This list has been modified by another user."),
        (3180, "There was an error when saving a Customer list"),
    ],
)
def test_record_in_use_refuses_for_a_while_then_works(code, words):
    """Another user holds the record: Mod → 3170-family for the duration, then it works."""
    plan = one("record_in_use", when={"request_type": "CustomerModRq"}, duration=30, code=code)
    host = make_host(plan)
    ret = add(host, "Customer", "Delta Co")
    refused = modify(host, "Customer", ret, Phone="555-0100")
    assert refused.code == code
    assert words in refused.message
    host.env.run(until=host.env.now + 30)
    assert modify(host, "Customer", ret, Phone="555-0100").code == 0
    assert host.company.request_hooks == []  # the expired lock is gone


def test_lose_response_applies_the_change_but_the_caller_gets_a_transport_error():
    """The answer never arrives (0x80010108), yet the customer IS in the company."""
    host = make_host(one("lose_response", when={"on_request": 1}))
    with pytest.raises(ResponseLost) as caught:
        host.call(add_rq("Customer", "Acme Corp"))
    assert caught.value.hresult == hresults.RPC_DISCONNECTED
    assert host.company.count("Customer") == 1
    assert first(host.call(add_rq("Customer", "Acme Corp"))).code == 3100  # a blind resend


def test_lose_response_is_recoverable_with_message_set_ids():
    """After a lost answer, the error-recovery status check returns the stored response."""
    host = make_host(one("lose_response", when={"on_request": 1}))
    data = {"CustomerAdd": {"Name": "Acme Corp"}}
    with pytest.raises(ResponseLost):
        host.call(document("CustomerAddRq", data, newMessageSetID="m1"))
    stored = first(host.call(envelope(oldMessageSetID="m1", newMessageSetID="m1")))
    assert (stored.tag, stored.code, stored.fields["Name"]) == ("CustomerAddRs", 0, "Acme Corp")


# -- windows -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("effect", "expected"),
    [
        ("modal_dialog", hresults.MODAL_DIALOG),
        ("drop_connection", hresults.COULD_NOT_ACCESS),
        ("quickbooks_not_running", hresults.COULD_NOT_START),
        ("wrong_file_open", hresults.OTHER_FILE_OPEN),
    ],
)
def test_window_refuses_with_its_hresult_then_works(effect, expected):
    """For the window, a Web Connector request fails with the real HRESULT; after, it works."""
    host = make_host(one(effect, when={"at": 10}, duration=60))
    assert first(host.call(add_rq("Customer", "Before"))).code == 0
    host.env.run(until=20)
    assert hresult_of(lambda: host.call(add_rq("Customer", "During"))) == expected
    host.env.run(until=71)
    assert first(host.call(add_rq("Customer", "After"))).code == 0
    assert host.company.count("Customer") == 2


@pytest.mark.parametrize(
    ("effect", "expected"),
    [
        ("modal_dialog", hresults.MODAL_DIALOG),
        ("drop_connection", hresults.BAD_TICKET),
        ("quickbooks_not_running", hresults.BAD_TICKET),
        ("wrong_file_open", hresults.BAD_TICKET),
    ],
)
def test_window_as_a_com_session_sees_it(effect, expected):
    """A COM session's ticket: a dialog refuses it; QuickBooks going away ends the session."""
    host = make_host(one(effect, when={"at": 10}, duration=60))
    processor = RequestProcessor(host)
    processor.open_connection("", "Rehearsal app")
    ticket = processor.begin_session(FILE, DO_NOT_CARE)
    host.env.run(until=20)
    event = processor.process_request(ticket, add_rq("Customer", "During"))
    assert hresult_of(lambda: host.env.run(until=event)) == expected


def test_quickbooks_not_running_begin_session_without_file_name():
    """QuickBooks down and BeginSession given no file name: 0x80040416."""
    host = make_host(one("quickbooks_not_running", when={"at": 0}, duration=60))
    host.env.run(until=1)
    processor = RequestProcessor(host)
    processor.open_connection("", "Rehearsal app")
    call = lambda: processor.begin_session("", DO_NOT_CARE)  # noqa: E731
    assert hresult_of(call) == hresults.NO_FILE_NAME_NOT_RUNNING


def test_slow_multiplies_latency_for_its_window():
    """slow x4: a one-second request takes four seconds while it lasts."""
    host = make_host(one("slow", when={"at": 0}, duration=100, factor=4))
    host.env.run(until=1)
    host.call(add_rq("Customer", "Acme Corp"))
    assert host.env.now == pytest.approx(5.0)
    host.env.run(until=200)
    host.call(add_rq("Customer", "Beta Ltd"))
    assert host.env.now == pytest.approx(201.0)


# -- triggers ----------------------------------------------------------------------------
def test_on_request_fires_on_the_nth_matching_request():
    """on_request: 3 with a type counts only requests of that type."""
    plan = one("duplicate_name", when={"request_type": "CustomerAddRq", "on_request": 3})
    host = make_host(plan)
    codes = [first(host.call(add_rq("Customer", f"C{i}"))).code for i in range(1, 5)]
    assert codes == [0, 0, 3100, 0]


def test_name_trigger_is_case_insensitive_and_matches_mods_by_list_id():
    """A name trigger matches a Mod that gives only the ListID of that record."""
    plan = one("edit_in_quickbooks", when={"name": "acme corp"})
    host = make_host(plan)
    ret = add(host, "Customer", "Beta Ltd")
    acme = first(host.call(add_rq("Customer", "ACME Corp"))).fields  # fires: edits Acme
    assert modify(host, "Customer", ret, Phone="1").code == 0
    assert modify(host, "Customer", acme, Phone="1").code == 0  # fired once only
    assert host.log.where(actor="fault:*")[0].request_id == "rq-0002"


def test_at_is_the_earliest_moment_for_a_request_trigger():
    """at with a request type: only requests at or after that moment can fire it."""
    plan = one("duplicate_name", when={"at": 100, "request_type": "CustomerAddRq"})
    host = make_host(plan)
    assert first(host.call(add_rq("Customer", "Early"))).code == 0
    host.env.run(until=100)
    assert first(host.call(add_rq("Customer", "Late"))).code == 3100


def test_probability_is_drawn_from_the_seed():
    """With probability 0.5 and unlimited times, the pattern repeats for a seed."""

    def pattern(seed):
        when = {"request_type": "CustomerAddRq", "probability": 0.5, "times": None}
        host = make_host(one("duplicate_name", when=when), seed=seed)
        return [first(host.call(add_rq("Customer", f"C{i}"))).code for i in range(40)]

    first_run = pattern(11)
    assert first_run == pattern(11)
    assert 8 <= first_run.count(3100) <= 32
    assert first_run != pattern(12)


# -- determinism ---------------------------------------------------------------------------
CLIENT_WORK = (
    ("Customer", "Acme Corp"),
    ("Customer", "Beta Ltd"),
    ("Vendor", "Gamma Supply"),
    ("Customer", "Delta Co"),
    ("Customer", ""),
    ("Vendor", ""),
)


def rehearsal(seed: int) -> pd.DataFrame:
    """A busy run: every example fault, a bookkeeper, a client adding and editing records."""
    host = make_host(CLIENT_PLAN, seed=seed, profile="default")
    Bookkeeper(host, rate_per_hour=120, seed=seed).start()

    def client():
        for turn in range(600):
            kind, name = CLIENT_WORK[turn % len(CLIENT_WORK)]
            try:
                response = yield host.request(add_rq(kind, name or f"{kind} {turn}"))
                ret = first(response).fields
                if ret:
                    edit = mod_rq(kind, ret["ListID"], ret["EditSequence"], Phone="555-0100")
                    yield host.request(edit)
            except QBXMLRPError:
                pass  # refused or lost: the event log has it
            yield host.env.timeout(3)

    host.env.process(client())
    host.env.run(until=2400)
    return host.log.to_frame()


def test_same_seed_same_event_log():
    """Two runs with one seed and the same inputs give identical event logs."""
    first_log = rehearsal(7)
    pd.testing.assert_frame_equal(first_log, rehearsal(7))
    assert len(first_log) > 500
    assert {"fault:modal_dialog", "bookkeeper", "quickbooks"} <= set(first_log.actor)


def test_another_seed_another_event_log():
    """A different seed changes the run (jitter, chances, the bookkeeper)."""
    assert not rehearsal(7).equals(rehearsal(8))


def test_every_fault_plan_shows_each_outcome_a_client_would_see():
    """Running faults-client.yaml, the client meets each status code and HRESULT it promises."""
    log = rehearsal(7)
    answered = " ".join(log[log.event == "answered"].detail)
    for status_seen in ("CustomerAddRs:3100", "CustomerModRs:3120", "VendorModRs:3200"):
        assert status_seen in answered
    assert "CustomerModRs:3175" in answered
    refused = set(log[log.event == "refused"].detail)
    assert refused == {"0x80040414", "0x80040401", "0x80040408", "0x8004040A"}
    assert (log.event == "lost").sum() == 1
    slow = log[(log.event == "answered") & (log.time > 1810) & (log.time < 2090)]
    assert slow.seconds.median() > 3 * log[log.event == "answered"].seconds.median()
