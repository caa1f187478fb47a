"""``qbsync profile fit`` recovers a latency profile from a rehearsal's evidence whose
profile is known (a made-up one, every type its own costs, jitter 0): from a workspace to the
millisecond, from the simulated Web Connector's log to the second. The fitted profile then
drives ``rehearse --profile`` (and its HTML report's estimate) to the known run's duration.
``profile show`` prints a profile; bad input is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qbsim.profile import load_profile
from tests.cli_workspace import qbsync

KNOWN = {
    "name": "known",
    "source": "made up for this test",
    "message_set": 0.4,
    "refusal": 0.05,
    "requests": {
        "*": {"base": 0.5, "per_record": 0.1, "jitter": 0},
        "CustomerAddRq": {"base": 0.7, "per_record": 0.0, "jitter": 0},
        "InvoiceAddRq": {"base": 1.3, "per_record": 0.25, "jitter": 0},
        "BillAddRq": {"base": 0.9, "per_record": 0.35, "jitter": 0},
        "SalesReceiptAddRq": {"base": 1.1, "per_record": 0.15, "jitter": 0},
        "*QueryRq": {"base": 0.2, "per_record": 0.05, "jitter": 0},
    },
}
RUN = ("--generate", "302", "--seed", "2", "--batch-size", "4")
"""302 records in sets of 4: the last set holds 2, so the overhead per set shows apart."""


def known_profile(folder: Path, scale: float = 1.0, jitter: float = 0.0) -> Path:
    """The made-up profile as a YAML file, its seconds times ``scale``."""
    data = {**KNOWN, "message_set": KNOWN["message_set"] * scale, "requests": {}}
    for kind, cost in KNOWN["requests"].items():
        data["requests"][kind] = {
            "base": cost["base"] * scale,
            "per_record": cost["per_record"] * scale,
            "jitter": jitter,
        }
    path = folder / f"known-{scale:g}-{jitter:g}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def seconds_of(capsys, *argv) -> float:
    """The simulated seconds of a rehearsal (its estimate of the time on real QuickBooks)."""
    ran = qbsync(capsys, "rehearse", *RUN, *argv, "--json")
    assert ran.code == 0, ran.err
    return ran.json["simulated_seconds"]


@pytest.fixture
def workspace_fit(tmp_path, capsys):
    """A rehearsal under the known profile kept in a workspace, and the fit of it."""
    known = known_profile(tmp_path)
    db = tmp_path / "shop.db"
    assert qbsync(capsys, "rehearse", *RUN, "--profile", known, "--db", db).code == 0
    # The workspace keeps the message sets that change QuickBooks, not the sync's queries:
    # those keep the fallback's costs, here the known profile's.
    out = tmp_path / "fitted.yaml"
    ran = qbsync(capsys, "profile", "fit", db, "--out", out, "--fallback", known, "--json")
    assert ran.code == 0, ran.err
    return known, out, ran.json


def test_a_workspace_fit_recovers_the_known_costs(workspace_fit):
    """Each type's base and per_record where sizes varied, base + size x per_record where
    every request had one size, the overhead per set and no jitter."""
    known_path, _, fit = workspace_fit
    known = load_profile(known_path)
    assert fit["sets_used"] == 76 and not any(fit["skipped"].values())
    assert fit["r_squared"] > 0.99999 and fit["residual_seconds"] < 0.002
    assert fit["message_set"] == pytest.approx(0.4, abs=1e-3)
    one_size = {"CustomerAddRq": 1, "VendorAddRq": 1, "ReceivePaymentAddRq": 1}
    for kind, cost in fit["requests"].items():
        truth = known.cost(kind)
        assert cost["jitter"] == 0, kind
        if kind in one_size:
            size = one_size[kind]
            fitted = cost["base"] + size * cost["per_record"]
            assert fitted == pytest.approx(truth.base + size * truth.per_record, abs=1e-3)
        else:
            assert cost["base"] == pytest.approx(truth.base, abs=1e-3), kind
            assert cost["per_record"] == pytest.approx(truth.per_record, abs=1e-3), kind
    assert {"InvoiceAddRq", "BillAddRq", "SalesReceiptAddRq"} <= set(fit["requests"])
    assert any("CustomerAddRq" in w and "size 1" in w for w in fit["warnings"])


def test_the_fitted_profile_rehearses_as_the_known_one(workspace_fit, tmp_path, capsys):
    """rehearse --profile FILE with the fitted profile takes the known run's time, and the
    HTML report's estimate on real QuickBooks is the fitted profile's."""
    known, fitted, _ = workspace_fit
    expected = seconds_of(capsys, "--profile", known)
    assert seconds_of(capsys, "--profile", fitted) == pytest.approx(expected, rel=1e-3)
    html = tmp_path / "report.html"
    ran = qbsync(capsys, "rehearse", *RUN, "--profile", fitted, "--html", html)
    assert ran.code == 0 and "profile fitted)" in ran.out
    assert "profile fitted" in html.read_text(encoding="utf-8")


def test_a_web_connector_log_fit_recovers_the_known_costs(tmp_path, capsys):
    """From the simulated Web Connector's verbose log, times to the second: with costs of
    seconds, each busy type's cost at its usual size within 5 %, and the fitted profile
    rehearses over the Web Connector within 2 % of the known run."""
    known = known_profile(tmp_path, scale=10)
    log = tmp_path / "QWCLog.txt"
    via = ("--via", "webconnector")
    expected = seconds_of(capsys, *via, "--profile", known, "--wc-log", log)
    fitted = tmp_path / "from-log.yaml"
    ran = qbsync(capsys, "profile", "fit", log, "--out", fitted, "--name", "from-log", "--json")
    assert ran.code == 0, ran.err
    fit, truth = ran.json, load_profile(known)
    assert fit["r_squared"] > 0.999 and fit["requests"]["InvoiceAddRq"]["jitter"] < 0.05
    for kind in ("InvoiceAddRq", "BillAddRq", "SalesReceiptAddRq", "CustomerAddRq"):
        cost = fit["requests"][kind]
        for size in (1, 3, 5):
            seconds = cost["base"] + size * cost["per_record"]
            assert seconds == pytest.approx(truth.seconds(kind, size), rel=0.05), (kind, size)
    assert seconds_of(capsys, *via, "--profile", fitted) == pytest.approx(expected, rel=0.02)


def test_jitter_is_recovered_from_the_residuals(tmp_path, capsys):
    """Each request drawing its own lognormal multiplier (sigma 0.3): the fit finds it."""
    known = known_profile(tmp_path, jitter=0.3)
    db = tmp_path / "shop.db"
    assert qbsync(capsys, "rehearse", *RUN, "--profile", known, "--db", db).code == 0
    ran = qbsync(capsys, "profile", "fit", db, "--fallback", known, "--json")
    jitters = {cost["jitter"] for cost in ran.json["requests"].values()}
    assert len(jitters) == 1 and 0.18 < jitters.pop() < 0.42
    assert ran.json["r_squared"] < 0.999  # the jitter is in the residuals


def test_too_little_evidence_is_said_to_be_under_determined(tmp_path, capsys):
    """One message set of many types: the fit names the costs it could not tell apart."""
    db = tmp_path / "small.db"
    assert qbsync(capsys, "rehearse", "--generate", "30", "--db", db).code == 0
    ran = qbsync(capsys, "profile", "fit", db)
    assert ran.code == 0
    assert "under-determined" in ran.out and "InvoiceAddRq" in ran.out
    assert "Not saved: give --out FILE" in ran.out


def test_unanswered_exchanges_are_skipped_and_counted(tmp_path, capsys):
    """A request QuickBooks refused has no answer: skipped, and the count says so."""
    from tests.test_evidence_readers import hand_made_log

    log = tmp_path / "QWCLog.txt"
    log.write_text(hand_made_log())
    ran = qbsync(capsys, "profile", "fit", log, "--json")
    assert ran.code == 0, ran.err
    assert ran.json["sets_used"] == 2 and ran.json["skipped"]["without an answer"] == 1


def test_evidence_without_times_is_refused(tmp_path, capsys):
    """Nothing timed and answered to fit from: exit 2, saying what evidence to give."""
    from tests.test_evidence_readers import entry

    log = tmp_path / "QWCLog.txt"
    request = hand_request()
    log.write_text(entry("20260105.14:00:01", "do_sendRequestXML", request) + "\n")
    ran = qbsync(capsys, "profile", "fit", log)
    assert ran.code == 2
    assert "none of its 1 message sets has both an answer and the times" in ran.err


def hand_request() -> str:
    from tests.test_evidence_readers import REQUEST

    return REQUEST.format(n=1)


def test_bad_input_is_refused(tmp_path, capsys):
    """Missing evidence, an unknown fallback profile, an --out that cannot be written."""
    from tests.test_evidence_readers import hand_made_log

    missing = qbsync(capsys, "profile", "fit", tmp_path / "nowhere.txt")
    assert missing.code == 2 and "no such file or folder" in missing.err
    log = tmp_path / "QWCLog.txt"
    log.write_text(hand_made_log())
    fallback = qbsync(capsys, "profile", "fit", log, "--fallback", "no-such-profile")
    assert fallback.code == 2 and "no latency profile 'no-such-profile'" in fallback.err
    out = tmp_path / "missing-folder" / "p.yaml"
    unwritable = qbsync(capsys, "profile", "fit", log, "--out", out)
    assert unwritable.code == 2 and f"--out {out}: cannot be written" in unwritable.err


def test_profile_show_prints_a_profile(tmp_path, capsys):
    """By name or path, for people and as JSON; an unknown one is refused."""
    shown = qbsync(capsys, "profile", "show", "default")
    assert shown.code == 0 and "ESTIMATES, NOT MEASUREMENTS" in shown.out
    assert "InvoiceAddRq" in shown.out and "message_set 0.05 s" in shown.out
    path = known_profile(tmp_path)
    data = qbsync(capsys, "profile", "show", path, "--json").json
    assert data["name"] == "known" and data["requests"]["BillAddRq"]["per_record"] == 0.35
    refused = qbsync(capsys, "profile", "show", "nothing-like-it")
    assert refused.code == 2 and "no latency profile 'nothing-like-it'" in refused.err


def _set(invoices: list[int], customers: int) -> tuple[str, str]:
    """A request document of invoices (each with its number of lines) and customer adds, and
    the response QuickBooks gives it (one record back per add)."""
    line = "<InvoiceLineAdd><ItemRef><FullName>Labor</FullName></ItemRef></InvoiceLineAdd>"
    adds = [
        f"<InvoiceAddRq><InvoiceAdd><CustomerRef><FullName>A</FullName></CustomerRef>"
        f"{line * lines}</InvoiceAdd></InvoiceAddRq>"
        for lines in invoices
    ] + ["<CustomerAddRq><CustomerAdd><Name>B</Name></CustomerAdd></CustomerAddRq>"] * customers
    answers = ["<InvoiceAddRs statusCode='0'><InvoiceRet/></InvoiceAddRs>"] * len(invoices)
    answers += ["<CustomerAddRs statusCode='0'><CustomerRet/></CustomerAddRs>"] * customers
    request = f"<QBXML><QBXMLMsgsRq onError='stopOnError'>{''.join(adds)}</QBXMLMsgsRq></QBXML>"
    return request, f"<QBXML><QBXMLMsgsRs>{''.join(answers)}</QBXMLMsgsRs></QBXML>"


def test_jittered_costs_are_fitted_as_the_profile_means_them():
    """With a lognormal multiplier of sigma 0.3 on every request (mean e^0.045, 4.6 % over
    1), the fitted costs are the profile's own, not inflated by that mean: an invoice of 4
    lines (size 5) costs 1.3 + 5 x 0.25 s. (Base and per_record alone trade off against each
    other by a few per cent from sample to sample; their sum at a usual size does not.)"""
    import random

    from qbsim.profile import Cost
    from qbsim.profilefit import TimedSet, fit_message_sets

    rng = random.Random(7)
    invoice, customer = Cost(1.3, 0.25, 0.3), Cost(0.7, 0.0, 0.3)
    sets = []
    for _ in range(3000):
        invoices = [rng.randint(1, 8) for _ in range(rng.randint(0, 4))]
        customers = rng.randint(0 if invoices else 1, 4)
        seconds = 0.4 + sum(invoice.seconds(n + 1, rng) for n in invoices)
        seconds += sum(customer.seconds(1, rng) for _ in range(customers))
        sets.append(TimedSet(*_set(invoices, customers), round(seconds, 3)))
    fit = fit_message_sets(sets)
    fitted = fit.profile.cost("InvoiceAddRq")
    assert fitted.jitter == pytest.approx(0.3, abs=0.03)
    assert fitted.seconds(5) == pytest.approx(2.55, rel=0.015)
    assert fit.profile.message_set == pytest.approx(0.4, abs=0.1)


def test_an_answer_that_is_not_xml_is_refused_naming_its_line(tmp_path, capsys):
    """A response document the log cut or mangled inside: exit 2, naming where it was read."""
    from tests.test_evidence_readers import RESPONSE, hand_made_log

    broken = RESPONSE.format(n=1).replace("</CustomerRet>", "</CustomerRet")
    log = tmp_path / "QWCLog.txt"
    log.write_text(hand_made_log().replace(RESPONSE.format(n=1), broken))
    ran = qbsync(capsys, "profile", "fit", log)
    assert ran.code == 2
    assert "QWCLog.txt, line 10: its response is not a qbXML document" in ran.err
