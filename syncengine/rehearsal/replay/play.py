"""Replaying a recorded conversation against qbsim, the way its playbook will run it.

The company the evidence implies (:mod:`.implied`) is built as the playbook's starting point
(:class:`~syncengine.rehearsal.playbooks.world.World`), and each request is sent as the
playbook's step sends it: ``qbsync qbxml send --simulated FILE`` in the playbook's folder, so
qbsim gives the same IDs in both. Each request is first rewritten in qbsim's IDs
(:mod:`.translate`), after the QuickBooks edits a person made before it, inferred from its
recorded refusals (:mod:`.between`), are made as the playbook's ``quickbooks:`` steps make
them; each answer is compared with the recorded one (:mod:`.answers`). The
replay stops at the first difference (a :class:`Gap` in qbsim's fidelity) or after the first
answer that refused a request (the customer's error); a :class:`Stop` may name a later one, by
its status code or its exchange, the earlier answers compared on the way.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from qbsim import FaultPlan
from syncengine.errors import SyncError
from syncengine.evidence import EvidenceError, Exchange
from syncengine.rehearsal.playbooks import model
from syncengine.rehearsal.playbooks.world import World
from syncengine.rehearsal.replay import answers, between
from syncengine.rehearsal.replay.implied import Implied, implied_company
from syncengine.rehearsal.replay.translate import Translation

SEND = ["qbxml", "send", "--simulated"]


@dataclass(frozen=True)
class Gap:
    """Where qbsim answered otherwise than the customer's QuickBooks: the exchange (from 1),
    where in the evidence it is, the difference, both answers as sent (qbsim's: what it
    printed refusing the request, when it did) and the request as sent to qbsim."""

    index: int
    source: str
    difference: answers.Difference | None
    recorded: str
    simulated: str
    request: str

    def describe(self) -> str:
        """The gap in one line: the exchange, its place in the evidence and what differs."""
        what = self.difference.describe() if self.difference else "qbsim refused the request"
        return f"exchange {self.index} ({self.source}): {what}"

    def elements(self) -> dict[str, str]:
        """Where the answers part, as indented XML: the request element (as sent to qbsim)
        and each answer's response element to it. qbsim refusing the whole request: the
        request as sent and what qbsim said; no recorded element."""
        if self.difference is None:
            return {
                "request": self.request.strip(),
                "recorded": "",
                "qbsim": self.simulated.strip(),
            }
        place, ours = self.difference.place, self.difference.recorded
        rq = answers.request_for(self.request, ours or self.difference.simulated, place)
        return {
            "request": answers.pretty(rq),
            "recorded": answers.pretty(answers.element_at(self.recorded, place)),
            "qbsim": answers.pretty(answers.element_at(self.simulated, place)),
        }


@dataclass(frozen=True)
class Stop:
    """Where a replay stops (besides a gap): after the first answer holding status ``code``,
    after exchange ``exchange``, or (neither) after the first answer that refused a request."""

    code: str | None = None
    exchange: int | None = None

    def reached(self, played: Played) -> bool:
        """The replay stops after ``played``."""
        if self.exchange is not None:
            return played.index == self.exchange
        if self.code is not None:
            return any(r.code == self.code for r in played.recorded or ())
        return played.failed

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: which stop was asked for (``by``: code, exchange or first_error)."""
        by = "exchange" if self.exchange else "code" if self.code else "first_error"
        return {"by": by, "code": self.code, "exchange": self.exchange}

    def checked(self, exchanges: list[Exchange]) -> Stop:
        """This stop; :class:`EvidenceError` when the evidence holds no answer with its code
        (naming the codes it holds) or no exchange of its number."""
        if self.exchange is not None and not 1 <= self.exchange <= len(exchanges):
            raise EvidenceError(
                f"--exchange {self.exchange}: the evidence holds exchanges 1-{len(exchanges)};"
                " give one of them"
            )
        held = codes_in(exchanges)
        if self.code is not None and self.code not in held:
            raise EvidenceError(
                f"--code {self.code}: no answer in the evidence holds status code {self.code};"
                f" its answers hold {', '.join(held) or 'none (no answer was kept)'}"
            )
        return self


def codes_in(exchanges: list[Exchange]) -> list[str]:
    """The status codes the recorded answers hold, each once, in numeric order."""
    found = {
        r.code
        for e in exchanges
        if e.response_xml is not None
        for r in _summary(e)
        if r.code is not None
    }
    return sorted(found, key=lambda code: (len(code), code))


@dataclass
class Played:
    """One exchange replayed: its file (the request as sent to qbsim), the request types,
    the recorded answer's responses (None: its answer was lost) and qbsim's answer."""

    index: int
    file: str
    request: str
    types: list[str]
    recorded: list[answers.Response] | None
    simulated: str
    source: str
    before: list[dict[str, object]] = field(default_factory=list)
    """The QuickBooks edits inferred before it (playbook steps, :mod:`.between`)."""

    @property
    def failed(self) -> bool:
        """The recorded answer refused a request (statusSeverity Error)."""
        return any(r.failed for r in self.recorded or ())


@dataclass
class Replay:
    """What a replay did: the implied company, every exchange played, the gap if any."""

    total: int
    implied: Implied
    played: list[Played] = field(default_factory=list)
    gap: Gap | None = None
    notes: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)
    """Each QuickBooks edit inferred between exchanges, in a line."""
    stop: Stop = field(default_factory=Stop)

    @property
    def error(self) -> Played | None:
        """The exchange the replay stopped at, when its recorded answer refused a request."""
        last = self.played[-1] if self.played else None
        return last if last is not None and last.failed else None

    @property
    def passed_errors(self) -> list[Played]:
        """The exchanges before the stop whose recorded answers refused a request (a
        :class:`Stop` naming a later answer goes on past them)."""
        return [p for p in self.played[:-1] if p.failed]


def replay(exchanges: list[Exchange], base: dict[str, object], stop: Stop | None = None) -> Replay:
    """Replay ``exchanges`` from the company they imply, up to ``stop`` or a gap; ``base`` is
    the playbook's data so far (name, seed, start, ``empty_company`` ...), whose starting
    point the replay builds."""
    if not exchanges:
        raise EvidenceError("the evidence holds no request; nothing to replay")
    stop = (stop or Stop()).checked(exchanges)
    implied = implied_company(exchanges)
    result = Replay(len(exchanges), implied, notes=list(implied.notes), stop=stop)
    playbook = model.Playbook.model_validate(starting_point(base, implied))
    with tempfile.TemporaryDirectory(prefix="qbsync-replay-") as folder:
        try:
            world = World.build(playbook, Path(folder), FaultPlan())
        except SyncError as exc:
            raise SyncError(
                f"qbsim cannot hold the company the evidence implies ({exc}); the notes of"
                f" what was inferred: {'; '.join(implied.notes) or 'none'}"
            ) from None
        translation = Translation()
        for index, exchange in enumerate(exchanges, 1):
            played = _play(world, translation, index, exchange, result)
            result.played.append(played)
            if result.gap is not None or stop.reached(played):
                break
    return result


def starting_point(base: dict[str, object], implied: Implied) -> dict[str, object]:
    """The playbook data of the replay's starting point: ``base`` with the implied company,
    starting empty (only what the evidence implies), and one placeholder step."""
    data = dict(base) | {"empty_company": True, "quickbooks": implied.records}
    return data | {"steps": [{"title": "placeholder", "run": "qbxml --help"}]}


def _play(
    world: World, translation: Translation, index: int, exchange: Exchange, result: Replay
) -> Played:
    request = _rewritten(translation, exchange)
    types = request_types(request)
    name = f"{index:03d}-{types[0] if types else 'Rq'}.xml"
    recorded = None if exchange.response_xml is None else _summary(exchange)
    before = _edits_before(world, translation, index, request, recorded or [], result)
    (world.db.parent / name).write_text(request, encoding="utf-8")
    shown = world.run_lines([[*SEND, name]])
    played = Played(index, name, request, types, recorded, shown.stdout, exchange.source, before)
    if exchange.response_xml is None:
        result.notes.append(f"exchange {index} ({exchange.source}): its answer was lost")
        return played
    if shown.exit != 0:
        result.gap = Gap(index, exchange.source, None, exchange.response_xml, shown.stderr, request)
        return played
    assert recorded is not None
    simulated = answers.summary(shown.stdout)
    difference, notes = answers.compare(recorded, simulated, translation.quoted)
    result.notes += [f"exchange {index}: {note}" for note in notes]
    if difference is not None:
        result.gap = Gap(
            index, exchange.source, difference, exchange.response_xml, shown.stdout, request
        )
    else:
        translation.learn(exchange.response_xml, shown.stdout)
    return played


def _edits_before(
    world: World,
    translation: Translation,
    index: int,
    request: str,
    recorded: list[answers.Response],
    result: Replay,
) -> list[dict[str, object]]:
    """Make in qbsim's company the QuickBooks edits the recorded refusals imply a person
    made before this exchange (:mod:`.between`); the playbook steps that made them."""
    if not any(r.failed and r.code in between.IMPLYING for r in recorded):
        return []
    ours = set(translation.ids.values()) | result.implied.placed_ids()
    edits = between.inferred(world.company(), request, recorded, translation, ours, index)
    result.notes += [f"exchange {index}: {note}" for note in edits.notes]
    done = []
    for step in edits.steps:
        shown = world.do(model.Step.model_validate(step))
        if shown.exit != 0:
            result.notes.append(f"{step['title']}: qbsim refused it: {shown.stderr.strip()}")
            continue
        done.append(step)
        result.inferred.append(str(step["title"]).removeprefix("Inferred: "))
    return done


def _rewritten(translation: Translation, exchange: Exchange) -> str:
    try:
        return translation.rewrite(exchange.request_xml)
    except ValueError as exc:  # not well-formed: the evidence reader let it through
        raise EvidenceError(f"{exchange.source}: the request is not XML: {exc}") from None


def _summary(exchange: Exchange) -> list[answers.Response]:
    try:
        return answers.summary(exchange.response_xml or "")
    except ValueError as exc:
        raise EvidenceError(f"{exchange.source}: the recorded answer: {exc}") from None


def request_types(request: str) -> list[str]:
    """The request types a request document holds, in order (``CustomerAddRq`` ...)."""
    return [str(rq.tag) for rq in answers.request_elements(request)]
