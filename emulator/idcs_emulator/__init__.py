"""A local IDCS (OCI IAM identity domain) emulator: a real HTTP server speaking the token and Apps APIs."""

from .domain import Behaviour, Domain
from .server import EmulatorServer

__all__ = ["Behaviour", "Domain", "EmulatorServer"]
