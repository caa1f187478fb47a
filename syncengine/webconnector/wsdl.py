"""The WSDL this server publishes at ``?wsdl``, generated from :data:`~.soap.OPERATIONS`.

Same shape as the Web Connector's service description (document/literal, SOAP 1.1,
``SOAPAction: http://developer.intuit.com/{operation}``): each operation's input element holds
its parameters (strings optional, ints required), its output element ``{operation}Result``.
"""

from __future__ import annotations

from lxml import etree

from syncengine.webconnector.soap import (
    OPERATIONS,
    PORT_NAME,
    SERVICE_NAME,
    TNS,
    WSDL,
    WSDL_SOAP,
    XSD,
    Operation,
)

_NSMAP = {"wsdl": WSDL, "soap": WSDL_SOAP, "s": XSD, "tns": TNS}


def wsdl(location: str) -> bytes:
    """The service description with its endpoint at ``location``."""
    root = etree.Element(f"{{{WSDL}}}definitions", nsmap=_NSMAP, targetNamespace=TNS)
    _types(etree.SubElement(root, f"{{{WSDL}}}types"))
    for operation in OPERATIONS.values():
        _messages(root, operation)
    port_type = etree.SubElement(root, f"{{{WSDL}}}portType", name=PORT_NAME)
    binding = _binding(root)
    for operation in OPERATIONS.values():
        _port_operation(port_type, operation)
        _binding_operation(binding, operation)
    service = etree.SubElement(root, f"{{{WSDL}}}service", name=SERVICE_NAME)
    port = etree.SubElement(service, f"{{{WSDL}}}port", name=PORT_NAME, binding=f"tns:{PORT_NAME}")
    etree.SubElement(port, f"{{{WSDL_SOAP}}}address", location=location)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _types(types: etree._Element) -> None:
    schema = etree.SubElement(
        types, f"{{{XSD}}}schema", elementFormDefault="qualified", targetNamespace=TNS
    )
    array = etree.SubElement(schema, f"{{{XSD}}}complexType", name="ArrayOfString")
    _element(etree.SubElement(array, f"{{{XSD}}}sequence"), "string", "s:string", many=True)
    for operation in OPERATIONS.values():
        _wrapper(schema, operation.name, operation.params)
        _wrapper(schema, f"{operation.name}Response", ((operation.result_tag, operation.result),))


def _wrapper(schema: etree._Element, name: str, fields: tuple[tuple[str, str], ...]) -> None:
    element = etree.SubElement(schema, f"{{{XSD}}}element", name=name)
    sequence = etree.SubElement(
        etree.SubElement(element, f"{{{XSD}}}complexType"), f"{{{XSD}}}sequence"
    )
    for field, xsd_type in fields:
        prefix = "tns" if xsd_type == "ArrayOfString" else "s"
        _element(sequence, field, f"{prefix}:{xsd_type}", required=xsd_type == "int")


def _element(
    parent: etree._Element, name: str, xsd_type: str, *, required: bool = False, many: bool = False
) -> None:
    attrs = {"minOccurs": "1" if required else "0", "maxOccurs": "unbounded" if many else "1"}
    if many:
        attrs["nillable"] = "true"
    etree.SubElement(parent, f"{{{XSD}}}element", attrs, name=name, type=xsd_type)


def _messages(root: etree._Element, operation: Operation) -> None:
    for suffix, element in (("SoapIn", operation.name), ("SoapOut", f"{operation.name}Response")):
        message = etree.SubElement(root, f"{{{WSDL}}}message", name=f"{operation.name}{suffix}")
        etree.SubElement(message, f"{{{WSDL}}}part", name="parameters", element=f"tns:{element}")


def _binding(root: etree._Element) -> etree._Element:
    binding = etree.SubElement(root, f"{{{WSDL}}}binding", name=PORT_NAME, type=f"tns:{PORT_NAME}")
    transport = "http://schemas.xmlsoap.org/soap/http"
    etree.SubElement(binding, f"{{{WSDL_SOAP}}}binding", transport=transport, style="document")
    return binding


def _port_operation(port_type: etree._Element, operation: Operation) -> None:
    element = etree.SubElement(port_type, f"{{{WSDL}}}operation", name=operation.name)
    etree.SubElement(element, f"{{{WSDL}}}input", message=f"tns:{operation.name}SoapIn")
    etree.SubElement(element, f"{{{WSDL}}}output", message=f"tns:{operation.name}SoapOut")


def _binding_operation(binding: etree._Element, operation: Operation) -> None:
    element = etree.SubElement(binding, f"{{{WSDL}}}operation", name=operation.name)
    action = f"{TNS}{operation.name}"
    etree.SubElement(element, f"{{{WSDL_SOAP}}}operation", soapAction=action, style="document")
    for direction in ("input", "output"):
        body = etree.SubElement(element, f"{{{WSDL}}}{direction}")
        etree.SubElement(body, f"{{{WSDL_SOAP}}}body", use="literal")
