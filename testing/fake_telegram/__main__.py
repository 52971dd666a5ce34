"""``python -m testing.fake_telegram [--host H] [--port N]``: the fake Bot API in a process of its
own (benchmarks; a developer's manual testing). Prints its base URL once it listens."""

from __future__ import annotations

import argparse

from testing.fake_telegram.server import serve_forever


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m testing.fake_telegram", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args(argv)
    serve_forever(args.host, args.port)


if __name__ == "__main__":
    main()
