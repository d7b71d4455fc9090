"""The remote-desktop relay's server CPU per forwarded screen frame, without X, agent or browser.

    python bench/relay.py                       # 600 frames of 250 KB, no acks
    python bench/relay.py --frame-bytes 58000 --ack
    python bench/relay.py --frames 20           # CI

Starts `lifeline serve` on a fresh SQLite database, signs a technician in,
opens a PIN session and picks it up, then connects an agent-like websocket
client (`/agent/ws`: hello, agent_auth) and a viewer-like one (`/remote/ws/…`
with the technician's cookie, offering permessage-deflate as browsers do,
`start view`). The agent sends `--frames` addressed binary frames of random
(incompressible) bytes, paced by `PACE_S`; the viewer reads them (and with
`--ack` answers each with an `ack`, which the relay checks and forwards to
the agent like the console's). Printed: the server process's CPU time
(all threads, `/proc/<pid>/task/*/schedstat`) over the frames, per frame and
as % of one core, and whether the viewer socket negotiated compression.

`bench/screen.py` measures the whole stack against x11vnc/websockify; this one
isolates the relay hop so a change to it can be measured in seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import websockets

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lifeline.protocol import FLAG_FULL, relay  # noqa: E402
from tests.support.accounts import create_tech_group  # noqa: E402
from tests.support.servers import ServerProcess, base_env, fresh_database, migrate, start_server  # noqa: E402
from tests.support.sessions import Tech, enter_pin, technician  # noqa: E402

#: Between two frames: ~250 frames/s, faster than any screen stream, slow enough not to pile up.
PACE_S = 0.004
#: Time for the viewer's join to settle before the measured frames.
SETTLE_S = 0.5
RECEIVE_BUDGET_S = 120.0
PROTOCOL_VERSION = 1


def server_cpu_s(pid: int) -> float:
    """CPU time of every thread of `pid` so far (schedstat's first field is ns on a CPU)."""
    return sum(int((task / "schedstat").read_text().split()[0])
               for task in Path(f"/proc/{pid}/task").iterdir()) / 1e9


async def measure(server: ServerProcess, tech: Tech, lsid: str, token: str, args: argparse.Namespace) -> str:
    base = server.url.replace("http://", "ws://")
    cookie = "; ".join(f"{name}={value}" for name, value in tech.client.cookies.items())
    async with websockets.connect(base + "/agent/ws", max_size=None, compression=None) as agent, \
            websockets.connect(base + f"/remote/ws/{lsid}", additional_headers={"Cookie": cookie},
                               max_size=None) as viewer:
        await agent.send(json.dumps({"type": "hello", "versions": [PROTOCOL_VERSION], "role": "agent"}))
        await agent.recv()
        await agent.send(json.dumps({"type": "agent_auth", "lsid": lsid, "token": token}))
        await agent.recv()
        await viewer.send(json.dumps({"type": "hello", "versions": [PROTOCOL_VERSION], "role": "viewer"}))
        await viewer.recv()
        await viewer.send(json.dumps({"type": "start", "mode": "view"}))
        while (message := json.loads(await agent.recv()))["type"] != "viewer_join":
            pass
        frame = relay.address_frame(message["viewer"], bytes([0, FLAG_FULL]) + os.urandom(args.frame_bytes))

        async def view() -> None:
            received = 0
            while received < args.frames:
                if isinstance(await viewer.recv(), bytes):
                    received += 1
                    if args.ack:
                        await viewer.send(json.dumps({"type": "ack", "seq": received}))

        async def drain_agent() -> None:
            async for _ in agent:  # viewer messages the relay forwards (the acks)
                pass

        viewing, draining = asyncio.create_task(view()), asyncio.create_task(drain_agent())
        await asyncio.sleep(SETTLE_S)
        cpu0, t0 = server_cpu_s(server.process.pid), time.perf_counter()
        for _ in range(args.frames):
            await agent.send(frame)
            await asyncio.sleep(PACE_S)
        await asyncio.wait_for(viewing, RECEIVE_BUDGET_S)
        cpu, wall = server_cpu_s(server.process.pid) - cpu0, time.perf_counter() - t0
        draining.cancel()
        compression = viewer.response.headers.get("Sec-WebSocket-Extensions") or "none"
    return (f"relay: {args.frames} frames of {args.frame_bytes} B{' + acks' if args.ack else ''}: "
            f"server CPU {cpu / args.frames * 1000:.3f} ms/frame, {100 * cpu / wall:.1f} % of a core over "
            f"{wall:.1f} s; viewer socket compression: {compression}; load average {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=600)
    parser.add_argument("--frame-bytes", type=int, default=250_000)
    parser.add_argument("--ack", action="store_true", help="the viewer acks every frame, as the console does")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, fresh_database("sqlite", Path(tmp)) as database_url:
        env = base_env(database_url, Path(tmp) / "var", LIFELINE_RUN_JOBS="0")
        migrate(env)
        server = start_server(env, Path(tmp) / "server.log")
        try:
            tech = technician(server, create_tech_group(server, "Bench"))
            created = tech.ok("/api/console/sessions", {"method": "pin", "name": "Bench", "fields": {}})
            customer = enter_pin(server, created["pin"])
            if tech.get(f"/api/console/sessions/{customer.lsid}")["session"]["status"] == "waiting":
                tech.ok(f"/api/console/sessions/{customer.lsid}/pickup")
            print(asyncio.run(measure(server, tech, customer.lsid, customer.token, args)))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
