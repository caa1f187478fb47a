"""QBXMLRP2 HRESULTs -> the engine's typed transport errors, each with what to do next.

Every code the request processor documents (0x80040400-0x80040439) has an entry; a test checks
that none is left to the generic fallback. The explanations are ours; QuickBooks' own text comes
with the COM error at run time and is kept in the message.
"""

from __future__ import annotations

from syncengine.errors import TransportError

# Not QBXMLRP2's own codes: Windows' (winerror.h) when the COM server went away mid-call —
# RPC_E_DISCONNECTED, RPC_S_SERVER_UNAVAILABLE, RPC_S_CALL_FAILED (QuickBooks closed or crashed).
WINDOWS_LOST = (0x80010108, 0x800706BA, 0x800706BE)


class QuickBooksUnavailable(TransportError):
    """QuickBooks is not running, could not start, or is still starting: try again later."""


class CompanyFileProblem(TransportError):
    """The company file is closed, another one is open, or it is open in the wrong mode."""


class QuickBooksBusy(TransportError):
    """A dialog is open or data is locked by someone else: the sync can retry shortly."""


class AccessDenied(TransportError):
    """The QuickBooks administrator has not allowed this application (or this login)."""


class SessionProblem(TransportError):
    """The COM session was not opened, was closed, or its ticket went stale: reconnect."""


class RequestRejected(TransportError):
    """QuickBooks refused the whole request document (not parsable, unsupported option)."""


class UnsupportedSetup(TransportError):
    """This QuickBooks edition, version or configuration cannot serve the application."""


_FAMILIES: dict[type[TransportError], tuple[str, list[int]]] = {
    QuickBooksUnavailable: (
        "Start QuickBooks and open the company file, then run the sync again.",
        [
            0x80040401,
            0x80040404,
            0x80040405,
            0x80040407,
            0x80040408,
            0x80040416,
            0x80040424,
            0x8004042D,
            0x80040427,
            *WINDOWS_LOST,
        ],
    ),
    CompanyFileProblem: (
        "Open the right company file in QuickBooks (single-user if the app asks for it).",
        [
            0x80040403,
            0x80040406,
            0x80040409,
            0x8004040A,
            0x8004040B,
            0x80040410,
            0x80040417,
            0x80040422,
            0x80040436,
            0x80040438,
            0x80040439,
        ],
    ),
    QuickBooksBusy: (
        "Close the open dialog in QuickBooks or wait for the other user; the sync will retry.",
        [0x80040414, 0x8004041B, 0x8004040E, 0x80040437],
    ),
    AccessDenied: (
        "In QuickBooks: Edit > Preferences > Integrated Applications, allow this application "
        "(as the QuickBooks administrator).",
        [
            0x80040418,
            0x80040419,
            0x8004041A,
            0x8004041D,
            0x8004041E,
            0x80040420,
            0x8004042C,
            0x80040430,
            0x80040435,
            0x80040426,
            0x8004042A,
        ],
    ),
    SessionProblem: (
        "Reconnect: the engine opens a new connection and session on the next run.",
        [
            0x8004040C,
            0x8004040D,
            0x8004040F,
            0x80040411,
            0x80040412,
            0x80040415,
            0x8004042E,
            0x8004042F,
        ],
    ),
    RequestRejected: (
        "This is a defect in the request the engine built; send the sync log to support.",
        [0x80040400, 0x80040402, 0x80040413, 0x80040421, 0x80040425, 0x80040429],
    ),
    UnsupportedSetup: (
        "Use a QuickBooks edition and version this application supports (qbXML 13.0 or later).",
        [
            0x8004041C,
            0x8004041F,
            0x80040423,
            0x80040428,
            0x8004042B,
            0x80040431,
            0x80040432,
            0x80040433,
            0x80040434,
        ],
    ),
}

_LOST = (
    "QuickBooks closed or stopped answering during the sync. Start it, open the company file"
    " and run the sync again: an unfinished job resumes where it stopped."
)
_ADMIN = (
    "In QuickBooks, logged in as the Admin user: Edit > Preferences > Integrated Applications >"
    " Company Preferences, tick this application in the Allow Access column, OK; then run again."
)
# Advice more exact than the family's, for the refusals a consultant meets most. Menu paths and
# the dialog's choices: Intuit's in-product help (QuickBooks 2012, Core/SDK/help_prefintegratedapps
# and sdk_access_nocert pages) and its "Manage permissions for apps" support article.
_ADVICE: dict[int, str] = {
    **dict.fromkeys(WINDOWS_LOST, _LOST),
    0x80040416: "Start QuickBooks and open the company file, or give the file's full path"
    " (.QBW), then run again.",
    0x80040417: "Open the company file in QuickBooks, or give the file's full path (.QBW),"
    " then run again.",
    0x8004040A: "QuickBooks has another company file open than the one asked for: open the"
    " right one (File > Open or Restore Company), close any other, then run again.",
    0x80040403: "Check the company file's full path (.QBW): QuickBooks could not open it.",
    0x80040410: "QuickBooks has the file open in the other mode: switch it (File > Switch to"
    " Single-user Mode, or to Multi-user Mode) to the mode the sync asks for, then run again.",
    # qbXML 16.0 came with QuickBooks 2021 (shared/reference/qbxml-xsd/README.md: "SDK 16.0");
    # requests can also be declared 13.0 (syncengine.qbxml.build.SPOKEN_VERSIONS).
    0x80040423: "Update QuickBooks Desktop to a release that speaks qbXML 13.0 or later (16.0,"
    " QuickBooks 2021 or later, is used when offered), then run again.",
    0x80040418: "Log into QuickBooks as the Admin user with this company file open, run again,"
    " and answer QuickBooks' dialog about this application with 'Yes, whenever this QuickBooks"
    " company file is open' (or 'Yes, always' to sync while QuickBooks is closed).",
    0x8004041A: _ADMIN,
    0x80040420: "Someone answered No when QuickBooks asked about this application. " + _ADMIN,
}

HRESULT_FAMILIES: dict[int, tuple[type[TransportError], str]] = {
    code: (family, _ADVICE.get(code, advice))
    for family, (advice, codes) in _FAMILIES.items()
    for code in codes
}


def transport_error(hresult: int, quickbooks_text: str = "") -> TransportError:
    """The typed error for an HRESULT, its message carrying QuickBooks' text and the fix."""
    family, advice = HRESULT_FAMILIES.get(hresult, (TransportError, "See the sync log."))
    text = quickbooks_text.strip() or "QuickBooks could not be reached"
    return family(f"{text} {advice}", hresult)


def advice_for(hresult: int | None) -> str:
    """What to do about an HRESULT ("" for one outside the table, or none)."""
    return HRESULT_FAMILIES[hresult][1] if hresult in HRESULT_FAMILIES else ""


def unsigned(hresult: int) -> int:
    """COM reports HRESULTs as signed 32-bit ints; the table uses the unsigned form."""
    return hresult & 0xFFFFFFFF
