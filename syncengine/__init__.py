"""QB Sync Lab's sync engine: keeps an app and a QuickBooks Desktop company in step over qbXML.

The engine speaks only qbXML through a transport (COM, the Web Connector, or the simulator),
so the same code runs against real QuickBooks and against ``qbsim``.
"""

__version__ = "0.1.0"
