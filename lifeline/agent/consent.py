"""The customer's consent, held and enforced by the agent alone (DESIGN.md §6, spec part1 §4, §15).

Whatever the server relays, the agent sends no screen without *view*
consent and injects no input (and syncs no clipboard) without *control*
consent. Control implies view: nobody can steer a screen they cannot see.
"Revoke all" (Pause/Break or the indicator's button) clears both at once; the
session goes on and the next remote action asks again.

Prompting follows the technician group: with *Use single prompt for all
permissions* one question grants everything for the whole session;
otherwise each action (view, control) is asked when the technician starts it.
With *Prompt customer for permissions one time when session starts* the
overall question comes at once; a "no" there is asked again at the next action.
"""

from __future__ import annotations

from dataclasses import dataclass

VIEW, CONTROL = "view", "control"


@dataclass
class Consent:
    view: bool = False
    control: bool = False

    def covers(self, mode: str) -> bool:
        return self.control if mode == CONTROL else (self.view or self.control)

    def grant(self, mode: str, *, everything: bool) -> None:
        """Record a "yes" to a question about ``mode`` (or to the single overall prompt)."""
        if everything or mode == CONTROL:
            self.view = self.control = True
        else:
            self.view = True

    def revoke_all(self) -> None:
        self.view = self.control = False

    def as_message(self, pending: bool) -> dict[str, bool]:
        return {"view": self.view or self.control, "control": self.control, "pending": pending}


def question(mode: str, technician: str, *, everything: bool) -> str:
    """The text of the permission prompt."""
    who = technician or "Your technician"
    if everything:
        return (f"{who} asks for permission to view your screen, control your mouse and keyboard and "
                "share the clipboard for the rest of this session.")
    if mode == CONTROL:
        return f"{who} asks for permission to control your mouse and keyboard (and to see your screen)."
    return f"{who} asks for permission to view your screen."
