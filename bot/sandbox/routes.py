"""The sandbox as a Starlette app: the vendor's routes, and the control routes under
``/_sandbox/`` (tests, benchmarks) over the :class:`~bot.sandbox.app.Sandbox` that answers them."""

from __future__ import annotations

import json

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.clock import Clock
from bot.sandbox.app import MAX_BODY_BYTES, SEEDING_PREFIX, EndpointName, FaultSpec, Sandbox
from bot.sandbox.config import SandboxConfig


def sandbox_of(app: Starlette) -> Sandbox:
    """The :class:`Sandbox` behind an app made by :func:`create_sandbox_app`."""
    sandbox = app.state.sandbox
    if not isinstance(sandbox, Sandbox):
        raise TypeError("not a sandbox app")
    return sandbox


def _vendor_route(path: str, endpoint: EndpointName, method: str) -> Route:
    async def serve(request: Request) -> Response:
        return await sandbox_of(request.app).answer(endpoint, request)

    return Route(path, serve, methods=[method], name=endpoint)


async def _calls(request: Request) -> Response:
    return JSONResponse(dict(sandbox_of(request.app).calls))


async def _rate_limited(request: Request) -> Response:
    return JSONResponse({"rate_limited": sandbox_of(request.app).rate_limited})


async def _revoke_tokens(request: Request) -> Response:
    return JSONResponse({"revoked": sandbox_of(request.app).revoke_tokens()})


async def _add_fault(request: Request) -> Response:
    try:
        spec = FaultSpec.model_validate_json(await request.body())
    except ValidationError as exc:
        errors = json.loads(exc.json(include_url=False, include_input=False))
        return JSONResponse({"detail": errors}, 400)
    sandbox_of(request.app).queue_fault(spec)
    return JSONResponse({"queued": spec.model_dump(by_alias=True)}, 201)


async def _clear_faults(request: Request) -> Response:
    return JSONResponse({"cleared": sandbox_of(request.app).clear_faults()})


async def _http_error(request: Request, exc: Exception) -> Response:
    """404, 405 and 413 in the vendor's (FastAPI's) bare shape rather than Starlette's text."""
    if isinstance(exc, HTTPException):
        return JSONResponse({"detail": exc.detail}, exc.status_code, exc.headers)
    return JSONResponse({"detail": "Internal Server Error"}, 500)


def create_sandbox_app(config: SandboxConfig, clock: Clock) -> Starlette:
    """The sandbox as an ASGI app: serve it with :func:`bot.sandbox.running_sandbox`, or use it
    in process through ``httpx.ASGITransport`` (it needs no lifespan events)."""
    routes = [
        _vendor_route("/v1/authorize", "authorize", "POST"),
        _vendor_route(f"{SEEDING_PREFIX}/initiate-session", "initiate-session", "GET"),
        _vendor_route(f"{SEEDING_PREFIX}/reload-captcha", "reload-captcha", "GET"),
        _vendor_route(f"{SEEDING_PREFIX}/generate-otp", "generate-otp", "POST"),
        _vendor_route(f"{SEEDING_PREFIX}/verify-otp", "verify-otp", "POST"),
        Route("/_sandbox/calls", _calls, methods=["GET"]),
        Route("/_sandbox/rate-limited", _rate_limited, methods=["GET"]),
        Route("/_sandbox/revoke-tokens", _revoke_tokens, methods=["POST"]),
        Route("/_sandbox/faults", _add_fault, methods=["POST"]),
        Route("/_sandbox/faults", _clear_faults, methods=["DELETE"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error, Exception: _http_error},
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.sandbox = Sandbox(config, clock)
    return app
