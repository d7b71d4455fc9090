"""Remote desktop end to end: real server process, the real agent on Xvfb, the Technician Console in Chromium.

The customer's side is a private Xvfb running xterm (and twm for the window
drag); the agent is started as `lifeline agent --server … --pin …` and its
Tk permission prompt is answered with xdotool, as a customer would (focus the
window, press Return). The technician's side is the real console page: the
panel's buttons, the canvas, Playwright's mouse and keyboard. Outcomes are
checked on the X side (files created by typed commands, window positions,
X clipboard), and every wait polls.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

for _tool in ("Xvfb", "xterm", "chromium", "xdotool", "twm", "xwininfo"):
    if shutil.which(_tool) is None:
        pytest.skip(f"{_tool} is not installed", allow_module_level=True)

from playwright.sync_api import Browser, Page  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

from bench.screen_x import VideoAnimator  # noqa: E402
from lifeline.agent.appearance.x11_root import PLAIN_RGB  # noqa: E402
from lifeline.agent.capture.base import Monitor  # noqa: E402
from lifeline.agent.capture.x11 import X11Capture  # noqa: E402
from lifeline.agent.clipboard import X11Clipboard  # noqa: E402
from tests.support.accounts import create_tech_group, save_group_settings  # noqa: E402
from tests.support.remote import (  # noqa: E402
    SCREEN_H,
    SCREEN_W,
    CustomerJiggle,
    Cutter,
    KeyLogger,
    agent,
    answer_prompt,
    click_prompt_button,
    root_wallpaper_property,
    screen_pixel,
    set_root_wallpaper,
    window_position,
    x_client,
    xdotool,
    xvfb,
)
from tests.support.servers import NATS_URL, ServerProcess, base_env, fresh_database, migrate, start_server  # noqa: E402
from tests.support.sessions import Tech, enter_pin, session_seed, technician, wait_for  # noqa: E402

#: A wallpaper colour no X client here draws, and a root pixel no window covers.
WALLPAPER_RGB = (200, 40, 160)
#: Repaints per second of the full-screen video played to check the Motion menu.
VIDEO_HZ = 30
BARE_ROOT = (SCREEN_W - 5, SCREEN_H - 5)
#: twm exits at start when its default fonts are missing ("unable to open fontset \"variable\"": the
#: alias is not on every machine), so name "fixed", which every X server has.
TWMRC = ('TitleFont "fixed"\nResizeFont "fixed"\nMenuFont "fixed"\nIconFont "fixed"\nIconManagerFont "fixed"\n'
         'RandomPlacement\nUsePPosition "on"\nNoGrabServer\nOpaqueMove\nMoveDelta 1\nButton1 = : title : f.move\n')


# ===== FIXTURES =====


@pytest.fixture(scope="module")
def xdisplay() -> Iterator[str]:
    with xvfb() as display:
        yield display


@pytest.fixture
def xterm(xdisplay: str) -> Iterator[None]:
    with x_client(xdisplay, "xterm", "-geometry", "80x24+0+0", "-e", "sh"):
        wait_for(lambda: xdotool(xdisplay, "search", "--class", "xterm", check=False), "xterm mapped")
        yield


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        yield context.new_page()
    finally:
        context.close()


# ===== HELPERS =====


def new_session(server: ServerProcess, tech: Tech) -> tuple[str, str]:
    created = tech.ok("/api/console/sessions", {"method": "pin", "name": "Carol", "fields": {}})
    return created["pin"], created["session"]["lsid"]


def pick_up(tech: Tech, lsid: str) -> None:
    def status() -> str:
        return str(tech.get(f"/api/console/sessions/{lsid}")["session"]["status"])

    wait_for(lambda: status() in ("waiting", "active"), "the customer's agent to join")
    if status() == "waiting":
        tech.ok(f"/api/console/sessions/{lsid}/pickup")
    wait_for(lambda: status() == "active", "the session to become active")


def open_console(page: Page, tech: Tech, lsid: str) -> None:
    page.context.add_cookies([{"name": k, "value": v, "url": tech.server.url} for k, v in tech.client.cookies.items()])
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=tech.server.url)
    page.goto(f"{tech.server.url}/console")
    page.locator(f"[data-lsid='{lsid}']").first.click()
    page.locator(f"[data-remote-panel='{lsid}']").wait_for()


def panel(page: Page, lsid: str) -> str:
    return f"[data-remote-panel='{lsid}']"


def start(page: Page, lsid: str, mode: str, display: str) -> None:
    page.locator(f"{panel(page, lsid)} [data-action='remote-{mode}']").click()
    answer_prompt(display)
    page.locator(f"{panel(page, lsid)}[data-streaming='true']").wait_for()
    page.wait_for_function(f"document.querySelector(\"{panel(page, lsid)} canvas\").width === {SCREEN_W}")


def at(page: Page, lsid: str, x: int, y: int) -> tuple[float, float]:
    """Page coordinates of remote pixel (x, y) on the (scaled) canvas."""
    box = page.locator(f"{panel(page, lsid)} canvas").bounding_box()
    assert box is not None
    return box["x"] + (x + 0.5) * box["width"] / SCREEN_W, box["y"] + (y + 0.5) * box["height"] / SCREEN_H


def type_command(page: Page, lsid: str, command: str) -> None:
    page.mouse.click(*at(page, lsid, 200, 150))  # into the xterm: focus follows the pointer
    page.keyboard.type(command)
    page.keyboard.press("Enter")


def relay_socket(tech: Tech, lsid: str):  # type: ignore[no-untyped-def]
    """A hand-crafted viewer websocket with the technician's cookie (what a hostile page could send)."""
    cookie = "; ".join(f"{k}={v}" for k, v in tech.client.cookies.items())
    ws = connect(tech.server.url.replace("http://", "ws://") + f"/remote/ws/{lsid}",
                 additional_headers={"Cookie": cookie}, open_timeout=10, legacy=True)  # callers close it
    ws.send(json.dumps({"type": "hello", "versions": [1], "role": "viewer"}))
    assert json.loads(ws.recv(timeout=10))["type"] == "welcome"
    return ws


def next_of(ws, kind: str) -> dict:  # type: ignore[no-untyped-def]
    while True:
        raw = ws.recv(timeout=20)
        if isinstance(raw, str) and json.loads(raw)["type"] == kind:
            return json.loads(raw)


# ===== TESTS =====


def test_pin_join_consent_typing_drag_clipboard_and_revoke(
    sqlite_server: ServerProcess, xdisplay: str, xterm: None, page: Page, tmp_path: Path
) -> None:
    group = create_tech_group(sqlite_server, "Remote")
    session_seed(sqlite_server, "set_permission", group_id=group, key="clipboard_sync", allowed=True)
    save_group_settings(sqlite_server, group, disable_wallpaper=True, input_priority="customer")
    tech = technician(sqlite_server, group)
    pin, lsid = new_session(sqlite_server, tech)
    wallpaper = set_root_wallpaper(xdisplay, WALLPAPER_RGB)
    with agent(sqlite_server.url, xdisplay, tmp_path / "agent.log", "--pin", pin):
        pick_up(tech, lsid)
        open_console(page, tech, lsid)
        start(page, lsid, "control", xdisplay)
        wait_for(lambda: screen_pixel(xdisplay, *BARE_ROOT) == PLAIN_RGB, "a plain root while streaming")
        assert root_wallpaper_property(xdisplay) is None

        typed = tmp_path / f"typed-{uuid.uuid4().hex[:8]}"
        type_command(page, lsid, f"touch {typed}")
        wait_for(typed.exists, f"{typed} created by the command typed in the console")

        xdotool(xdisplay, "mousemove", "700", "456")  # the customer's pointer, drawn by the viewer
        cursor = page.locator(f"{panel(page, lsid)} [data-remote-cursor]")
        wait_for(lambda: (cursor.get_attribute("data-x"), cursor.get_attribute("data-y")) == ("700", "456"),
                 "the viewer reporting the pointer moved by XTest")
        assert (cursor.get_attribute("src") or "").startswith("data:image/png;base64,")

        _customer_priority_drops_then_passes_typing(page, lsid, xdisplay, tmp_path)
        _screenshot_matches_the_screen(page, lsid, xdisplay, tmp_path)

        clip = X11Clipboard(xdisplay)
        try:  # customer -> technician
            clip.set_text("copied by the customer")
            wait_for(lambda: page.locator(f"{panel(page, lsid)} [data-remote-clipboard]").input_value()
                     == "copied by the customer", "customer clipboard shown in the console")
            reader = X11Clipboard(xdisplay)  # technician -> customer
            try:
                page.evaluate("navigator.clipboard.writeText('from the technician')")
                page.locator(f"{panel(page, lsid)} canvas").focus()
                wait_for(lambda: reader.get_text() == "from the technician", "technician clipboard on the X side")
            finally:
                reader.close()
        finally:
            clip.close()

        with x_client(xdisplay, "twm", "-f", str(_twmrc(tmp_path))), \
                x_client(xdisplay, "xterm", "-title", "dragme", "-geometry", "30x5+500+300", "-e", "sh"):
            wait_for(lambda: _position_or_none(xdisplay, "dragme"), "window under twm")
            x0, y0 = window_position(xdisplay, "dragme")
            title_y = y0 - 13  # the middle of twm's 27-px title bar, right above the client window
            page.mouse.move(*at(page, lsid, x0 + 40, title_y))
            page.mouse.down()
            for step in range(1, 11):
                page.mouse.move(*at(page, lsid, x0 + 40 + 20 * step, title_y + 15 * step))
            page.mouse.up()
            wait_for(lambda: _moved(xdisplay, (x0, y0), (200, 150)), "window dragged by about (200, 150)")
        _special_keys_reach_the_desktop(page, lsid, xdisplay)
        _low_bandwidth_motion_sends_video(page, lsid, xdisplay)

        with contextlib.closing(relay_socket(tech, lsid)) as ws:  # a second viewer, already allowed
            ws.send(json.dumps({"type": "start", "mode": "control"}))
            wait_for(lambda: next_of(ws, "state")["consent"]["control"], "second viewer streaming")
            xdotool(xdisplay, "key", "Pause")  # the customer revokes everything
            page.locator(f"{panel(page, lsid)}[data-streaming='false']").wait_for()
            wait_for(lambda: screen_pixel(xdisplay, *BARE_ROOT) == WALLPAPER_RGB, "the wallpaper back after revoke")
            assert root_wallpaper_property(xdisplay) == wallpaper
            after = tmp_path / "after-revoke"
            send_typing(ws, f"touch {after}\n")  # the relay passes it; the agent must drop it
        start(page, lsid, "control", xdisplay)  # asking again works, and proves the keys above were dropped
        marker = tmp_path / "marker"
        type_command(page, lsid, f"touch {marker}")
        wait_for(marker.exists, "typing works again after a new consent")
        assert not after.exists()
    wait_for(lambda: screen_pixel(xdisplay, *BARE_ROOT) == WALLPAPER_RGB, "the wallpaper restored at agent exit")
    assert root_wallpaper_property(xdisplay) == wallpaper
    log = [(e["op"], e.get("mode") or e.get("decision") or e.get("enabled"), e.get("via"), e["actor"]["kind"])
           for e in tech.get(f"/api/console/sessions/{lsid}")["events"] if e["type"] == "remote"]
    assert log[:3] == [("started", "control", None, "technician"), ("consent", "granted", "prompt", "customer"),
                       ("clipboard", True, None, "technician")], log
    assert ("screenshot", None, None, "technician") in log
    assert ("consent", "revoked", "hotkey", "customer") in log
    assert log.count(("started", "control", None, "technician")) >= 3  # the console twice, the hand-made viewer
    assert ("stopped", "control", None, "technician") in log  # the hand-made viewer's socket closed


def _customer_priority_drops_then_passes_typing(page: Page, lsid: str, display: str, tmp_path: Path) -> None:
    """Group setting "customer": while the customer moves their mouse the technician's keys are dropped."""
    during, after = tmp_path / "during-customer", tmp_path / "after-customer"
    xdotool(display, "mousemove", "125", "105")  # the core pointer in the xterm: the keyboard focus follows it
    jiggle = CustomerJiggle(display, ((120, 100), (130, 110)))  # a second seat's pointer: the focus stays
    try:
        wait_for(lambda: jiggle.moves >= 3, "the customer moving the mouse")
        page.keyboard.type(f"touch {during}")
        page.keyboard.press("Enter")
        moves_while_typing = jiggle.moves
        wait_for(lambda: jiggle.moves >= moves_while_typing + 2, "the customer still moving after the keys")
    finally:
        jiggle.stop()

    def typed_after() -> bool:
        page.keyboard.press("Control+u")  # the tty's kill character: drops any half-typed line
        page.keyboard.type(f"touch {after}")
        page.keyboard.press("Enter")
        return _wait_file(after)

    wait_for(typed_after, "the technician's keys arriving once the customer stopped")
    assert not during.exists()


def _screenshot_matches_the_screen(page: Page, lsid: str, display: str, tmp_path: Path) -> None:
    """Screen capture permission (default on): the technician downloads a lossless PNG of the screen."""
    import numpy as np
    from PIL import Image

    page.mouse.move(*at(page, lsid, 300, 200))
    with page.expect_download() as download:
        page.locator(f"{panel(page, lsid)} [data-action='remote-screenshot']").click()
    path = tmp_path / "screenshot.png"
    download.value.save_as(path)
    shot = np.asarray(Image.open(path).convert("RGB"))
    with X11Capture(display) as capture:
        screen = capture.grab(Monitor(0, 0, 0, SCREEN_W, SCREEN_H))[:, :, 2::-1]
    assert shot.shape == (SCREEN_H, SCREEN_W, 3)
    assert float((shot == screen).all(axis=2).mean()) > 0.999  # a lossless copy (the xterm may blink its cursor)


def _special_keys_reach_the_desktop(page: Page, lsid: str, display: str) -> None:
    """The special-keys menu's Ctrl+Alt+Del arrives as real key events in the focused X window."""
    logger = KeyLogger(display, 900, 500, watch=("Control_L", "Alt_L", "Delete"))
    try:
        logger.focus()
        page.locator(f"{panel(page, lsid)} [data-remote-keys]").select_option(label="Ctrl+Alt+Del")
        want = [("press", "Control_L"), ("press", "Alt_L"), ("press", "Delete"),
                ("release", "Delete"), ("release", "Alt_L"), ("release", "Control_L")]
        try:
            wait_for(lambda: [e for e in logger.drain() if e[1] in ("Control_L", "Alt_L", "Delete")] == want,
                     "Ctrl+Alt+Del pressed and released in order on the X side")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the window got {logger.events}") from None
    finally:
        logger.close()


def _low_bandwidth_motion_sends_video(page: Page, lsid: str, display: str) -> None:
    """Motion: Low bandwidth in the toolbar makes the agent send a playing video as VP8 (the quality
    line says "video"); back at Automatic, this loopback link carries JPEG and the video stops."""
    menu = page.locator(f"{panel(page, lsid)} [data-remote-motion]")
    quality = page.locator(f"{panel(page, lsid)} [data-remote-quality]")
    assert menu.input_value() == "auto"
    with VideoAnimator(display, SCREEN_W, SCREEN_H, VIDEO_HZ) as film:
        film.show()
        film.start()
        try:
            menu.select_option("video")
            wait_for(lambda: (quality.text_content() or "").endswith(" · video"), "VP8 drawn after Low bandwidth")
            menu.select_option("auto")
            wait_for(lambda: "video" not in (quality.text_content() or ""), "JPEG again after Automatic")
        finally:
            film.stop()
            film.hide()


def send_typing(ws, text: str) -> None:  # type: ignore[no-untyped-def]
    """Hand-crafted key messages typing ``text`` (what a modified console could send)."""
    for ch in text:
        code = {"\n": "Enter", " ": "Space"}.get(ch, "KeyA")
        key = {"type": "key", "code": code, "down": True, **({} if ch in "\n " else {"key": ch})}
        ws.send(json.dumps(key))
        ws.send(json.dumps({**key, "down": False}))


def _twmrc(tmp_path: Path) -> Path:
    path = tmp_path / "twmrc"
    path.write_text(TWMRC)
    return path


def _position_or_none(display: str, name: str) -> tuple[int, int] | None:
    try:
        return window_position(display, name)
    except Exception:  # noqa: BLE001 - xwininfo fails, or prints no position, while the window is not mapped
        return None


def _moved(display: str, before: tuple[int, int], by: tuple[int, int]) -> bool:
    x, y = window_position(display, "dragme")
    return abs(x - before[0] - by[0]) <= 6 and abs(y - before[1] - by[1]) <= 6


def test_view_only_technician_cannot_inject_even_by_hand(
    sqlite_server: ServerProcess, xdisplay: str, xterm: None, page: Page, tmp_path: Path
) -> None:
    group = create_tech_group(sqlite_server, "Viewers")
    session_seed(sqlite_server, "set_permission", group_id=group, key="launch_remote_control", allowed=False)
    session_seed(sqlite_server, "set_permission", group_id=group, key="screen_capture", allowed=False)
    tech = technician(sqlite_server, group)
    pin, lsid = new_session(sqlite_server, tech)
    with agent(sqlite_server.url, xdisplay, tmp_path / "agent.log", "--pin", pin):
        pick_up(tech, lsid)
        open_console(page, tech, lsid)
        assert page.locator(f"{panel(page, lsid)} [data-action='remote-control']").is_hidden()
        _customer_denies_then_allows(page, lsid, xdisplay)
        assert page.locator(f"{panel(page, lsid)} [data-action='remote-screenshot']").is_hidden()
        with contextlib.closing(relay_socket(tech, lsid)) as ws:
            ws.send(json.dumps({"type": "start", "mode": "control"}))
            assert "Launch remote control" in next_of(ws, "refused")["reason"]
            ws.send(json.dumps({"type": "start", "mode": "view"}))
            assert next_of(ws, "state")["allowed"]["screenshot"] is False
            ws.send(json.dumps({"type": "screenshot_request"}))  # no Screen capture: the relay must drop it
            target = tmp_path / "injected"
            ws.send(json.dumps({"type": "mouse_button", "button": 0, "down": True, "x": 200, "y": 150}))
            ws.send(json.dumps({"type": "mouse_button", "button": 0, "down": False, "x": 200, "y": 150}))
            send_typing(ws, f"touch {target}\n")
            ws.send(json.dumps({"type": "stop"}))
            seen = _types_until_state(ws)
        # The relay handles one viewer's messages in order, so the stop's state proves the request was judged.
        wait_for(lambda: "screenshot_request refused" in sqlite_server.log(), "the relay refusing the screenshot")
        assert "screenshot_png" not in seen, seen
        probe = tmp_path / "probe"  # the view-only console itself types nothing either
        type_command(page, lsid, f"touch {probe}")
        page.wait_for_timeout(300)
        assert not target.exists() and not probe.exists()
    log = [(e["op"], e.get("mode") or e.get("decision"), e.get("via"), e["actor"]["kind"])
           for e in tech.get(f"/api/console/sessions/{lsid}")["events"] if e["type"] == "remote"]
    assert log[:3] == [("started", "view", None, "technician"), ("consent", "denied", "prompt", "customer"),
                       ("started", "view", None, "technician")], log
    assert ("consent", "granted", "prompt", "customer") in log
    assert not any(op == "screenshot" for op, *_ in log), log


def _customer_denies_then_allows(page: Page, lsid: str, display: str) -> None:
    """The customer clicks Deny: the console says so and nothing streams; the next Start asks again."""
    page.locator(f"{panel(page, lsid)} [data-action='remote-view']").click()
    click_prompt_button(display, "Deny")
    status = page.locator(f"{panel(page, lsid)} [data-remote-status]")
    wait_for(lambda: status.text_content() == "The customer declined.", "the console showing the refusal")
    assert page.locator(f"{panel(page, lsid)}[data-streaming='false']").count() == 1
    start(page, lsid, "view", display)


def _types_until_state(ws) -> list[str]:  # type: ignore[no-untyped-def]
    """The types of the JSON messages received up to and including the next ``state``."""
    seen: list[str] = []
    while not seen or seen[-1] != "state":
        raw = ws.recv(timeout=20)
        if isinstance(raw, str):
            seen.append(json.loads(raw)["type"])
    return seen


def test_technician_outside_the_session_cannot_connect(sqlite_server: ServerProcess, tmp_path: Path) -> None:
    group = create_tech_group(sqlite_server, "Others")
    owner, stranger = technician(sqlite_server, group), technician(sqlite_server, group)
    pin, lsid = new_session(sqlite_server, owner)
    enter_pin(sqlite_server, pin)
    pick_up(owner, lsid)
    cookie = "; ".join(f"{k}={v}" for k, v in stranger.client.cookies.items())
    with pytest.raises(Exception) as refused, connect(
        sqlite_server.url.replace("http://", "ws://") + f"/remote/ws/{lsid}",
        additional_headers={"Cookie": cookie}, open_timeout=10,
    ) as ws:
        ws.send(json.dumps({"type": "hello", "versions": [1], "role": "viewer"}))
        ws.recv(timeout=10)
    assert "1008" in str(refused.value) or "403" in str(refused.value)


def test_agent_reconnects_after_network_loss_and_the_viewer_resumes(
    sqlite_server: ServerProcess, xdisplay: str, xterm: None, page: Page, tmp_path: Path
) -> None:
    group = create_tech_group(sqlite_server, "Flaky")
    tech = technician(sqlite_server, group)
    pin, lsid = new_session(sqlite_server, tech)
    cutter = Cutter(int(sqlite_server.url.rsplit(":", 1)[1]))
    try:
        with agent(f"http://127.0.0.1:{cutter.port}", xdisplay, tmp_path / "agent.log", "--pin", pin):
            pick_up(tech, lsid)
            open_console(page, tech, lsid)
            start(page, lsid, "control", xdisplay)
            before = cutter.accepted
            cutter.cut()
            wait_for(lambda: cutter.accepted > before, "the agent to reconnect through the proxy")
            page.locator(f"{panel(page, lsid)}[data-streaming='true']").wait_for()
            resumed = tmp_path / "after-reconnect"
            wait_for(lambda: (type_command(page, lsid, f"touch {resumed}"), resumed.exists())[1] or
                     _wait_file(resumed), "typing works again in the same viewer")
    finally:
        cutter.close()


def _wait_file(path: Path) -> bool:
    try:
        wait_for(path.exists, str(path), deadline_s=3.0)
        return True
    except AssertionError:
        return False


@pytest.fixture
def two_nodes(tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two server processes on one PostgreSQL database and the NATS bus."""
    with fresh_database("postgresql", tmp_path) as database_url:
        env = base_env(database_url, tmp_path / "var", LIFELINE_BUS_URL=NATS_URL)
        migrate(env)
        first = start_server({**env, "LIFELINE_NODE_NAME": "node-a"}, tmp_path / "a.log")
        try:
            second = start_server({**env, "LIFELINE_NODE_NAME": "node-b"}, tmp_path / "b.log")
            try:
                yield first, second
            finally:
                second.stop()
        finally:
            first.stop()


def test_agent_on_one_process_viewer_on_another_over_nats(
    two_nodes: tuple[ServerProcess, ServerProcess], xdisplay: str, xterm: None, page: Page, tmp_path: Path
) -> None:
    node_a, node_b = two_nodes
    group = create_tech_group(node_a, "Cluster")
    tech = technician(node_a, group, on=node_b)
    pin, lsid = new_session(node_b, tech)
    with agent(node_a.url, xdisplay, tmp_path / "agent.log", "--pin", pin):
        pick_up(tech, lsid)
        open_console(page, tech, lsid)
        start(page, lsid, "control", xdisplay)
        typed = tmp_path / "via-nats"
        type_command(page, lsid, f"touch {typed}")
        wait_for(typed.exists, "a command typed on node b reaching the agent on node a")
