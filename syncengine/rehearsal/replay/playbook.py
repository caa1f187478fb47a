"""A replay written as a playbook (``scenarios/README.md``): the implied company as placed
``quickbooks:`` records on an empty company, each request as sent to qbsim in ``files:``, and
one ``qbxml send --simulated`` step a request, expecting the status codes the customer's
QuickBooks answered, each preceded by the ``quickbooks:`` steps of the edits a person made
before it (inferred, titled so). A replay that met a gap in qbsim's fidelity is marked
``known_failure``, naming it."""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

import yaml

from syncengine.rehearsal.replay.answers import Difference, Response
from syncengine.rehearsal.replay.play import SEND, Played, Replay


def base(name: str, evidence: str) -> dict[str, Any]:
    """The playbook's data before the replay: its name and what it covers."""
    return {
        "name": name,
        "title": f"Replay of the customer's evidence {evidence}",
        "covers": {
            "behaviour": f"qbsim answers the conversation recorded in {evidence} as the"
            " customer's QuickBooks did",
            "source": f"customer evidence {evidence}, replayed by `qbsync replay`",
        },
    }


def playbook_data(name: str, evidence: str, result: Replay) -> dict[str, Any]:
    """The whole playbook of a replay (see the module docstring)."""
    data = base(name, evidence)
    last = result.played[-1]
    data["title"] = f"Replay of {evidence}: {_what(last)}"
    data["covers"]["behaviour"] = (
        f"Exchange {last.index} of {result.total} ({last.source}): {_what(last)}, as the"
        " customer's QuickBooks answered"
    )
    first = result.played[0].source
    span = f"exchange 1 ({first})" if last.index == 1 else f"exchanges 1-{last.index} ({first} ...)"
    data["covers"]["source"] = f"customer evidence {evidence}, {span}; replayed by `qbsync replay`"
    if result.gap is not None:
        data["known_failure"] = f"qbsim fidelity gap at {result.gap.describe()}"
    data["empty_company"] = True
    data["quickbooks"] = result.implied.records
    data["files"] = {p.file: p.request for p in result.played}
    data["steps"] = [step for p in result.played for step in [*p.before, _step(p)]]
    if result.gap is not None and result.gap.difference is not None:
        _expect_the_recorded(data["steps"][-1]["expect"], result.gap.difference)
    return data


def _what(played: Played) -> str:
    if played.recorded is None:
        return f"{'+'.join(played.types)}, its answer lost"
    codes = ", ".join(f"{r.tag} {r.code}" for r in played.recorded)
    return codes or "an empty answer"


def _step(played: Played) -> dict[str, Any]:
    step: dict[str, Any] = {
        "title": f"Exchange {played.index} ({played.source}): {_what(played)}",
        "run": " ".join([*SEND, played.file]),
    }
    expect: dict[str, Any] = {"exit": 0}
    if played.recorded:
        expect["stdout"] = {"contains": [_expected(r) for r in played.recorded]}
    step["expect"] = expect
    return step


def _expect_the_recorded(expect: dict[str, Any], difference: Difference) -> None:
    """At the gap, expect what the customer's QuickBooks answered beyond its status codes:
    the names its records had and how many there were (so the playbook fails there, as its
    known_failure says)."""
    recorded = difference.recorded
    if recorded is None:
        return
    names = [f">{escape(name)}</" for name in recorded.names if name]
    expect["stdout"]["contains"] += names
    expect["stdout"]["matches"] = records_pattern(recorded)


def records_pattern(response: Response) -> str:
    """A regular expression for the response element holding exactly as many records as
    ``response`` (qbsim prints the answer on one line)."""
    rid = f'(?=[^>]*requestID="{re.escape(response.request_id)}")' if response.request_id else ""
    one = r"<(?P<ret>\w+Ret)>.*?</(?P=ret)>"
    count = len(response.names)
    body = f">(?:{one}){{{count}}}</{response.tag}>"
    return f"<{response.tag}\\b{rid}[^>]*?" + (f"(?:/>|{body})" if count == 0 else body)


def _expected(response: Response) -> str:
    """The start of the response element qbsim writes for the recorded status code."""
    rid = f' requestID="{response.request_id}"' if response.request_id is not None else ""
    return f'<{response.tag}{rid} statusCode="{response.code}"'


def render(data: dict[str, Any], evidence: str) -> str:
    """The playbook as YAML text, a comment saying where it came from first."""
    head = (
        f"# Written by `qbsync replay {evidence}`: the customer's conversation with QuickBooks,\n"
        "# replayed against qbsim from the company it implies. Run it with `qbsync scenario"
        " run`.\n"
    )
    return head + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Dumper(yaml.SafeDumper):
    """Safe YAML with multi-line texts (the request documents) as literal blocks."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)
