"""The vendor sandbox: a stand-in for the Deepvue API that runs offline, for the demo and tests."""

from bot.sandbox.app import FaultSpec, Sandbox
from bot.sandbox.config import SandboxConfig
from bot.sandbox.routes import create_sandbox_app, sandbox_of
from bot.sandbox.server import running_sandbox, serve_forever, serving
from bot.sandbox.transport import ConnectFault, ConnectFaults, SandboxTransport

__all__ = [
    "ConnectFault",
    "ConnectFaults",
    "FaultSpec",
    "Sandbox",
    "SandboxConfig",
    "SandboxTransport",
    "create_sandbox_app",
    "running_sandbox",
    "sandbox_of",
    "serve_forever",
    "serving",
]
