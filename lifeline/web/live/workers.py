"""Starts the session scheduler (time-outs, auto-start/transfer, presence, Post-to-URL) with the app.

Every process runs it unless LIFELINE_RUN_JOBS=0: jobs are claimed in the
database, so several processes share the work without doing anything twice.
"""

from __future__ import annotations

from fastapi import FastAPI

from lifeline.services.context import Services
from lifeline.services.sessions.jobs import Scheduler


def include_routes(app: FastAPI) -> None:
    running: list[Scheduler] = []

    async def start(services: Services) -> None:
        if services.config.run_jobs:
            scheduler = Scheduler(services)
            await scheduler.start()
            running.append(scheduler)

    async def stop(services: Services) -> None:
        while running:
            await running.pop().stop()

    app.state.startup_hooks.append(start)
    app.state.shutdown_hooks.append(stop)
