"""Post-to-URL reaches a real HTTP endpoint with the seed's field names, in XML, form and JSON."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs
from xml.etree import ElementTree

import pytest

from tests.support.accounts import create_tech_group
from tests.support.servers import ServerProcess
from tests.support.sessions import enter_pin, session_seed, technician, wait_for


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    received: list[tuple[str, str, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", received
    finally:
        httpd.shutdown()


@pytest.mark.parametrize("fmt", ["xml", "form", "json"])
def test_post_at_session_end(sqlite_server: ServerProcess, receiver: tuple[str, list[tuple[str, str, bytes]]],
                             fmt: str) -> None:
    base, received = receiver
    server = sqlite_server
    group = create_tech_group(server, f"CRM {fmt}")
    session_seed(server, "set_post_to_url", group_id=group,
                 value={"urls": {"end": f"{base}/end", "first_start": f"{base}/start"}, "format": fmt})
    tech = technician(server, group)
    created = tech.ok("/api/console/sessions", {"method": "pin", "name": "Erin", "tracking_id": "CRM-42"})
    lsid = created["session"]["lsid"]
    customer = enter_pin(server, created["pin"])
    tech.ok(f"/api/console/sessions/{lsid}/pickup")
    tech.ok(f"/api/console/sessions/{lsid}/chat", {"text": "Hi Erin"})
    assert customer.post("/chat", {"text": "Hi"}).status_code == 200
    tech.ok(f"/api/console/sessions/{lsid}/notes", {"text": "reset router"})
    tech.ok(f"/api/console/sessions/{lsid}/close")

    wait_for(lambda: len(received) >= 2 or None, "two posts (first start, end)")
    paths = [path for path, _, _ in received]
    assert paths == ["/start", "/end"]
    _, content_type, body = received[1]
    session_id = created["session"]["id"]
    if fmt == "xml":
        assert content_type.startswith("text/xml")
        root = ElementTree.fromstring(body)
        assert root.tag == "session"
        values = {child.tag: child.text or "" for child in root}
        assert values["sessionid"] == str(session_id) and values["cfield0"] == "Erin"
        assert values["tracking0"] == "CRM-42" and values["notes"] == "reset router"
        assert "Hi Erin" not in values["chatlog"] or "Erin" in values["chatlog"]
        assert "techemail" in values and "tsurvey9" in values and values["closingtime"].endswith("Z")
    elif fmt == "form":
        assert content_type == "application/x-www-form-urlencoded"
        values = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        assert values["SessionID"] == str(session_id) and values["CField0"] == "Erin"
        assert values["Tracking0"] == "CRM-42" and "TSurvey9" in values and "TechName" in values
        assert "Customer: Hi" in values["ChatLog"] or "Erin: Hi" in values["ChatLog"]
    else:
        assert content_type == "application/json"
        values = json.loads(body)
        assert values["sessionid"] == session_id and values["cfield0"] == "Erin"
        assert values["notes"] == "reset router" and "Hi Erin" in values["chatlog"]
    # The first-start post carried the chat so far; the end post only what came after it.
    assert session_seed(server, "count_events", lsid=lsid)["deliveries"] == 2
