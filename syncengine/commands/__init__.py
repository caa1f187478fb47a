"""Command families of ``qbsync``; see ``syncengine.cli``."""
