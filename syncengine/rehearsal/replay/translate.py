"""The recorded conversation's IDs in qbsim's words: a record created during the
conversation gets another ListID or TxnID (and EditSequence) in qbsim than it got from the
customer's QuickBooks, so later requests naming it are rewritten before they are sent.

Learnt from each pair of answers that agree (:mod:`.answers`): the records of a response
element are paired in order (their names agree), and every ID, line ID and EditSequence of
the recorded one is mapped to the simulated one's; so are iterator IDs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from qbschema import safexml
from syncengine.rehearsal.replay.answers import record_id, responses_element, rets

ID_TAGS = frozenset({"ListID", "TxnID", "TxnLineID"})
QUOTED_ID = re.compile(r'"([0-9A-F]+-[0-9]+)"')
"""An ID as a status message quotes it."""
HEADER = '<?xml version="1.0" encoding="utf-8"?>\n'
DECLARED_ENCODING = re.compile(r"""\s*<\?xml[^>]*\bencoding=["']([^"']+)""")


@dataclass
class Translation:
    """Recorded → qbsim: IDs (ListID, TxnID, TxnLineID), each record's EditSequences, and
    iterator IDs."""

    ids: dict[str, str] = field(default_factory=dict)
    sequences: dict[tuple[str, str], str] = field(default_factory=dict)
    """(recorded ID, recorded EditSequence) → qbsim's EditSequence."""
    iterators: dict[str, str] = field(default_factory=dict)

    def learn(self, recorded: str, simulated: str) -> None:
        """Map what the records of two agreeing answers carry."""
        pairs = zip(responses_element(recorded), responses_element(simulated), strict=False)
        for ours, theirs in pairs:
            if ours.get("iteratorID") and theirs.get("iteratorID"):
                self.iterators[ours.get("iteratorID")] = theirs.get("iteratorID")
            for our_ret, their_ret in self._paired(rets(ours), rets(theirs)):
                self._learn_ret(our_ret, their_ret)

    def _paired(
        self, ours: list[etree._Element], theirs: list[etree._Element]
    ) -> list[tuple[etree._Element, etree._Element]]:
        """Records of two answers paired: by ID where qbsim's already has the recorded one's
        (in qbsim's words: a placed record, one learnt before), the rest in order (qbsim may
        order records otherwise, e.g. a stand-in name sorts elsewhere)."""
        by_id = {(record_id(ret) or ""): ret for ret in theirs}
        pairs = [(ret, by_id[self._known(ret)]) for ret in ours if self._known(ret) in by_id]
        paired = {id(theirs_ret) for _, theirs_ret in pairs} | {id(ret) for ret, _ in pairs}
        rest_ours = [ret for ret in ours if id(ret) not in paired]
        rest_theirs = [ret for ret in theirs if id(ret) not in paired]
        return pairs + list(zip(rest_ours, rest_theirs, strict=False))

    def _known(self, ret: etree._Element) -> str:
        record = record_id(ret) or ""
        return self.ids.get(record, record)

    def _learn_ret(self, ours: etree._Element, theirs: etree._Element) -> None:
        ours_all, theirs_all = list(ours.iter()), list(theirs.iter())
        if [e.tag for e in ours_all] != [e.tag for e in theirs_all]:
            ours_all, theirs_all = list(ours), list(theirs)  # shapes differ: the top only
        for mine, other in zip(ours_all, theirs_all, strict=False):
            if mine.tag == other.tag and mine.tag in ID_TAGS and mine.text and other.text:
                self.ids[mine.text] = other.text
        record = ours.findtext("ListID") or ours.findtext("TxnID")
        sequence, simulated = ours.findtext("EditSequence"), theirs.findtext("EditSequence")
        if record and sequence and simulated:
            self.sequences[(record, sequence)] = simulated

    def quoted(self, message: str) -> str:
        """A status message with each recorded ID it quotes (``"8000000E-…"``) in qbsim's."""
        return QUOTED_ID.sub(lambda m: f'"{self.ids.get(m[1], m[1])}"', message)

    def rewrite(self, request: str) -> str:
        """``request`` with every recorded ID, EditSequence and iterator ID qbsim knows by
        another replaced by qbsim's, declared as UTF-8 (the file it is sent from is); the text
        unchanged when nothing is replaced and it declares no other encoding."""
        root = safexml.parse(request)
        changes = [self._sequence(e) for e in root.iter("EditSequence")]  # IDs as recorded
        changes += [self._iterator(e) for e in root.iter() if e.get("iteratorID")]
        changes += [self._id(e) for e in root.iter(*ID_TAGS)]
        declared = DECLARED_ENCODING.match(request)
        if not any(changes) and (declared is None or declared[1].lower() in ("utf-8", "utf8")):
            return request
        # Written as UTF-8: a document declaring another encoding is declared anew.
        return HEADER + etree.tostring(root.getroottree(), encoding="unicode") + "\n"

    def _sequence(self, element: etree._Element) -> bool:
        parent = element.getparent()
        if parent is None or element.text is None:
            return False
        record = parent.findtext("ListID") or parent.findtext("TxnID")
        new = self.sequences.get((record or "", element.text))
        if new is None:
            return False
        element.text = new
        return True

    def _iterator(self, element: etree._Element) -> bool:
        new = self.iterators.get(element.get("iteratorID") or "")
        if new is None:
            return False
        element.set("iteratorID", new)
        return True

    def _id(self, element: etree._Element) -> bool:
        new = self.ids.get(element.text or "")
        if new is None or new == element.text:
            return False
        element.text = new
        return True
