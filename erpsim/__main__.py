"""``python -m erpsim --host 127.0.0.1 --port 8765 [--world demo|empty] [--seed N]``."""

from __future__ import annotations

import argparse
import socket
import sys

import uvicorn

from erpsim.app import SandboxApp
from erpsim.config import DEFAULT_SIGNATURE_HEADER, SandboxOptions
from erpsim.loopback import check_notification_url


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = SandboxOptions()
    parser = argparse.ArgumentParser(
        prog="python -m erpsim",
        description="The sandbox Visma.net ERP: Visma Connect, Financials API and SalesOrders v3.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--world", choices=("demo", "empty"), default="demo")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--background-delay",
        type=float,
        default=defaults.background_delay,
        help="seconds before a Background API request runs",
    )
    parser.add_argument(
        "--latency-ms", type=int, default=0, help="latency added to every ERP call (global fault)"
    )
    parser.add_argument("--slow-latency-ms", type=int, default=defaults.slow_latency_ms)
    parser.add_argument("--test-hourly-limit", type=int, default=defaults.test_hourly_limit)
    parser.add_argument(
        "--production-hourly-limit", type=int, default=defaults.production_hourly_limit
    )
    parser.add_argument(
        "--same-request-limit",
        type=int,
        default=defaults.same_request_limit,
        help="identical requests allowed per minute (0 turns the rule off)",
    )
    parser.add_argument(
        "--failed-request-limit",
        type=int,
        default=defaults.failed_request_limit,
        help="identical failed requests allowed per 5 minutes (0 turns the rule off)",
    )
    parser.add_argument("--max-page-size", type=int, default=defaults.max_page_size)
    parser.add_argument("--signature-header", default=DEFAULT_SIGNATURE_HEADER)
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        help="a host name to answer besides the loopback ones (repeatable)",
    )
    parser.add_argument(
        "--events-url",
        type=_events_url,
        default="",
        help="post every event of the demo world to this URL (a portal's dispatcher inbox), "
        "signed with the demo events key",
    )
    parser.add_argument("--log-level", default="warning")
    return parser.parse_args(argv)


def _events_url(value: str) -> str:
    if not value:  # the default: no subscriptions
        return ""
    try:
        return check_notification_url(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_app(args: argparse.Namespace) -> SandboxApp:
    options = SandboxOptions(
        world=args.world,
        seed=args.seed,
        background_delay=args.background_delay,
        slow_latency_ms=args.slow_latency_ms,
        test_hourly_limit=args.test_hourly_limit,
        production_hourly_limit=args.production_hourly_limit,
        same_request_limit=args.same_request_limit,
        failed_request_limit=args.failed_request_limit,
        max_page_size=args.max_page_size,
        signature_header=args.signature_header,
        allowed_hosts=tuple(args.allowed_host),
        events_url=args.events_url,
    )
    app = SandboxApp(options)
    if args.latency_ms:
        from erpsim.faults import FaultConfig

        app.sandbox.global_faults = FaultConfig(latency_ms=args.latency_ms)
    return app


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    app = build_app(args)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=False,
        lifespan="on",
    )
    server = AnnouncingServer(config)
    server.run()
    return 0 if server.started else 1


class AnnouncingServer(uvicorn.Server):
    """Prints the one "ready" line once the socket accepts connections (scripts wait for it)."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            print(f"erpsim ready on http://{self.config.host}:{self.config.port}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
