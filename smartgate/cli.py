"""The ``smartgate`` command: one entry point, each process owning its own options.

Why delegation: the edge ships alone and must not depend on this package's
siblings at import time; so each sub-command imports its process's own
``cli.main(argv)`` lazily and hands it the remaining arguments.
``smartgate <command> --help`` shows that process's options.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module

COMMANDS: dict[str, tuple[str, str]] = {
    "edge": ("edge.cli", "run a lane (or yard) edge agent: camera -> plate reads -> MQTT"),
    "central": ("services.central.cli", "run the central service: ingest, matching, decisions"),
    "yard": ("services.yard.cli", "run the staging yard's call-forward worker (queues, SMS)"),
    "gateway": ("gateway.cli", "run the HTTP gateway: carriers' API and officers' console"),
    "devices": ("smartgate.commands.devices", "manage lane devices and their broker credentials"),
    "read": ("smartgate.commands.read", "read plates in image files or folders (JSON lines)"),
    "scenes": ("smartgate.commands.scenes", "write generated, labelled lane frames"),
    "simulate": ("smartgate.commands.simulate",
                 "replay a day through the yard policy and the rules, compare scenarios"),
    "demo": ("smartgate.demo", "run the whole system on this machine with simulated lanes"),
}


def _usage() -> str:
    lines = ["usage: smartgate <command> [options]", "", "commands:"]
    lines += [f"  {name:<9} {help_}" for name, (_, help_) in COMMANDS.items()]
    lines += ["", "smartgate <command> --help shows the options of a command."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"smartgate: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module = import_module(COMMANDS[name][0])
    entry: Callable[[list[str]], int | None] = module.main
    return int(entry(rest) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
