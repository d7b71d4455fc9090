"""Integration API figures against a real server on loopback (docs/performance.md).

    python bench/api.py            # full run: 500 requests per command, 1/100/1000 subscribers
    python bench/api.py --short    # CI: a few requests, 1/5/10 subscribers

Starts `lifeline serve` on a fresh SQLite database, makes an API account, then
measures requests/s and p50/p99 latency of `get_logged_in_reps` and
`generate_session_key` (one request at a time, a new connection each, as the
seed requires `Connection: close`), and the delay from a session event (a
`generate_session_key`) to its `model_update` on every `/nw` subscriber.
Bounded: each phase stops at its request count or its time budget.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.api_client import create_api_account, token_for  # noqa: E402
from tests.support.servers import ServerProcess, base_env, fresh_database, migrate, start_server  # noqa: E402

PHASE_BUDGET_S = 60.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def http_phase(server: ServerProcess, token: str, params: dict[str, str], count: int) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) of `count` sequential calls, each on a fresh connection."""
    latencies: list[float] = []
    started = time.perf_counter()
    with httpx.Client(base_url=server.url, timeout=30.0) as client:
        for _ in range(count):
            t0 = time.perf_counter()
            response = client.get("/api/command", params=params, headers={"Authorization": f"Bearer {token}"})
            latencies.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200 or b"<error" in response.content:
                raise SystemExit(f"bench request failed: {response.text[:300]}")
            if time.perf_counter() - started > PHASE_BUDGET_S:
                break
    elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, percentile(latencies, 0.5), percentile(latencies, 0.99)


async def realtime_phase(server: ServerProcess, token: str, group: int, subscribers: int) -> tuple[float, float]:
    """(p50 ms, max ms) from sending generate_session_key to each subscriber's model_update with the session."""
    url = server.url.replace("http://", "ws://") + "/nw"
    hello = (json.dumps({"type": "authenticate", "credentials": {"bearer_token": token}}) + "\n"
             + json.dumps({"type": "subscribe", "tables": ["support_session"]}) + "\n")

    async def connect() -> websockets.ClientConnection:
        ws = await websockets.connect(url, subprotocols=["ingredi%20state%20api"],  # type: ignore[list-item]
                                      max_queue=None, open_timeout=60)
        await ws.send(hello)
        for _ in range(2):
            await ws.recv()  # authenticate_response, subscribe_response
        return ws

    connections: list[websockets.ClientConnection] = []
    for start in range(0, subscribers, 50):
        connections += await asyncio.gather(*(connect() for _ in range(min(50, subscribers - start))))
    await asyncio.sleep(0.5)
    for ws in connections:  # drain the full copy
        while True:
            try:
                await asyncio.wait_for(ws.recv(), 0.05)
            except TimeoutError:
                break

    async def wait_update(ws: websockets.ClientConnection, sent: float) -> float:
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), PHASE_BUDGET_S))
            if message.get("type") == "model_update" and "support_session" in message.get("insert", {}):
                return (time.perf_counter() - sent) * 1000

    async with httpx.AsyncClient(base_url=server.url, timeout=30.0) as client:
        sent = time.perf_counter()
        waiters = [asyncio.create_task(wait_update(ws, sent)) for ws in connections]
        response = await client.get("/api/command", params={"action": "generate_session_key", "type": "support",
                                                             "queue_id": f"team:{group}"},
                                    headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()
        delays = await asyncio.gather(*waiters)
    await asyncio.gather(*(ws.close() for ws in connections))
    return statistics.median(delays), max(delays)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="a quick run for CI")
    args = parser.parse_args()
    requests = 20 if args.short else 500
    fanouts = (1, 5, 10) if args.short else (1, 100, 1000)
    with tempfile.TemporaryDirectory() as tmp, fresh_database("sqlite", Path(tmp)) as database_url:
        env = base_env(database_url, Path(tmp) / "var", LIFELINE_RUN_JOBS="0")
        migrate(env)
        server = start_server(env, Path(tmp) / "server.log")
        try:
            token = token_for(server, create_api_account(server, name="bench"))
            group = json.loads(server.cli("admin", "create-tech-group", "--name", "Bench", "--json").stdout)["id"]
            rows = []
            for label, params in (("get_logged_in_reps", {"action": "get_logged_in_reps"}),
                                  ("generate_session_key", {"action": "generate_session_key", "type": "support",
                                                            "queue_id": f"team:{group}"})):
                rate, p50, p99 = http_phase(server, token, params, requests)
                rows.append((label, f"{rate:8.1f} req/s", f"p50 {p50:7.1f} ms", f"p99 {p99:7.1f} ms"))
            for count in fanouts:
                p50, worst = asyncio.run(realtime_phase(server, token, group, count))
                rows.append((f"/nw event→update, {count} subscribers", "", f"p50 {p50:7.1f} ms",
                             f"max {worst:7.1f} ms"))
        finally:
            server.stop()
    print(f"{'measure':<40} {'throughput':>14} {'':>14} {'':>14}")
    for row in rows:
        print(f"{row[0]:<40} {row[1]:>14} {row[2]:>14} {row[3]:>14}")


if __name__ == "__main__":
    main()
