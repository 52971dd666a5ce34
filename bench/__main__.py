"""``python -m bench``: run the benchmarks, print the table with every target, write JSON.

    python -m bench                     the full run (about 14 minutes on 2 cores)
    python -m bench --smoke             a tiny run of every part, for CI (seconds)
    python -m bench --only cost,store   some parts: isolation, latency, cost, memory, store, surge
    python -m bench --only surge        N citizens at once on a vendor plan (the waiting room)
                                        (start-up and idle memory come with any of the first four)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

from bench.report import Report
from bench.scenarios import Plan, Scenarios
from bench.store import StorePlan, store_benchmarks
from testing.procs import BENCH_WORKERS

RESULTS = Path(__file__).resolve().parent / "results"
PARTS = ("isolation", "latency", "cost", "memory", "store", "surge")
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run (CI)")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts")
    parser.add_argument("--runs", type=int, default=3, help="repeats of each measurement")
    parser.add_argument("--sizes", type=_ints, default=(1, 50, 200, 1000),
                        help="isolation: concurrent users")  # fmt: skip
    parser.add_argument("--checks", type=int, default=2000, help="cost: checks in all")
    parser.add_argument("--concurrency", type=int, default=200, help="cost: users at once")
    parser.add_argument("--latency-users", type=int, default=200, help="latency: users at once")
    parser.add_argument("--surge-users", type=int, default=60, help="surge: citizens at once")
    parser.add_argument("--surge-plan", default="business", help="surge: the vendor plan")
    parser.add_argument("--store-sizes", type=_ints, default=(1_000, 100_000, 1_000_000),
                        help="store: chats already stored")  # fmt: skip
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="PostgreSQL for the store part ('' to skip)",
    )
    parser.add_argument("--out", type=Path, default=None, help="JSON file to write")
    parser.add_argument("--show", type=Path, default=None, help="print a JSON file's table")
    parser.add_argument(
        "--bot-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the bot process, e.g. DATABASE_URL=postgresql://… (repeatable)",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.runs, args.sizes, args.checks, args.concurrency = 1, (1, 2), 4, 2
        args.latency_users = 2
        args.surge_users = 4
        args.store_sizes = (100, 1_000)
    return args


async def run(args: argparse.Namespace) -> Report:
    report = Report()
    load = os.getloadavg()[0]
    if load > 0.5:
        report.notes.append(
            f"the machine was already busy when the run started (load average {load:.2f} on "
            f"{len(os.sched_getaffinity(0))} cores): wall-time figures are pessimistic"
        )
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    unknown = parts - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown part(s) {sorted(unknown)}; known: {', '.join(PARTS)}")
    plan = Plan(
        runs=args.runs,
        sizes=args.sizes,
        checks=args.checks,
        concurrency=args.concurrency,
        latency_users=args.latency_users,
        think_s=(0.0, 0.05) if args.smoke else (1.0, 3.0),
        settle_s=0.1 if args.smoke else 1.0,
        vendor_latency_ms=0 if args.smoke else 1000,
        bot_settings=dict(item.split("=", 1) for item in args.bot_env),
        surge_users=args.surge_users,
        surge_plan=args.surge_plan,
    )
    workers = plan.bot_settings.get("BOT_WORKERS", str(BENCH_WORKERS))
    layout = (
        "one process"
        if workers == "1"
        else f"a fan-out process and {workers} workers; its CPU and memory are theirs together"
    )
    report.notes.append(f"the bot ran as BOT_WORKERS={workers} ({layout})")
    scenarios = Scenarios(plan, report)
    if "isolation" in parts:
        await scenarios.isolation()
    if "latency" in parts:
        await scenarios.latency()
    if "memory" in parts:
        await scenarios.memory()
    if "cost" in parts:
        await scenarios.cost()
    if "surge" in parts:
        await scenarios.surge()
    if parts & {"isolation", "latency", "cost", "memory", "surge"}:
        scenarios.startup()
    if "store" in parts:
        store_plan = StorePlan(sizes=args.store_sizes, runs=args.runs, postgres_url=args.postgres,
                               ops=20 if args.smoke else 300)  # fmt: skip
        await store_benchmarks(store_plan, report)
    return report


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.show is not None:
        print(Report.from_json(json.loads(args.show.read_text())).table())
        return 0
    started = time.monotonic()
    report = asyncio.run(run(args))
    print(report.table())
    out = args.out or RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    settings = {k: v for k, v in vars(args).items() if k != "out"}
    settings["out"] = str(out)
    settings["elapsed_s"] = round(time.monotonic() - started, 1)
    report.write(out, {k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()})
    print(f"\nwrote {out} ({settings['elapsed_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
