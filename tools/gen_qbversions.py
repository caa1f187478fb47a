"""Compile what qbXML 13.0's answers lack compared with 16.0 into ``qbschema/qbxml_versions.json``.

For every answer type in ``qbschema/qbxml160.json``, the 16.0 and 13.0 content models are walked
side by side (Intuit's official XSDs, ``../shared/reference/qbxml-xsd/`` and its ``v13/``); each
16.0 node gets the child elements 13.0 does not have there. qbsim leaves those out of an answer
to a request of version 13.0 or older (``qbschema.versions``). Re-run after
``tools/gen_qbschema.py``:

    python tools/gen_qbversions.py [--xsd-dir DIR]        # --check: exit 1 when stale

Output: ``{"generated_by": ..., "versions": {"13.0": {16.0 node id: [names absent]}}}``; a node
met in several places lists only what is absent in all of them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gen_qbschema import DEFAULT_XSD_DIR, XS, Compiler

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "qbschema" / "qbxml160.json"
OUTPUT = ROOT / "qbschema" / "qbxml_versions.json"
OLDER = {"13.0": ("v13", "130")}  # version -> (folder under the XSD folder, file suffix)


def _children(particle: list | None) -> dict[str, str]:
    """Element name -> node id of every element within a particle, at any depth."""
    if particle is None:
        return {}
    if particle[0] == "e":
        return {particle[1]: particle[2]}
    found: dict[str, str] = {}
    for sub in particle[1]:
        found.update(_children(sub))
    return found


class Comparison:
    """The 16.0 nodes against one older compiled schema: what each 16.0 node lacks there."""

    def __init__(self, new_nodes: dict[str, dict], old: Compiler) -> None:
        self.new_nodes, self.old = new_nodes, old
        self.absent: dict[str, set[str]] = {}
        self.seen: set[tuple[str, str]] = set()

    def walk(self, new_id: str, old_id: str) -> None:
        if (new_id, old_id) in self.seen:
            return
        self.seen.add((new_id, old_id))
        new_kids = _children(self.new_nodes[new_id]["c"])
        old_kids = _children(self.old.nodes[old_id]["c"])
        missing = set(new_kids) - set(old_kids)
        known = self.absent.get(new_id)
        self.absent[new_id] = missing if known is None else known & missing
        for name in sorted(set(new_kids) & set(old_kids)):
            self.walk(new_kids[name], old_kids[name])


def compare(xsd_dir: Path, folder: str, suffix: str) -> dict[str, list[str]]:
    """16.0 node id -> names the older schema lacks there (only nodes that lack some)."""
    data = json.loads(SCHEMA.read_text())
    old = Compiler(xsd_dir / folder, suffix)
    msgs_rs = old.elements["QBXMLMsgsRs"].find(f"{XS}complexType/{XS}choice")
    old_rs = {e.get("name"): e for e in msgs_rs.findall(XS + "element")}
    comparison = Comparison(data["nodes"], old)
    for message in sorted(data["messages"].values(), key=lambda m: m["rs"]):
        if message["rs"] in old_rs:
            comparison.walk(message["rs_node"], old.element_node(old_rs[message["rs"]]))
    return {k: sorted(v) for k, v in sorted(comparison.absent.items()) if v}


def build(xsd_dir: Path) -> dict:
    versions = {v: compare(xsd_dir, folder, suffix) for v, (folder, suffix) in OLDER.items()}
    return {"generated_by": "tools/gen_qbversions.py", "versions": versions}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xsd-dir", type=Path, default=DEFAULT_XSD_DIR)
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args()
    text = json.dumps(build(args.xsd_dir), separators=(",", ":"), sort_keys=True) + "\n"
    if args.check:
        stale = not OUTPUT.exists() or OUTPUT.read_text() != text
        print(f"{OUTPUT} is {'stale: run tools/gen_qbversions.py' if stale else 'current'}")
        return 1 if stale else 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
