"""The HTTP face: a WSGI application over :class:`~.service.WebConnectorService`, served by
cheroot (CherryPy's production HTTP server: pure Python, threaded, maintained, TLS built in).

``POST`` a SOAP envelope: the answer envelope (a SOAP Fault with HTTP 500 for a call that
cannot be read). ``GET ?wsdl``: the service description, its endpoint the URL asked. Any other
``GET``: a one-line support page (the ``.qwc``'s AppSupport must answer on the same host).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from syncengine.webconnector import soap
from syncengine.webconnector.service import WebConnectorService
from syncengine.webconnector.wsdl import wsdl

MAX_BODY_BYTES = 64 * 1024 * 1024
"""The largest SOAP call read: a qbXML answer of tens of thousands of records fits."""
_XML = "text/xml; charset=utf-8"
log = logging.getLogger(__name__)

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class WebConnectorApp:
    """The WSGI callable."""

    def __init__(self, service: WebConnectorService) -> None:
        self.service = service

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST":
            status, body = self._post(environ)
            return _answer(start_response, status, _XML, body)
        if environ.get("QUERY_STRING", "").lower() == "wsdl":
            return _answer(start_response, "200 OK", _XML, wsdl(_own_url(environ)))
        page = b"QB Sync Lab Web Connector service. Add its .qwc file to the Web Connector.\n"
        return _answer(start_response, "200 OK", "text/plain; charset=utf-8", page)

    def _post(self, environ: dict[str, Any]) -> tuple[str, bytes]:
        try:
            call = soap.read_call(_body(environ))
            value = getattr(self.service, call.operation.name)(**call.args)
            return "200 OK", soap.write_result(call.operation, value)
        except soap.SoapFault as fault:
            return "500 Internal Server Error", soap.write_fault(fault)
        except Exception as exc:  # answered as a Server fault, and logged with its traceback
            log.exception("Web Connector call failed")
            ours = soap.SoapFault(f"QB Sync Lab internal error: {exc}", client=False)
            return "500 Internal Server Error", soap.write_fault(ours)


def _body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise soap.SoapFault("Content-Length is not a number") from None
    if length > MAX_BODY_BYTES:
        raise soap.SoapFault(f"request of {length} bytes refused (at most {MAX_BODY_BYTES})")
    return bytes(environ["wsgi.input"].read(length))


def _own_url(environ: dict[str, Any]) -> str:
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{environ.get('PATH_INFO', '/')}"


def _answer(start_response: StartResponse, status: str, kind: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
    return [body]


@contextmanager
def serving(
    service: WebConnectorService, host: str = "127.0.0.1", port: int = 0, threads: int = 4
) -> Iterator[str]:
    """Serve ``service`` on ``host:port`` (0: any free port) in a background thread while the
    block runs; yields the service URL."""
    server = make_server(service, host, port, threads)
    server.prepare()
    thread = threading.Thread(target=server.serve, name="qbsync-webconnector", daemon=True)
    thread.start()
    try:
        bound_host, bound_port = server.bind_addr[:2]
        yield f"http://{_url_host(bound_host)}:{bound_port}/"
    finally:
        server.stop()
        thread.join(timeout=10)


def make_server(service: WebConnectorService, host: str, port: int, threads: int = 4) -> Any:
    """A cheroot WSGI server for ``service`` (not started)."""
    from cheroot import wsgi

    return wsgi.Server((host, port), WebConnectorApp(service), numthreads=threads)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
