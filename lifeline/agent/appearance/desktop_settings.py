"""Desktop environments that draw their own desktop: switch the wallpaper and effects off with their own tool.

GNOME, Cinnamon and MATE (``gsettings``) and XFCE (``xfconf-query``) paint
the background in a desktop window above the root, so the root tweak cannot
reach them. Each ``SettingTweak`` reads one setting with the environment's
command-line tool, writes the plain value, and writes the saved one back on
restore. Keys that do not exist in the installed version are skipped (the
read fails). The environment is chosen by ``XDG_CURRENT_DESKTOP``; none, or
a missing tool, means no tweaks. Which settings, exactly, is listed in
docs/remote-desktop.md.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["GSETTINGS_TWEAKS", "XFCE_PLAIN", "Runner", "SettingTweak", "desktop_tweaks", "run_tool"]

log = logging.getLogger(__name__)

#: A settings tool answers in milliseconds; a hung D-Bus must not hold the session longer than this (s).
SETTINGS_TOOL_TIMEOUT_S = 5.0

#: Runs argv, returns stdout stripped; raises on failure (OSError, CalledProcessError, TimeoutExpired).
Runner = Callable[[Sequence[str]], str]


def run_tool(argv: Sequence[str]) -> str:
    done = subprocess.run(list(argv), capture_output=True, text=True, timeout=SETTINGS_TOOL_TIMEOUT_S, check=True)
    return done.stdout.strip()


@dataclass
class SettingTweak:
    """One setting: ``read`` prints it, ``write + [value]`` sets it; ``plain`` is the value while plain."""

    name: str
    read: list[str]
    write: list[str]
    plain: str
    run: Runner = run_tool
    saved: str | None = field(default=None, init=False)

    def apply(self) -> None:
        try:
            current = self.run(self.read)
        except (OSError, subprocess.SubprocessError) as exc:
            log.debug("%s not available here (%s); skipped", self.name, exc)
            return
        if current == self.plain:
            return
        self.saved = current
        self.run([*self.write, self.plain])

    def restore(self) -> None:
        if self.saved is not None:
            value, self.saved = self.saved, None
            self.run([*self.write, value])

    def close(self) -> None:
        """Nothing held open: each read and write is its own process."""


def _gsettings(schema: str, key: str, plain: str, run: Runner) -> SettingTweak:
    return SettingTweak(f"{schema} {key}", ["gsettings", "get", schema, key], ["gsettings", "set", schema, key],
                        plain, run)


#: XDG_CURRENT_DESKTOP name -> (schema, key, plain value). ``picture-options none`` hides the
#: wallpaper image (the background colour shows); the others turn off animations and effects.
GSETTINGS_TWEAKS: dict[str, list[tuple[str, str, str]]] = {
    "GNOME": [("org.gnome.desktop.background", "picture-options", "'none'"),
              ("org.gnome.desktop.interface", "enable-animations", "false")],
    "CINNAMON": [("org.cinnamon.desktop.background", "picture-options", "'none'"),
                 ("org.cinnamon.desktop.interface", "enable-animations", "false"),
                 ("org.cinnamon", "desktop-effects", "false")],
    "MATE": [("org.mate.background", "draw-background", "false"),
             ("org.mate.interface", "enable-animations", "false")],
}
#: Environments built on GNOME's settings schema.
GSETTINGS_ALIASES = {"UNITY": "GNOME", "X-CINNAMON": "CINNAMON", "BUDGIE": "GNOME", "UBUNTU": "GNOME"}
#: XFCE: every backdrop's image-style 0 ("None": the colour shows) and xfwm4's compositor off.
XFCE_PLAIN = {"image-style": "0", "use_compositing": "false"}


def _xfce_tweaks(run: Runner) -> list[SettingTweak]:
    try:
        listed = run(["xfconf-query", "-c", "xfce4-desktop", "-l"]).splitlines()
    except (OSError, subprocess.SubprocessError) as exc:
        log.debug("xfconf-query failed (%s): no XFCE tweaks", exc)
        listed = []
    tweaks = []
    for prop in (p.strip() for p in listed if p.strip().endswith("/image-style")):
        query = ["xfconf-query", "-c", "xfce4-desktop", "-p", prop]
        tweaks.append(SettingTweak(f"xfce4-desktop {prop}", query, [*query, "-s"], XFCE_PLAIN["image-style"], run))
    query = ["xfconf-query", "-c", "xfwm4", "-p", "/general/use_compositing"]
    tweaks.append(SettingTweak("xfwm4 compositing", query, [*query, "-s"], XFCE_PLAIN["use_compositing"], run))
    return tweaks


def desktop_tweaks(env: Mapping[str, str], *, run: Runner = run_tool,
                   which: Callable[[str], str | None] = shutil.which) -> list[SettingTweak]:
    """The tweaks for the desktop environment named in ``env["XDG_CURRENT_DESKTOP"]`` (may be several, ``:``-joined)."""
    names = [n.strip().upper() for n in env.get("XDG_CURRENT_DESKTOP", "").split(":") if n.strip()]
    for name in names:
        family = GSETTINGS_ALIASES.get(name, name)
        if family in GSETTINGS_TWEAKS and which("gsettings"):
            return [_gsettings(schema, key, plain, run) for schema, key, plain in GSETTINGS_TWEAKS[family]]
        if family == "XFCE" and which("xfconf-query"):
            return _xfce_tweaks(run)
    return []
