"""*Disable wallpaper and visual effects* (lifeline/agent/appearance/) without a desktop.

The desktop-environment tweaks run against a fake settings tool (the
``run`` injection point of ``desktop_settings``); the X root tweak runs
against a scripted root window holding properties, which is how the
crash recovery (``_LIFELINE_SAVED_WALLPAPER`` left by a killed agent) is
checked.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any, cast

import pytest
from Xlib import X, Xatom, display, error

from lifeline.agent.appearance import Appearance
from lifeline.agent.appearance.desktop_settings import SettingTweak, desktop_tweaks
from lifeline.agent.appearance.x11_root import PLAIN_RGB, SAVED_PROPERTY, RootWallpaper

# ===== FAKE SETTINGS TOOL =====


class FakeTool:
    """gsettings / xfconf-query over a dict: ``get``/``-p`` print a value, ``set``/``-s`` store one."""

    def __init__(self, values: dict[tuple[str, str], str], listing: list[str] | None = None) -> None:
        self.values = dict(values)
        self.listing = listing
        self.calls: list[list[str]] = []
        self.fail_writes = False

    def __call__(self, argv: Sequence[str]) -> str:
        argv = list(argv)
        self.calls.append(argv)
        if argv[0] == "gsettings":
            _, verb, schema, key, *value = argv
            return self._access(verb == "set", (schema, key), value, argv)
        if argv[:2] == ["xfconf-query", "-c"] and argv[3:] == ["-l"]:
            if self.listing is None:
                raise subprocess.CalledProcessError(1, argv, stderr="channel not found")
            return "\n".join(self.listing)
        channel, prop = argv[2], argv[4]
        return self._access("-s" in argv, (channel, prop), argv[argv.index("-s") + 1:] if "-s" in argv else [], argv)

    def _access(self, write: bool, where: tuple[str, str], value: list[str], argv: list[str]) -> str:
        if where not in self.values:
            raise subprocess.CalledProcessError(1, argv, stderr="No such key")
        if write:
            if self.fail_writes:
                raise subprocess.CalledProcessError(1, argv, stderr="D-Bus timeout")
            self.values[where] = value[0]
            return ""
        return self.values[where]

    def writes(self) -> list[list[str]]:
        return [c for c in self.calls if "set" in c[:2] or "-s" in c]


def installed(name: str) -> str | None:
    return f"/usr/bin/{name}"


def missing(name: str) -> str | None:
    return None


GNOME = {("org.gnome.desktop.background", "picture-options"): "'zoom'",
         ("org.gnome.desktop.interface", "enable-animations"): "true"}


def test_gnome_wallpaper_and_animations_off_then_back_exactly() -> None:
    tool = FakeTool(GNOME)
    appearance = Appearance(list(desktop_tweaks({"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, run=tool, which=installed)))
    appearance.apply()
    assert tool.values == {("org.gnome.desktop.background", "picture-options"): "'none'",
                           ("org.gnome.desktop.interface", "enable-animations"): "false"}
    assert ["gsettings", "set", "org.gnome.desktop.background", "picture-options", "'none'"] in tool.calls
    appearance.apply()  # every stream change calls it: the second call changes nothing
    appearance.restore()
    appearance.restore()
    assert tool.values == GNOME
    assert len(tool.writes()) == 4


@pytest.mark.parametrize(("desktop", "schemas"), [
    ("X-Cinnamon", {"org.cinnamon.desktop.background", "org.cinnamon.desktop.interface", "org.cinnamon"}),
    ("MATE", {"org.mate.background", "org.mate.interface"}),
    ("Budgie:GNOME", {"org.gnome.desktop.background", "org.gnome.desktop.interface"}),
    ("Unity", {"org.gnome.desktop.background", "org.gnome.desktop.interface"}),
])
def test_each_gsettings_desktop_gets_its_own_schemas(desktop: str, schemas: set[str]) -> None:
    tweaks = desktop_tweaks({"XDG_CURRENT_DESKTOP": desktop}, run=FakeTool({}), which=installed)
    assert {t.read[2] for t in tweaks} == schemas
    assert all(t.read[:2] == ["gsettings", "get"] and t.write[:2] == ["gsettings", "set"] for t in tweaks)


def test_an_already_plain_setting_is_neither_written_nor_restored() -> None:
    tool = FakeTool({("org.gnome.desktop.background", "picture-options"): "'none'",
                     ("org.gnome.desktop.interface", "enable-animations"): "false"})
    appearance = Appearance(list(desktop_tweaks({"XDG_CURRENT_DESKTOP": "GNOME"}, run=tool, which=installed)))
    appearance.apply()
    appearance.restore()
    assert tool.writes() == []


def test_a_key_missing_in_this_version_is_skipped_and_the_others_still_apply() -> None:
    tool = FakeTool({("org.gnome.desktop.background", "picture-options"): "'spanned'"})  # no enable-animations
    appearance = Appearance(list(desktop_tweaks({"XDG_CURRENT_DESKTOP": "GNOME"}, run=tool, which=installed)))
    appearance.apply()
    assert tool.values == {("org.gnome.desktop.background", "picture-options"): "'none'"}
    appearance.restore()
    assert tool.values == {("org.gnome.desktop.background", "picture-options"): "'spanned'"}


def test_no_desktop_or_no_tool_means_no_tweaks() -> None:
    tool = FakeTool(GNOME)
    assert desktop_tweaks({}, run=tool, which=installed) == []
    assert desktop_tweaks({"XDG_CURRENT_DESKTOP": "KDE"}, run=tool, which=installed) == []
    assert desktop_tweaks({"XDG_CURRENT_DESKTOP": "GNOME"}, run=tool, which=missing) == []
    assert desktop_tweaks({"XDG_CURRENT_DESKTOP": "XFCE"}, run=tool, which=missing) == []
    assert tool.calls == []


def test_the_first_desktop_with_its_tool_installed_wins() -> None:
    def only_xfconf(name: str) -> str | None:
        return "/usr/bin/xfconf-query" if name == "xfconf-query" else None

    tweaks = desktop_tweaks({"XDG_CURRENT_DESKTOP": "GNOME:XFCE"}, run=FakeTool({}, listing=[]), which=only_xfconf)
    assert [t.name for t in tweaks] == ["xfwm4 compositing"]


XFCE_BACKDROPS = ["/backdrop/screen0/monitor0/workspace0/color-style",
                  "/backdrop/screen0/monitor0/workspace0/image-style",
                  "/backdrop/screen0/monitorVirtual1/workspace0/image-style",
                  "/backdrop/screen0/monitorVirtual1/workspace0/last-image"]


def test_xfce_every_backdrop_image_style_and_the_compositor_off_then_back() -> None:
    before = {("xfce4-desktop", XFCE_BACKDROPS[1]): "5", ("xfce4-desktop", XFCE_BACKDROPS[2]): "3",
              ("xfwm4", "/general/use_compositing"): "true"}
    tool = FakeTool(before, listing=XFCE_BACKDROPS)
    appearance = Appearance(list(desktop_tweaks({"XDG_CURRENT_DESKTOP": "XFCE"}, run=tool, which=installed)))
    assert len(appearance.tweaks) == 3
    appearance.apply()
    assert tool.values == {("xfce4-desktop", XFCE_BACKDROPS[1]): "0", ("xfce4-desktop", XFCE_BACKDROPS[2]): "0",
                           ("xfwm4", "/general/use_compositing"): "false"}
    assert ["xfconf-query", "-c", "xfwm4", "-p", "/general/use_compositing", "-s", "false"] in tool.calls
    appearance.restore()
    assert tool.values == before


def test_xfce_without_a_desktop_channel_still_turns_the_compositor_off() -> None:
    tool = FakeTool({("xfwm4", "/general/use_compositing"): "true"}, listing=None)
    tweaks = desktop_tweaks({"XDG_CURRENT_DESKTOP": "XFCE"}, run=tool, which=installed)
    assert [t.name for t in tweaks] == ["xfwm4 compositing"]


def test_a_tool_that_cannot_start_skips_the_tweak() -> None:
    def absent(argv: Sequence[str]) -> str:
        raise FileNotFoundError(argv[0])

    tweak = SettingTweak("x", ["gsettings", "get", "a", "b"], ["gsettings", "set", "a", "b"], "'none'", absent)
    tweak.apply()
    assert tweak.saved is None
    tweak.restore()


def test_a_failing_write_is_logged_and_the_session_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    tool = FakeTool(GNOME)
    tool.fail_writes = True
    appearance = Appearance(list(desktop_tweaks({"XDG_CURRENT_DESKTOP": "GNOME"}, run=tool, which=installed)))
    with caplog.at_level(logging.WARNING, logger="lifeline.agent.appearance.base"):
        appearance.apply()
        appearance.restore()
    assert tool.values == GNOME
    assert sum("could not make" in r.getMessage() for r in caplog.records) == 2
    assert sum("could not restore" in r.getMessage() for r in caplog.records) == 2


def test_restore_runs_in_reverse_order_and_close_restores_first() -> None:
    order: list[str] = []

    class Recording:
        def __init__(self, name: str) -> None:
            self.name = name

        def apply(self) -> None:
            order.append(f"apply {self.name}")

        def restore(self) -> None:
            order.append(f"restore {self.name}")

        def close(self) -> None:
            order.append(f"close {self.name}")

    appearance = Appearance([Recording("root"), Recording("gnome")])
    appearance.apply()
    appearance.close()
    assert order == ["apply root", "apply gnome", "restore gnome", "restore root", "close root", "close gnome"]


# ===== X ROOT WALLPAPER (scripted root window) =====


class ScriptedRoot:
    """A root window's properties and background, as python-xlib's Window calls see them."""

    def __init__(self, server: ScriptedServer) -> None:
        self.server = server
        self.properties: dict[int, tuple[int, list[int]]] = {}
        self.background: dict[str, int] = {}
        self.cleared = 0

    def get_full_property(self, atom: int, kind: int) -> Any:
        if atom not in self.properties:
            return None
        prop_type, value = self.properties[atom]
        if kind not in (X.AnyPropertyType, prop_type):
            return None
        return SimpleNamespace(property_type=prop_type, format=32, value=list(value))

    def change_property(self, atom: int, kind: int, fmt: int, value: Sequence[int]) -> None:
        assert fmt == 32
        self.properties[atom] = (kind, [int(v) for v in value])

    def delete_property(self, atom: int) -> None:
        self.properties.pop(atom, None)

    def change_attributes(self, **attributes: int) -> None:
        self.background = dict(attributes)

    def clear_area(self) -> None:
        self.cleared += 1


class ScriptedServer:
    """The parts of python-xlib's Display that RootWallpaper uses; pixmaps exist until ``free``d."""

    def __init__(self) -> None:
        self.atoms: dict[str, int] = {}
        self.root = ScriptedRoot(self)
        self.pixmaps: set[int] = set()
        self.allocated: list[tuple[int, int, int]] = []
        self.closed = False

    def atom(self, name: str) -> int:
        return self.atoms.setdefault(name, 100 + len(self.atoms))

    def intern_atom(self, name: str) -> int:
        return self.atom(name)

    def screen(self) -> SimpleNamespace:
        def alloc_color(r: int, g: int, b: int) -> SimpleNamespace:
            self.allocated.append((r, g, b))
            return SimpleNamespace(pixel=0x2E3A46)

        return SimpleNamespace(root=self.root, default_colormap=SimpleNamespace(alloc_color=alloc_color))

    def create_resource_object(self, kind: str, resource: int) -> SimpleNamespace:
        assert kind == "pixmap"

        def get_geometry() -> SimpleNamespace:
            if resource not in self.pixmaps:
                raise error.BadDrawable.__new__(error.BadDrawable)
            return SimpleNamespace(width=1280, height=800)

        return SimpleNamespace(get_geometry=get_geometry)

    def sync(self) -> None:
        """Requests are synchronous here."""

    def close(self) -> None:
        self.closed = True

    # ----- what the test reads and sets up -----

    def set_wallpaper(self, xrootpmap: int | None, esetroot: int | None) -> None:
        for name, pixmap in (("_XROOTPMAP_ID", xrootpmap), ("ESETROOT_PMAP_ID", esetroot)):
            if pixmap is not None:
                self.pixmaps.add(pixmap)
                self.root.properties[self.atom(name)] = (Xatom.PIXMAP, [pixmap])

    def prop(self, name: str) -> list[int] | None:
        held = self.root.properties.get(self.atom(name))
        return None if held is None else held[1]


def wallpaper(server: ScriptedServer) -> RootWallpaper:
    return RootWallpaper(connection=cast(display.Display, server))


def test_root_wallpaper_is_replaced_by_a_colour_and_put_back() -> None:
    server = ScriptedServer()
    server.set_wallpaper(0x400001, 0x400001)
    tweak = wallpaper(server)
    try:
        tweak.apply()
        assert server.prop("_XROOTPMAP_ID") is None and server.prop("ESETROOT_PMAP_ID") is None
        assert server.prop(SAVED_PROPERTY) == [0x400001, 0x400001]  # kept on the root before anything changed
        assert server.root.background == {"background_pixel": 0x2E3A46}
        assert server.allocated == [tuple(c * 257 for c in PLAIN_RGB)]
        tweak.restore()
        assert server.root.background == {"background_pixmap": 0x400001}
        assert server.prop("_XROOTPMAP_ID") == [0x400001] and server.prop("ESETROOT_PMAP_ID") == [0x400001]
        assert server.prop(SAVED_PROPERTY) is None
        assert server.root.cleared == 2  # repainted after each change
    finally:
        tweak.close()
    assert server.closed


def test_a_root_without_wallpaper_properties_is_left_alone() -> None:
    server = ScriptedServer()
    tweak = wallpaper(server)
    try:
        tweak.apply()
        tweak.restore()
        assert server.root.properties == {} and server.root.background == {} and server.root.cleared == 0
    finally:
        tweak.close()


def test_a_killed_agents_plain_root_is_restored_by_the_next_agent() -> None:
    server = ScriptedServer()
    server.set_wallpaper(0x600001, None)
    killed = wallpaper(server)
    killed.apply()  # then SIGKILL: no restore, no close
    assert server.prop("_XROOTPMAP_ID") is None and server.prop(SAVED_PROPERTY) == [0x600001, 0]
    next_agent = wallpaper(server)
    try:
        assert server.root.background == {"background_pixmap": 0x600001}
        assert server.prop("_XROOTPMAP_ID") == [0x600001]
        assert server.prop("ESETROOT_PMAP_ID") is None  # it was not set before: not invented
        assert server.prop(SAVED_PROPERTY) is None
    finally:
        next_agent.close()


def test_recovery_with_only_esetroot_uses_that_pixmap() -> None:
    server = ScriptedServer()
    server.pixmaps.add(0x700002)
    server.root.properties[server.atom(SAVED_PROPERTY)] = (Xatom.CARDINAL, [0, 0x700002])
    tweak = wallpaper(server)
    try:
        assert server.root.background == {"background_pixmap": 0x700002}
        assert server.prop("ESETROOT_PMAP_ID") == [0x700002] and server.prop("_XROOTPMAP_ID") is None
    finally:
        tweak.close()


def test_recovery_when_the_pixmap_was_freed_falls_back_to_the_default_background() -> None:
    server = ScriptedServer()
    server.root.properties[server.atom(SAVED_PROPERTY)] = (Xatom.CARDINAL, [0x500001, 0x500001])  # both gone
    tweak = wallpaper(server)
    try:
        assert server.root.background == {"background_pixmap": X.NONE}
        assert server.prop("_XROOTPMAP_ID") is None and server.prop("ESETROOT_PMAP_ID") is None
        assert server.prop(SAVED_PROPERTY) is None
    finally:
        tweak.close()


def test_a_freed_pixmap_is_not_published_again_next_to_a_live_one() -> None:
    """Esetroot-style setters XKillClient the id in ESETROOT_PMAP_ID: a stale id must not be put back there."""
    server = ScriptedServer()
    server.pixmaps.add(0x800001)
    server.root.properties[server.atom(SAVED_PROPERTY)] = (Xatom.CARDINAL, [0x800001, 0x900001])
    tweak = wallpaper(server)
    try:
        assert server.root.background == {"background_pixmap": 0x800001}
        assert server.prop("_XROOTPMAP_ID") == [0x800001]
        assert server.prop("ESETROOT_PMAP_ID") is None
    finally:
        tweak.close()


def test_a_malformed_saved_property_is_ignored() -> None:
    server = ScriptedServer()
    server.set_wallpaper(0x400001, None)
    server.root.properties[server.atom(SAVED_PROPERTY)] = (Xatom.CARDINAL, [0x123])  # not two ids
    tweak = wallpaper(server)
    try:
        assert server.root.background == {} and server.prop("_XROOTPMAP_ID") == [0x400001]
    finally:
        tweak.close()
