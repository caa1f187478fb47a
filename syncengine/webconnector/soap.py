"""The Web Connector's SOAP envelope: read a call, write its answer, and publish the WSDL.

Eight document/literal operations in the ``http://developer.intuit.com/`` namespace, each
taking a few strings (two ints) and answering one string, int or string array
(``../shared/reference/QBXML-NOTES.md`` §11; the WSDL in ``qbxml-samples`` is what real Web
Connectors were built against). :data:`OPERATIONS` is the one description of them: calls are
read by it and the WSDL served at ``?wsdl`` is generated from it, so the two cannot drift.

Why a small envelope layer on lxml and not spyne: spyne's last release is from 2022, it brings
its own protocol stack and XML parser settings we would have to audit, and eight operations of
flat strings need about a hundred lines. Every request body goes through the project's hardened
parser (:mod:`qbschema.safexml`: no DTD, no entities, no network, size limits), so XXE and
entity expansion are refused before any operation runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from qbschema import safexml

TNS = "http://developer.intuit.com/"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSD = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
SERVICE_NAME = "QBWebConnectorSvc"
PORT_NAME = "QBWebConnectorSvcSoap"


@dataclass(frozen=True)
class Operation:
    """One SOAP operation: its parameters (name, XSD type) and its result's type
    (``string``, ``int`` or ``ArrayOfString``)."""

    name: str
    params: tuple[tuple[str, str], ...]
    result: str

    @property
    def result_tag(self) -> str:
        """``{name}Result``, the element that carries the answer."""
        return f"{self.name}Result"


_S, _I = "string", "int"
OPERATIONS: Mapping[str, Operation] = {
    op.name: op
    for op in (
        Operation("serverVersion", (("strVersion", _S),), _S),
        Operation("clientVersion", (("strVersion", _S),), _S),
        Operation("authenticate", (("strUserName", _S), ("strPassword", _S)), "ArrayOfString"),
        Operation(
            "sendRequestXML",
            (
                ("ticket", _S),
                ("strHCPResponse", _S),
                ("strCompanyFileName", _S),
                ("qbXMLCountry", _S),
                ("qbXMLMajorVers", _I),
                ("qbXMLMinorVers", _I),
            ),
            _S,
        ),
        Operation(
            "receiveResponseXML",
            (("ticket", _S), ("response", _S), ("hresult", _S), ("message", _S)),
            _I,
        ),
        Operation("connectionError", (("ticket", _S), ("hresult", _S), ("message", _S)), _S),
        Operation("getLastError", (("ticket", _S),), _S),
        Operation("closeConnection", (("ticket", _S),), _S),
    )
}


class SoapFault(ValueError):
    """A call that cannot be read (unsafe, malformed or unknown); ``client`` is False when
    the fault is ours."""

    def __init__(self, message: str, *, client: bool = True) -> None:
        super().__init__(message)
        self.client = client


@dataclass(frozen=True)
class Call:
    """One operation called with its arguments (missing string parameters are "")."""

    operation: Operation
    args: dict[str, str | int]


def read_call(body: bytes) -> Call:
    """The call in a SOAP 1.1 request body; :class:`SoapFault` for a document with a DTD
    (XXE, entity expansion), one that is not well-formed, or an operation we do not have."""
    try:
        root = safexml.parse(body)
    except safexml.UnsafeDocumentError as exc:
        raise SoapFault(f"request refused: {exc}") from exc
    except etree.XMLSyntaxError as exc:
        raise SoapFault(f"request is not well-formed XML: {exc}") from exc
    element = _operation_element(root)
    name = etree.QName(element).localname
    operation = OPERATIONS.get(name)
    if operation is None or etree.QName(element).namespace != TNS:
        known = ", ".join(OPERATIONS)
        raise SoapFault(f"unknown operation {{{etree.QName(element).namespace}}}{name}: {known}")
    return Call(operation, {p: _argument(element, p, t) for p, t in operation.params})


def _operation_element(root: etree._Element) -> etree._Element:
    if etree.QName(root).localname != "Envelope" or etree.QName(root).namespace != SOAP_ENV:
        raise SoapFault("request is not a SOAP 1.1 Envelope")
    body = root.find(f"{{{SOAP_ENV}}}Body")
    children = [c for c in body if isinstance(c.tag, str)] if body is not None else []
    if len(children) != 1:
        raise SoapFault("the SOAP Body must hold exactly one operation element")
    return children[0]


def _argument(element: etree._Element, name: str, xsd_type: str) -> str | int:
    child = element.find(f"{{{TNS}}}{name}")
    text = child.text if child is not None and child.text is not None else ""
    if xsd_type != _I:
        return text
    try:
        return int(text.strip() or 0)
    except ValueError as exc:
        raise SoapFault(f"{element.tag}: parameter {name} = {text!r} is not an int") from exc


def write_result(operation: Operation, value: str | int | list[str]) -> bytes:
    """The SOAP response envelope carrying ``value`` as the operation's result."""
    envelope, body = _envelope()
    response = etree.SubElement(body, f"{{{TNS}}}{operation.name}Response", nsmap={None: TNS})
    result = etree.SubElement(response, f"{{{TNS}}}{operation.result_tag}")
    if isinstance(value, list):
        for item in value:
            etree.SubElement(result, f"{{{TNS}}}string").text = item
    else:
        result.text = str(value)
    return _bytes(envelope)


def write_fault(fault: SoapFault) -> bytes:
    """A SOAP 1.1 Fault envelope for ``fault`` (faultcode Client or Server)."""
    envelope, body = _envelope()
    element = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(element, "faultcode").text = "soap:Client" if fault.client else "soap:Server"
    etree.SubElement(element, "faultstring").text = str(fault)
    return _bytes(envelope)


def _envelope() -> tuple[etree._Element, etree._Element]:
    nsmap = {"soap": SOAP_ENV, "xsd": XSD}
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap=nsmap)
    return envelope, etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")


def _bytes(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="utf-8")
