"""Fan-out benchmark: linli against a bare python-socketio broadcast server, same harness.

    python -m bench.fanout --clients 1000 --messages 200 --processes 1 --target both

N real Socket.IO clients (WebSocket) in one room, spread over P client processes; one sender
sends M messages into the room; every client times every delivery. Loopback only."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.measure import Options, Result, measure

Figures = dict[str, float]


def figures(r: Result) -> Figures:
    out: Figures = {"memory/connection KiB": r.rss_per_connection / 1024}
    t = r.phases["throughput"]
    out |= {"deliveries/s": t.per_second,
            "server CPU µs/delivery": t.server_cpu * 1e6 / max(t.deliveries, 1),
            "client CPU busy %": 100 * t.client_cpu / t.wall if t.wall > 0 else 0.0,
            "saturated p50 latency ms": t.percentile(0.5) * 1000}
    if (lat := r.phases.get("latency")) is not None:
        out |= {"p50 latency ms": lat.percentile(0.5) * 1000,
                "p99 latency ms": lat.percentile(0.99) * 1000,
                "max latency ms": lat.percentile(1.0) * 1000,
                "paced server CPU µs/delivery": lat.server_cpu * 1e6 / max(lat.deliveries, 1)}
    out["deliveries"] = sum(p.deliveries for p in r.phases.values())
    return out


def table(results: dict[str, Figures]) -> str:
    names = list(results)
    ratio = names == ["linli", "bare"]
    head = [*names, "linli/bare"] if ratio else names
    lines = [f"{'':32}" + "".join(f"{c:>13}" for c in head)]
    for key in results[names[0]]:
        cells = [results[n].get(key, float("nan")) for n in names]
        if ratio:
            cells.append(cells[0] / cells[1] if cells[1] else float("nan"))
        lines.append(f"{key:32}" + "".join(f"{v:>13,.1f}" for v in cells))
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=1000, help="N clients in the room (1000)")
    p.add_argument("--messages", type=int, default=200, help="M messages sent (200)")
    p.add_argument("--processes", type=int, default=1,
                   help="P client processes (1: on two cores a second one only competes "
                   "for the same client core)")
    p.add_argument("--target", choices=["linli", "bare", "both"], default="both")
    p.add_argument("--rate", type=float, default=5.0,
                   help="latency phase: messages per second (5; each reaches N clients); "
                   "0 skips the phase")
    p.add_argument("--latency-messages", type=int, default=100,
                   help="messages sent in the latency phase (100)")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="give up waiting for deliveries after this many seconds (300)")
    p.add_argument("--reuse-data", type=Path, metavar="DIR",
                   help="keep linli's data dir (and the N residents' tokens) in DIR/linli "
                   "across runs, so set-up happens once")
    p.add_argument("--no-pin", dest="pin", action="store_false",
                   help="do not pin the server to CPU 0 and the clients to the other CPUs")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if not (0 < args.clients <= 5000 and 0 < args.messages <= 100_000
            and 0 < args.processes <= 16):
        print("clients must be 1..5000, messages 1..100000, processes 1..16", file=sys.stderr)
        return 2
    opts = Options(clients=args.clients, messages=args.messages, rate=args.rate,
                   latency_messages=args.latency_messages, processes=args.processes,
                   timeout=args.timeout, reuse_data=args.reuse_data, pin=args.pin)
    targets = ["linli", "bare"] if args.target == "both" else [args.target]
    results: dict[str, Figures] = {}
    for target in targets:
        print(f"running {target} …", file=sys.stderr)
        result = measure(target, opts)
        if target == "linli":
            print(f"  linli set-up took {result.setup_seconds:.1f} s", file=sys.stderr)
        results[target] = figures(result)
    print(f"\n{args.clients} clients in one room, {args.processes} client process(es); "
          f"throughput: {args.messages} messages, each sent when the previous ack is back; "
          f"latency: {args.latency_messages} messages at {args.rate:g}/s\n")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
