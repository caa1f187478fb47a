"""``qbsync webconnector``: serve company files to QuickBooks Web Connector.

``user`` adds (or re-passwords) a user serving one workspace in the server's configuration
(the password from ``QBSYNC_WC_PASSWORD`` or typed; only its hash is kept), or with ``--export
FOLDER`` a user whose runs export the company file to a folder, read only; ``qwc`` writes the
``.qwc`` file for a user; ``serve`` runs the SOAP service until stopped (Ctrl-C), over https
with ``--certificate`` and ``--private-key``. Exit 2 for a refusal (unknown user, http URL
for a host that is not localhost, unreadable configuration).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from syncengine.commands.common import Refusal, refusals
from syncengine.commands.holding import holding_file

if TYPE_CHECKING:
    from syncengine.webconnector.config import CompanyConfig
    from syncengine.webconnector.qwc import QwcOptions

PASSWORD_VARIABLE = "QBSYNC_WC_PASSWORD"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``webconnector`` command family to the ``qbsync`` parser."""
    family = subparsers.add_parser(
        "webconnector", help="serve company files to QuickBooks Web Connector (SOAP)"
    )
    actions = family.add_subparsers(dest="wc_action", metavar="ACTION", required=True)
    user = _with_config(actions.add_parser("user", help="add a user serving one workspace"))
    user.add_argument("--username", required=True, help="the user the .qwc names")
    serves = user.add_mutually_exclusive_group(required=True)
    serves.add_argument("--workspace", help="the company's workspace file (to sync)")
    serves.add_argument(
        "--export", metavar="FOLDER", help="export the company file to FOLDER, read only"
    )
    user.set_defaults(handler=run_user)
    qwc = _with_config(actions.add_parser("qwc", help="write a user's .qwc file"))
    qwc.add_argument("--username", required=True, help="a user of the configuration")
    qwc.add_argument("--url", required=True, help="the service URL (https, or http://localhost)")
    qwc.add_argument(
        "--every",
        type=int,
        metavar="MINUTES",
        help="run every N minutes (default: 15; an export user runs only when asked)",
    )
    qwc.add_argument("--out", type=Path, help="file to write (default: stdout)")
    qwc.set_defaults(handler=run_qwc)
    serve = _with_config(actions.add_parser("serve", help="serve until stopped (Ctrl-C)"))
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8080, help="port (0: any free one)")
    serve.add_argument("--certificate", type=Path, help="TLS certificate chain (PEM)")
    serve.add_argument("--private-key", type=Path, help="TLS private key (PEM)")
    serve.set_defaults(handler=run_serve)


def _with_config(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "--config", type=Path, default=Path("webconnector.json"), help="server configuration"
    )
    return parser


@refusals("webconnector user")
def run_user(args: argparse.Namespace) -> int:
    """Add or update the user; print its GUIDs."""
    from syncengine.webconnector import config

    password = _password(args.username)
    current = config.load(args.config)
    if args.export is not None:
        updated = config.add_export(current, args.username, password, args.export)
        config.save(updated, args.config)
        entry = updated.companies[args.username]
        print(f"user {entry.username}: exports the company file to {entry.export} (read only)")
        print(f"OwnerID {entry.owner_id}  FileID {entry.file_id}  (in {args.config})")
        return 0
    file_id = _file_id_of(
        current.base / args.workspace
        if not Path(args.workspace).is_absolute()
        else Path(args.workspace)
    )
    updated = config.add_company(current, args.username, password, args.workspace, file_id)
    config.save(updated, args.config)
    entry = updated.companies[args.username]
    print(f"user {entry.username}: workspace {entry.workspace}")
    print(f"OwnerID {entry.owner_id}  FileID {entry.file_id}  (in {args.config})")
    return 0


def _password(username: str) -> str:
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        if not sys.stdin.isatty():
            raise Refusal(f"give the password in {PASSWORD_VARIABLE} (no terminal to ask on)")
        password = getpass.getpass(f"password for {username}: ")
    return password


def _file_id_of(workspace: Path) -> str:
    """The workspace's company-file stamp, made and kept now if it has none."""
    from syncengine.store import Store
    from syncengine.sync.identity import file_id_for

    store = Store(workspace)
    try:
        return file_id_for(store)
    finally:
        store.close()


@refusals("webconnector qwc")
def run_qwc(args: argparse.Namespace) -> int:
    """Write the .qwc for ``--username``."""
    from syncengine.webconnector import config
    from syncengine.webconnector.qwc import qwc

    entry = config.load(args.config).company(args.username)
    text = qwc(entry, _qwc_options(entry, args))
    if args.out is None:
        sys.stdout.write(text.decode())
    else:
        args.out.write_bytes(text)
        print(f"wrote {args.out}: add it in the Web Connector (Add an application)")
    return 0


def _qwc_options(entry: CompanyConfig, args: argparse.Namespace) -> QwcOptions:
    """A sync user's .qwc runs every ``--every`` minutes (15); an export user's is read only
    and runs when the consultant asks (Update Selected), unless ``--every`` is given."""
    from syncengine.webconnector.qwc import EXPORT_DESCRIPTION, QwcOptions

    if not entry.export:
        return QwcOptions(url=args.url, every_minutes=15 if args.every is None else args.every)
    return QwcOptions(
        url=args.url, description=EXPORT_DESCRIPTION, every_minutes=args.every, read_only=True
    )


@refusals("webconnector serve")
def run_serve(args: argparse.Namespace) -> int:
    """Serve every configured company until interrupted."""
    from syncengine.webconnector import config
    from syncengine.webconnector.service import WebConnectorService, open_served
    from syncengine.webconnector.wsgi import make_server

    settings = config.load(args.config)
    if not settings.companies:
        raise Refusal(f"{args.config} lists no user: add one with `qbsync webconnector user`")
    with contextlib.ExitStack() as stack:
        for entry in settings.companies.values():
            if entry.export:
                continue  # an export user has no workspace to hold
            path = entry.workspace_path(settings.base)
            stack.enter_context(holding_file(args, "webconnector serve", path, "workspace"))
        served = open_served(settings)
        server = make_server(WebConnectorService(served), args.host, args.port)
        scheme = _tls(server, args)
        server.prepare()
        host, port = server.bind_addr[:2]
        print(f"serving {len(served)} company file(s) at {scheme}://{host}:{port}/", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve()
        server.stop()
        for company in served.values():
            if company.store is not None:
                company.store.close()
    return 0


def _tls(server: object, args: argparse.Namespace) -> str:
    """Put cheroot's built-in TLS on ``server`` when a certificate is given; the scheme."""
    if args.certificate is None and args.private_key is None:
        return "http"
    if args.certificate is None or args.private_key is None:
        raise Refusal("give both --certificate and --private-key for https")
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    adapter = BuiltinSSLAdapter(str(args.certificate), str(args.private_key))
    server.ssl_adapter = adapter  # type: ignore[attr-defined]
    return "https"
