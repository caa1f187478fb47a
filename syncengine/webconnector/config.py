"""The server's configuration: which company files it serves, each under its own user.

A JSON file, ``{"companies": [{"username", "password", "workspace", "owner_id", "file_id",
"batch_size", "import_every_minutes", "export"}]}``: ``password`` is a scrypt hash
(:mod:`.credentials`), ``workspace`` the company's workspace database (relative to the
configuration file's folder), ``owner_id`` and
``file_id`` the GUIDs its ``.qwc`` carries; with ``import_every_minutes`` > 0 a run with no
job to finish and nothing queued is told "none" until that long after the last job (0: every
run imports QuickBooks' changes). One user, one company file: a Web Connector session
authenticated as one user only ever reaches that user's workspace.

An export user (``export``: a folder, relative to the configuration file's folder; no
``workspace``) is served read only: each of its runs writes the company's query answers to
that folder (:mod:`syncengine.sync.company_export`) and sends nothing but queries. Its
``.qwc`` carries :data:`EXPORT_OWNER_ID`, not the sync's OwnerID, so the FileID the Web
Connector stamps for it never stands for a sync workspace's stamp.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from syncengine.errors import SyncError
from syncengine.webconnector.credentials import hash_password

EXPORT_OWNER_ID = "{C776AB9B-6218-4ED7-9663-5745E10675C0}"
"""The OwnerID of an export user's .qwc. The Web Connector stamps its FileID into the company
file under the .qwc's OwnerID on its first connection (QBXML-NOTES.md §20); under the sync's
own OwnerID that stamp would make a later sync workspace take the file for another
workspace's (``identity.WrongCompanyFile``)."""


class ConfigError(SyncError):
    """A configuration that cannot be read or used; the message names the file and entry."""


@dataclass(frozen=True)
class CompanyConfig:
    """One company file served: its user, password hash, workspace and GUIDs."""

    username: str
    password: str
    workspace: str
    owner_id: str
    file_id: str
    batch_size: int = 50
    import_every_minutes: int = 0
    export: str = ""
    """The folder an export user's runs write the company to ("": a sync user)."""

    def export_path(self, base: Path) -> Path | None:
        """The export folder, relative paths taken from ``base``; None for a sync user."""
        if not self.export:
            return None
        path = Path(self.export)
        return path if path.is_absolute() else base / path

    def workspace_path(self, base: Path) -> Path:
        """The workspace file, relative paths taken from ``base`` (the config's folder)."""
        path = Path(self.workspace)
        return path if path.is_absolute() else base / path


@dataclass(frozen=True)
class ServerConfig:
    """Every company file one server serves, by user name, and where the file lives."""

    companies: dict[str, CompanyConfig]
    base: Path

    def company(self, username: str) -> CompanyConfig:
        """The company served under ``username``; ConfigError naming the users there are."""
        try:
            return self.companies[username]
        except KeyError:
            known = ", ".join(sorted(self.companies)) or "none yet"
            raise ConfigError(
                f"no user {username!r} in the configuration (users: {known})"
            ) from None


def new_guid() -> str:
    """A GUID in the braces the Web Connector writes: ``{57F3B9B1-86F1-...}``."""
    return "{" + str(uuid.uuid4()).upper() + "}"


def load(path: Path) -> ServerConfig:
    """The configuration at ``path`` (an empty one if the file does not exist yet)."""
    if not path.exists():
        return ServerConfig({}, path.parent)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [CompanyConfig(**entry) for entry in data.get("companies", [])]
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(
            f"cannot read the Web Connector configuration {path}: {exc}; fix or remove it"
        ) from exc
    return ServerConfig({e.username: e for e in entries}, path.parent)


def save(config: ServerConfig, path: Path) -> None:
    """Write ``config`` to ``path`` (readable by its owner only: it holds password hashes)."""
    data: dict[str, Any] = {"companies": [asdict(c) for c in config.companies.values()]}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)


def add_company(
    config: ServerConfig, username: str, password: str, workspace: str, file_id: str
) -> ServerConfig:
    """``config`` with ``username`` serving ``workspace``, whose company-file stamp is
    ``file_id`` (``identity.file_id_for`` the workspace); the OwnerID is the engine's own, so
    the Web Connector's FileID stamp is the one the workspace checks. An existing user takes
    the new password, workspace and file id."""
    from syncengine.sync.identity import OWNER_ID

    _check_user(username, password)
    entry = CompanyConfig(username, hash_password(password), workspace, OWNER_ID, file_id)
    old = config.companies.get(username)
    if old is not None:
        entry = replace(old, password=entry.password, workspace=workspace, file_id=file_id)
        entry = replace(entry, owner_id=OWNER_ID, export="")
    return replace(config, companies={**config.companies, username: entry})


def add_export(config: ServerConfig, username: str, password: str, folder: str) -> ServerConfig:
    """``config`` with ``username`` exporting the company to ``folder`` (read only) under
    :data:`EXPORT_OWNER_ID`; an export user already there keeps its FileID (its .qwc stays
    good), and a sync user of that name becomes an export user."""
    _check_user(username, password)
    old = config.companies.get(username)
    file_id = old.file_id if old is not None and old.export else new_guid()
    entry = CompanyConfig(
        username, hash_password(password), "", EXPORT_OWNER_ID, file_id, export=folder
    )
    return replace(config, companies={**config.companies, username: entry})


def _check_user(username: str, password: str) -> None:
    if not username or not password:
        raise ConfigError("a Web Connector user needs a non-empty user name and password")
