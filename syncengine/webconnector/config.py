"""The server's configuration: which company files it serves, each under its own user.

A JSON file, ``{"companies": [{"username", "password", "workspace", "owner_id", "file_id",
"batch_size", "import_every_minutes"}]}``: ``password`` is a scrypt hash
(:mod:`.credentials`), ``workspace`` the company's workspace database (relative to the
configuration file's folder), ``owner_id`` and
``file_id`` the GUIDs its ``.qwc`` carries; with ``import_every_minutes`` > 0 a run with no
job to finish and nothing queued is told "none" until that long after the last job (0: every
run imports QuickBooks' changes). One user, one company file: a Web Connector session
authenticated as one user only ever reaches that user's workspace.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from syncengine.errors import SyncError
from syncengine.webconnector.credentials import hash_password


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

    if not username or not password:
        raise ConfigError("a Web Connector user needs a non-empty user name and password")
    entry = CompanyConfig(username, hash_password(password), workspace, OWNER_ID, file_id)
    old = config.companies.get(username)
    if old is not None:
        entry = replace(old, password=entry.password, workspace=workspace, file_id=file_id)
    return replace(config, companies={**config.companies, username: entry})
