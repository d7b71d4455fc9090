"""Who may stream what: the server's half of remote-desktop authorization.

A viewer's rights are re-read from the database while it streams (see
``RIGHTS_TTL_S``) and every control message it sends is checked against them
by ``message_allowed``; the agent checks the customer's consent again on its
side, so neither half alone can open the customer's desktop.

Rules (spec part1 §4, §5; part2 §6.2):

- the technician must be a current participant (owner or collaborator) of
  an Active session;
- "control" mode needs *Launch remote control*; "view" mode needs *Launch
  desktop viewing*;
- input (keys, mouse, wheel, release) only in "control" mode;
- clipboard only in "control" mode with *Allow clipboard synchronization*;
- screenshots in either mode with *Screen capture*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.permissions import is_allowed
from lifeline.domain.session_state import SessionStatus
from lifeline.services.sessions.config import load_permissions, read_settings, session_owner
from lifeline.store.org import User
from lifeline.store.sessions import SessionParticipant, SupportSession

#: A viewer's rights snapshot is re-read when older than this (s), so a permission
#: removed by an administrator, a participant who left or a closed session stops
#: the stream within a second without a database read per mouse move.
RIGHTS_TTL_S = 1.0

INPUT_TYPES = frozenset({"key", "mouse_move", "mouse_button", "wheel", "release_all"})
STREAM_TYPES = frozenset({"ack", "quality", "refresh", "monitor_select", "encodings"})


@dataclass(frozen=True)
class ViewerRights:
    """What one technician may do in one session right now."""

    in_session: bool
    control: bool
    view: bool
    clipboard: bool
    screenshot: bool
    clipboard_mode: str

    def allows_mode(self, mode: str | None) -> bool:
        if not self.in_session or mode is None:
            return False
        return self.control if mode == "control" else self.view

    def as_message(self) -> dict[str, bool]:
        ok = self.in_session
        return {"control": ok and self.control, "view": ok and self.view,
                "clipboard": ok and self.clipboard, "screenshot": ok and self.screenshot}


NO_RIGHTS = ViewerRights(False, False, False, False, False, "universal")


def message_allowed(rights: ViewerRights, mode: str | None, kind: str) -> bool:
    """May a viewer in ``mode`` send a message of type ``kind`` to the agent? One rule per line."""
    if not rights.allows_mode(mode):
        return False
    if kind in INPUT_TYPES:
        return mode == "control"
    if kind == "clipboard":
        return mode == "control" and rights.clipboard
    if kind == "screenshot_request":
        return rights.screenshot
    return kind in STREAM_TYPES


async def viewer_rights(db: AsyncSession, user: User, lsid: str) -> ViewerRights:
    """The technician's rights in session ``lsid`` (NO_RIGHTS when not a participant or not Active)."""
    s = await db.scalar(select(SupportSession).where(SupportSession.lsid == lsid))
    if s is None or s.status != SessionStatus.ACTIVE.value:
        return NO_RIGHTS
    participant = await db.scalar(select(SessionParticipant.id).where(
        SessionParticipant.session_id == s.id, SessionParticipant.user_id == user.id,
        SessionParticipant.left_at.is_(None)))
    if participant is None:
        return NO_RIGHTS
    grants = await load_permissions(db, user.tech_group_id)
    mode = await read_settings(db, *session_owner(None, user.tech_group_id), ("clipboard_mode",))
    return ViewerRights(
        in_session=True,
        control=is_allowed(grants, "launch_remote_control"),
        view=is_allowed(grants, "launch_desktop_viewing"),
        clipboard=is_allowed(grants, "clipboard_sync"),
        screenshot=is_allowed(grants, "screen_capture"),
        clipboard_mode=str(mode["clipboard_mode"]),
    )


async def agent_policy(db: AsyncSession, s: SupportSession) -> dict[str, Any]:
    """The settings the agent enforces for the customer (the ``session_info.policy`` message field).

    Prompting follows the owning technician's group (single prompt is a group
    permission); the Applet settings follow the session's owner (channel or group).
    """
    grants = await load_permissions(db, s.tech_group_id)
    applet = await read_settings(db, *session_owner(s.channel_id, s.tech_group_id),
                                 ("disable_pause_break", "prompt_permissions_at_start"))
    group = await read_settings(db, *session_owner(None, s.tech_group_id),
                                ("input_priority", "clipboard_mode", "disable_wallpaper"))
    return {
        "single_prompt": is_allowed(grants, "single_prompt"),
        "prompt_at_start": bool(applet["prompt_permissions_at_start"]),
        "pause_break_revokes": not applet["disable_pause_break"],
        "input_priority": str(group["input_priority"]),
        "clipboard_mode": str(group["clipboard_mode"]),
        "disable_wallpaper": bool(group["disable_wallpaper"]),
    }
