"""A simulated QuickBooks Desktop machine in simpy time: ``QuickBooksHost`` and its COM face.

``QuickBooksHost(env, company, profile=..., faults=..., seed=...)`` serves a ``Company`` one
request at a time with profile latency and a fault plan; ``RequestProcessor(host)`` is the
QBXMLRP2 object (OpenConnection, BeginSession, ProcessRequest, EndSession, CloseConnection).
"""

from qbsim.host.com import LOCAL_QBD, LOCAL_QBD_LAUNCH_UI, RequestProcessor
from qbsim.host.core import WEB_CONNECTOR, QuickBooksHost
from qbsim.host.desktop import DO_NOT_CARE, MULTI_USER, OTHER_FILE, SINGLE_USER
from qbsim.host.user import QuickBooksUser

__all__ = [
    "DO_NOT_CARE",
    "LOCAL_QBD",
    "LOCAL_QBD_LAUNCH_UI",
    "MULTI_USER",
    "OTHER_FILE",
    "SINGLE_USER",
    "WEB_CONNECTOR",
    "QuickBooksHost",
    "QuickBooksUser",
    "RequestProcessor",
]
