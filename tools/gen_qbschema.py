"""Compile the parts of Intuit's qbXML XSD that the product needs into our own JSON data.

The XSD is Intuit's and stays outside the repository; what the request builder and qbsim need
from it (element order, which children, occurrence bounds, string lengths, enumerations,
patterns, attributes, which queries take iterators) is extracted here into
``qbschema/qbxml160.json``, which is committed. Re-run after changing ``MESSAGE_TYPES``:

    python tools/gen_qbschema.py [--xsd-dir DIR]

Output format (compact JSON):
- ``nodes``: node id -> {"c": particle | null, "a": {attr: simple}, "s": simple | null}
- ``elements``: global element name -> node id (only those reachable from the messages)
- ``messages``: request name -> {"rs": response name, "node": id, "rs_node": id,
  "iterator": bool}
- particles: ``["e", name, node, min, max]``, ``["s", [particles], min, max]`` (sequence),
  ``["c", [particles], min, max]`` (choice); ``max`` -1 means unbounded.
- simple: {"k": qbXML base type (STRTYPE, IDTYPE, AMTTYPE, ...), "len": maxLength,
  "enum": [...], "pat": pattern, "lo"/"hi": numeric bounds}
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from lxml import etree

XS = "{http://www.w3.org/2001/XMLSchema}"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_XSD_DIR = ROOT.parent / "shared" / "reference" / "qbxml-xsd"
OUTPUT = ROOT / "qbschema" / "qbxml160.json"

# The request types the product speaks; each brings its response type along.
LIST_KINDS = (
    "Account",
    "Customer",
    "Vendor",
    "Employee",
    "OtherName",
    "ItemService",
    "ItemInventory",
    "ItemNonInventory",
    "ItemOtherCharge",
    "Class",
)
# Sales tax, discount, subtotal and group items and the sales tax code list (issue 16).
SALES_TAX_LIST_KINDS = (
    "ItemSalesTax",
    "ItemSalesTaxGroup",
    "ItemDiscount",
    "ItemSubtotal",
    "ItemGroup",
    "SalesTaxCode",
)
TXN_KINDS = (
    "Invoice",
    "Bill",
    "ReceivePayment",
    "SalesReceipt",
    "CreditMemo",
    "PurchaseOrder",
    "TimeTracking",
    "JournalEntry",
    "Check",
    "ItemReceipt",
    "BillPaymentCheck",
    "SalesOrder",
    "Estimate",
)
OTHER_MESSAGES = (
    "StandardTermsAddRq",
    "StandardTermsQueryRq",
    "TermsQueryRq",
    "ItemQueryRq",
    "ListDelRq",
    "TxnDelRq",
    "TxnVoidRq",
    "ListDeletedQueryRq",
    "TxnDeletedQueryRq",
    "HostQueryRq",
    "CompanyQueryRq",
    "PreferencesQueryRq",
    "DataExtDefAddRq",
    "DataExtDefModRq",
    "DataExtDefDelRq",
    "DataExtDefQueryRq",
    "DataExtAddRq",
    "DataExtModRq",
    "DataExtDelRq",
    "InventoryAdjustmentAddRq",
    "InventoryAdjustmentQueryRq",
    "BillPaymentCreditCardAddRq",  # the 16.0 schema has no BillPaymentCreditCardModRq
    "BillPaymentCreditCardQueryRq",
)
MESSAGE_TYPES = (
    tuple(
        f"{kind}{op}Rq"
        for kind in LIST_KINDS + SALES_TAX_LIST_KINDS + TXN_KINDS
        for op in ("Add", "Mod", "Query")
    )
    + OTHER_MESSAGES
)


def _particles(holder: etree._Element) -> list[etree._Element]:
    return [c for c in holder if isinstance(c.tag, str) and c.tag != XS + "annotation"]


class Compiler:
    """Walks the XSD definitions on demand and interns every content model it meets."""

    def __init__(self, xsd_dir: Path, suffix: str = "160") -> None:
        self.elements: dict[str, etree._Element] = {}
        self.complex_types: dict[str, etree._Element] = {}
        self.simple_types: dict[str, etree._Element] = {}
        self.groups: dict[str, etree._Element] = {}
        for stem in ("qbxmltypes", "qbxml", "qbxmlso", "qbxmlops"):
            root = etree.parse(str(xsd_dir / f"{stem}{suffix}.xsd")).getroot()
            for child in root:
                if not isinstance(child.tag, str):
                    continue
                table = {
                    XS + "element": self.elements,
                    XS + "complexType": self.complex_types,
                    XS + "simpleType": self.simple_types,
                    XS + "group": self.groups,
                }.get(child.tag)
                if table is not None:
                    table[child.get("name")] = child
        self.nodes: dict[str, dict] = {}
        self.global_nodes: dict[str, str] = {}
        self._by_definition: dict[tuple[str, str], str] = {}

    # -- simple types -------------------------------------------------------------
    def simple(self, type_name: str | None, inline: etree._Element | None) -> dict:
        if inline is not None:
            return self._restriction(inline.find(XS + "restriction"))
        if type_name is None or type_name.startswith("xsd:"):
            return {"k": "STRTYPE"}
        definition = self.simple_types[type_name]
        restriction = definition.find(XS + "restriction")
        if restriction is None or definition.find(XS + "union") is not None:
            return {"k": type_name}
        base = restriction.get("base")
        if base.startswith("xsd:"):
            facets = self._restriction(restriction)
            facets["k"] = type_name
            return facets
        return self._restriction(restriction)

    def _restriction(self, restriction: etree._Element) -> dict:
        base = restriction.get("base")
        out = dict(self.simple(base, None)) if not base.startswith("xsd:") else {"k": "STRTYPE"}
        enums = [e.get("value") for e in restriction.findall(XS + "enumeration")]
        if enums:
            out["enum"] = enums
        for facet, key in (
            ("maxLength", "len"),
            ("pattern", "pat"),
            ("minInclusive", "lo"),
            ("maxInclusive", "hi"),
        ):
            node = restriction.find(XS + facet)
            if node is not None:
                value = node.get("value")
                out[key] = int(value) if key in ("len", "lo", "hi") else value
        return out

    # -- complex content ----------------------------------------------------------
    def element_node(self, decl: etree._Element) -> str:
        """Node id for an element declaration (global or local)."""
        ref = decl.get("ref")
        if ref is not None:
            return self.global_node(ref)
        type_name = decl.get("type")
        if type_name is not None and type_name in self.complex_types:
            return self._intern(self.complex_types[type_name])
        if type_name is not None:
            return self._store({"c": None, "a": {}, "s": self.simple(type_name, None)})
        inline_complex = decl.find(XS + "complexType")
        if inline_complex is not None:
            return self._intern(inline_complex)
        inline_simple = decl.find(XS + "simpleType")
        return self._store({"c": None, "a": {}, "s": self.simple(None, inline_simple)})

    def global_node(self, name: str) -> str:
        if name not in self.global_nodes:
            self.global_nodes[name] = self.element_node(self.elements[name])
        return self.global_nodes[name]

    def _intern(self, complex_type: etree._Element) -> str:
        # lxml proxies are transient, so id() is no identity; the document path is.
        tree = complex_type.getroottree()
        key = (tree.docinfo.URL, tree.getpath(complex_type))
        if key in self._by_definition:
            found = self._by_definition[key]
            if found == "building":
                raise SystemExit(f"recursive content model at line {complex_type.sourceline}")
            return found
        self._by_definition[key] = "building"
        node: dict = {"c": None, "a": {}, "s": None}
        simple_content = complex_type.find(XS + "simpleContent")
        if simple_content is not None:
            extension = simple_content.find(XS + "extension")
            node["s"] = self.simple(extension.get("base"), None)
            node["a"] = self._attributes(extension)
        else:
            for child in complex_type:
                if child.tag in (XS + "sequence", XS + "choice", XS + "group"):
                    node["c"] = self.particle(child)
            node["a"] = self._attributes(complex_type)
        node_id = self._store(node)
        self._by_definition[key] = node_id
        return node_id

    def _attributes(self, holder: etree._Element) -> dict:
        attrs = {}
        for attr in holder.findall(XS + "attribute"):
            simple = self.simple(attr.get("type"), attr.find(XS + "simpleType"))
            if attr.get("use") == "required":
                simple["req"] = True
            if attr.get("default") is not None:
                simple["def"] = attr.get("default")
            attrs[attr.get("name")] = simple
        return attrs

    def particle(self, item: etree._Element) -> list:
        low = int(item.get("minOccurs", "1"))
        high_text = item.get("maxOccurs", "1")
        high = -1 if high_text == "unbounded" else int(high_text)
        tag = item.tag
        if tag == XS + "element":
            name = item.get("ref") or item.get("name")
            return ["e", name, self.element_node(item), low, high]
        if tag == XS + "group":
            group = self.groups[item.get("ref")]
            inner = [self.particle(c) for c in _particles(group)]
            if len(inner) == 1 and low == 1 and high == 1:
                return inner[0]
            return ["s", inner, low, high]
        kind = "s" if tag == XS + "sequence" else "c"
        inner = [self.particle(c) for c in _particles(item)]
        return [kind, inner, low, high]

    def _store(self, node: dict) -> str:
        text = json.dumps(node, sort_keys=True, separators=(",", ":"))
        node_id = hashlib.sha1(text.encode()).hexdigest()[:10]
        self.nodes[node_id] = node
        return node_id


def message_table(compiler: Compiler) -> dict:
    msgs_rq = compiler.elements["QBXMLMsgsRq"].find(f"{XS}complexType/{XS}choice")
    msgs_rs = compiler.elements["QBXMLMsgsRs"].find(f"{XS}complexType/{XS}choice")
    rq_decls = {e.get("name"): e for e in msgs_rq.findall(XS + "element")}
    rs_decls = {e.get("name"): e for e in msgs_rs.findall(XS + "element")}
    table = {}
    for rq_name in MESSAGE_TYPES:
        if rq_name not in rq_decls:
            raise SystemExit(f"{rq_name} is not a request type in this schema")
        rs_name = rq_name[:-2] + "Rs"
        rq_node = compiler.element_node(rq_decls[rq_name])
        table[rq_name] = {
            "rs": rs_name,
            "node": rq_node,
            "rs_node": compiler.element_node(rs_decls[rs_name]),
            "iterator": "iterator" in compiler.nodes[rq_node]["a"],
        }
    return table


def envelope(compiler: Compiler) -> dict:
    """Attributes of the message-set elements, without their (huge) list of children."""
    out = {}
    for name in ("QBXMLMsgsRq", "QBXMLMsgsRs"):
        complex_type = compiler.elements[name].find(XS + "complexType")
        out[name] = compiler._attributes(complex_type)
    return out


def all_requests(compiler: Compiler) -> list[str]:
    """Every request type qbXML 16.0 defines (to tell 'not qbXML' from 'not simulated')."""
    msgs_rq = compiler.elements["QBXMLMsgsRq"].find(f"{XS}complexType/{XS}choice")
    return sorted(e.get("name") for e in msgs_rq.findall(XS + "element"))


def compile_schema(xsd_dir: Path) -> dict:
    compiler = Compiler(xsd_dir)
    messages = message_table(compiler)
    for name in ("ErrorRecovery",):
        compiler.global_node(name)
    return {
        "version": "16.0",
        "generated_by": "tools/gen_qbschema.py",
        "messages": messages,
        "envelope": envelope(compiler),
        "all_requests": all_requests(compiler),
        "elements": {k: v for k, v in sorted(compiler.global_nodes.items())},
        "nodes": {k: compiler.nodes[k] for k in sorted(compiler.nodes)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xsd-dir", type=Path, default=DEFAULT_XSD_DIR)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    data = compile_schema(args.xsd_dir)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {args.output} ({len(data['nodes'])} nodes, {len(data['messages'])} messages)")


if __name__ == "__main__":
    main()
