"""qbschema's content-model and value fast paths against the definitions they stand in for.

- ``Node.fits`` / ``matches`` (content models walked over bit sets, no regex compiled) agree
  with ``Node.pattern``, the regex that states each model's meaning;
- a leaf's remembered value test (``Node.accepts``) agrees with ``simple_problem``, asked
  once or again.
"""

from __future__ import annotations

import random

import qbschema.model
from qbschema import schema
from qbschema.model import matches, simple_problem


# -- content models -----------------------------------------------------------------------
def _sample(particle: list, rng: random.Random, out: list[str]) -> None:
    """Append a child sequence ``particle`` allows (a few repetitions at most)."""
    kind, low, high = particle[0], particle[-2], particle[-1]
    top = low + 3 if high == -1 else min(high, low + 3)
    for _ in range(rng.randint(low, top)):
        if kind == "e":
            out.append(particle[1])
        elif kind == "s":
            for sub in particle[1]:
                _sample(sub, rng, out)
        else:
            _sample(rng.choice(particle[1]), rng, out)


def _mutated(tags: list[str], names: list[str], rng: random.Random) -> list[str]:
    """``tags`` with one child dropped, repeated, swapped, added or the tail cut off."""
    out = list(tags)
    change = rng.randrange(5)
    if change == 0 and out:
        del out[rng.randrange(len(out))]
    elif change == 1 and out:
        at = rng.randrange(len(out))
        out.insert(at, out[at])
    elif change == 2 and len(out) > 1:
        i, j = rng.randrange(len(out)), rng.randrange(len(out))
        out[i], out[j] = out[j], out[i]
    elif change == 3:
        out.insert(rng.randrange(len(out) + 1), rng.choice(names))
    else:
        out = out[: rng.randrange(len(out) + 1)]
    return out


def test_matches_agrees_with_the_content_model_regex_for_every_node():
    """Valid sequences and near misses of every model get the regex's verdict."""
    rng = random.Random(7)
    sch = schema()
    verdicts = set()
    for node_id in sch._raw_nodes:
        node = sch.node(node_id)
        if not node.content:
            continue
        names = sorted(node.children)
        for _ in range(25):
            tags: list[str] = []
            _sample(node.content, rng, tags)
            for seq in (tags, _mutated(tags, names, rng), _mutated(tags, names, rng)):
                want = node.pattern.fullmatch("".join(f"<{t}>" for t in seq)) is not None
                assert matches(node.content, seq) == want, (node_id, seq)
                assert node.fits(seq) == want
                verdicts.add(want)
    assert verdicts == {True, False}


def test_a_leaf_takes_no_children():
    assert matches(None, []) and matches([], ())
    assert not matches(None, ["Name"])


# -- value tests ----------------------------------------------------------------------------
TEXTS = ["", "0", "2", "-1", "+5", "1.5", ".5", "12.345", "1.123456", "true", "maybe"]
TEXTS += ["2026-01-05", "2026-13-40", "2026-1-5", "2026-01-05T09:00:00", "PT1H", "PT", "x" * 42]


def test_a_leaf_value_test_agrees_with_simple_problem_asked_once_or_again():
    """The texts a leaf's test remembers are still judged as ``simple_problem`` judges them."""
    sch = schema()
    for node_id in sch._raw_nodes:
        node = sch.node(node_id)
        if node.content is not None or node.accepts is None:
            continue
        for _ in range(2):
            for text in TEXTS:
                assert node.accepts(text) == (simple_problem(node.simple, text) is None)


def test_a_full_memory_of_valid_texts_still_tests_new_ones(monkeypatch):
    monkeypatch.setattr(qbschema.model, "_REMEMBERED", 1)
    test = qbschema.model._remembering(lambda text: text.isdigit())
    texts = ("1", "2", "x", "2", "1", "x")
    assert [test(t) for t in texts] == [True, True, False, True, True, False]


def test_a_full_memory_of_valid_texts_follows_the_latest_ones(monkeypatch):
    """Times drift through a long sync: once the memory is full it starts afresh, so the
    texts seen lately are still remembered (a memory of only the first texts tests each
    later one every time it comes)."""
    monkeypatch.setattr(qbschema.model, "_REMEMBERED", 2)
    tested: list[str] = []
    test = qbschema.model._remembering(lambda text: tested.append(text) or text.isdigit())
    for text in ("1", "2", "3", "3", "3", "4", "4"):
        assert test(text)
    assert tested == ["1", "2", "3", "4"]
