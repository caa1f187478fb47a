"""Ways of reaching QuickBooks. Each is one short module around the ``Transport`` contract."""

from syncengine.transports.base import Transport

__all__ = ["Transport"]
