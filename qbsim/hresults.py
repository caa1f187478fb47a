"""HRESULTs of the qbXML request processor (QBXMLRP2) that qbsim raises.

The codes and their texts are QuickBooks' own (the strings the COM component reports); qbsim
repeats them word for word so a support person sees what a customer saw.
"""

from __future__ import annotations

PARSE_ERROR = 0x80040400
COULD_NOT_ACCESS = 0x80040401
UNEXPECTED = 0x80040402
CANNOT_OPEN_FILE = 0x80040403
COULD_NOT_START = 0x80040408
OTHER_FILE_OPEN = 0x8004040A
NO_SESSION = 0x8004040C
BAD_TICKET = 0x8004040D
NO_CONNECTION = 0x8004040F
WRONG_MODE = 0x80040410
SESSION_ALREADY_BEGUN = 0x80040411
CONNECTION_ALREADY_OPEN = 0x80040412
ROLLBACK_NOT_SUPPORTED = 0x80040413
MODAL_DIALOG = 0x80040414
NO_FILE_NAME_NOT_RUNNING = 0x80040416
NO_FILE_NAME_NOT_OPEN = 0x80040417
CANNOT_LOCK = 0x8004041B
SINGLE_USER_NEEDED = 0x80040422
VERSION_UNSUPPORTED = 0x80040423
NOT_INITIALISED = 0x80040424

_MESSAGES = {
    PARSE_ERROR: "QuickBooks found an error when parsing the provided XML text stream.",
    COULD_NOT_ACCESS: "Could not access QuickBooks.",
    UNEXPECTED: 'Unexpected error. Check the "qbsdklog.txt" file for possible additional '
    "information.",
    CANNOT_OPEN_FILE: "Could not open the specified QuickBooks company data file.",
    COULD_NOT_START: "Could not start QuickBooks.",
    OTHER_FILE_OPEN: "A QuickBooks company data file is already open and it is different from "
    "the one requested or there are multiple company files open.",
    NO_SESSION: 'The "BeginSession" method has not been called or it did not succeed.',
    BAD_TICKET: "The ticket parameter is invalid.",
    NO_CONNECTION: 'The "OpenConnection" method has not been called.',
    WRONG_MODE: "The QuickBooks company data file is currently open in a mode other than the "
    "one specified by your application.",
    SESSION_ALREADY_BEGUN: 'Before calling the "BeginSession" method, you must call the '
    '"EndSession" method to terminate the current session.',
    CONNECTION_ALREADY_OPEN: 'You cannot make multiple successive calls to the "OpenConnection" '
    'method. Call "CloseConnection" before calling "OpenConnection" again.',
    ROLLBACK_NOT_SUPPORTED: 'QuickBooks does not support the "rollbackOnError" value of the '
    '"onError" attribute.',
    MODAL_DIALOG: "A modal dialog box is showing in the QuickBooks user interface. Your "
    "application cannot access QuickBooks until the user dismisses the dialog box.",
    NO_FILE_NAME_NOT_RUNNING: 'If QuickBooks is not running, a call to the "BeginSession" '
    "method must include the name of the QuickBooks company data file.",
    NO_FILE_NAME_NOT_OPEN: "If the QuickBooks company data file is not open, a call to the "
    '"BeginSession" method must include the name of the data file.',
    CANNOT_LOCK: "Unable to lock the necessary information to allow this application to access "
    "this QuickBooks company data file.  Try again later.",
    SINGLE_USER_NEEDED: "This application requires Single User file access mode and there is "
    "already another application sharing data with this QuickBooks company data file.",
    VERSION_UNSUPPORTED: "The version of QBXML that was requested is not supported or is unknown.",
    NOT_INITIALISED: "QuickBooks did not finish its initialization. Please try again later.",
}


def message(hresult: int) -> str:
    """QuickBooks' text for an HRESULT qbsim raises (KeyError for one it never raises)."""
    return _MESSAGES[hresult]


def known() -> dict[int, str]:
    """Every HRESULT qbsim can raise, with its text."""
    return dict(_MESSAGES)


# -- Added for the simulated host (qbsim.host): session and transport failures -------------
NO_APP_NAME = 0x80040415
INVALID_PARAMETER = 0x80040425
# Not a QBXMLRP2 code: the Windows RPC_E_DISCONNECTED HRESULT (winerror.h), what a COM call
# raises when the server side went away mid-call. qbsim raises it when a response is lost.
RPC_DISCONNECTED = 0x80010108

_MESSAGES.update(
    {
        NO_APP_NAME: 'A call to the "OpenConnection" method must include the name of your '
        "application.",
        INVALID_PARAMETER: "Invalid parameter.",
        RPC_DISCONNECTED: "The object invoked has disconnected from its clients.",
    }
)

# -- Added for the simulated COM server (qbsim.host.comserver): access to the company file --
FIRST_ACCESS_NOT_GRANTED = 0x80040418
ACCESS_NOT_ALLOWED = 0x8004041A
USER_DENIED_ACCESS = 0x80040420
_MESSAGES.update(
    {
        FIRST_ACCESS_NOT_GRANTED: "This application has not accessed this QuickBooks company "
        "data file before. The QuickBooks administrator must grant an application permission "
        "to access a QuickBooks company data file for the first time.",
        ACCESS_NOT_ALLOWED: "This application does not have permission to access this "
        "QuickBooks company data file. The QuickBooks administrator can grant access "
        "permission through the Integrated Application preferences.",
        USER_DENIED_ACCESS: "The QuickBooks user has denied access.",
    }
)
