"""qbsim: a simulated QuickBooks Desktop company that answers qbXML as QuickBooks does.

``Company().process(request_xml) -> response_xml`` is the untimed heart; it raises
``QBXMLRPError`` (with ``hresult``) where real COM would. qbsim never imports ``syncengine``:
other projects can use it as a test helper on its own.
"""

from qbsim.company import Company
from qbsim.errors import NotImplementedInQbsim, QBXMLRPError, StatusError

__all__ = ["Company", "NotImplementedInQbsim", "QBXMLRPError", "StatusError"]

# The simulated QuickBooks host in simpy time, and fault plans (qbsim.host, qbsim.faults).
from qbsim.faults import FaultPlan
from qbsim.host import QuickBooksHost

__all__ += ["FaultPlan", "QuickBooksHost"]
