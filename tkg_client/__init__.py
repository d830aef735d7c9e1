"""The notebook client: `from tkg_client import Client` (see docs/notebooks.md)."""

from tkg_client.client import Client, connect

__all__ = ["Client", "connect"]
