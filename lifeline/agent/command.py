"""`lifeline agent …`: the server CLI's door to the agent (same arguments as `lifeline-agent`).

Kept apart from ``cli.py`` because it imports typer, which the downloaded
zipapp does not carry; arguments are passed through untouched to argparse.
"""

from __future__ import annotations

import typer

CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}


def agent(ctx: typer.Context) -> None:
    """Join a support session as the customer: --server URL --pin PIN, or a session/channel link."""
    from lifeline.agent.cli import main

    raise typer.Exit(main(ctx.args))


def register_agent_command(app: typer.Typer) -> None:
    app.command("agent", context_settings=CONTEXT, add_help_option=False)(agent)
