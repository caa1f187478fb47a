"""qbsim: a simulated QuickBooks Desktop company that answers qbXML as QuickBooks does.

``Company().process(request_xml) -> response_xml`` is the untimed heart; it raises
``QBXMLRPError`` (with ``hresult``) where real COM would. qbsim never imports ``syncengine``:
other projects can use it as a test helper on its own.
"""

from qbsim.company import Company
from qbsim.errors import NotImplementedInQbsim, QBXMLRPError, StatusError

__all__ = ["Company", "NotImplementedInQbsim", "QBXMLRPError", "StatusError"]
