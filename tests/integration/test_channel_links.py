"""The Channels tab shows each channel's customer link, and the link opens the channel page."""

from __future__ import annotations

from contextlib import closing

from tests.support.accounts import create_master_admin
from tests.support.clients import login
from tests.support.servers import ServerProcess


def test_channel_api_gives_working_customer_links(sqlite_server: ServerProcess) -> None:
    root = create_master_admin(sqlite_server)
    with closing(login(sqlite_server, root.email, root.password)) as master:
        channels = master.get("/api/admin/channels").json()
        assert len(channels) == 10
        first = channels[0]
        assert first["link"] == f"{sqlite_server.url}/channel/{first['public_token']}"
        assert first["form_link"] == first["link"] + "?form=1"
        assert len({c["public_token"] for c in channels}) == 10
    with sqlite_server.client() as anonymous:
        page = anonymous.get(first["link"].removeprefix(sqlite_server.url))
        assert page.status_code == 200
        assert first["public_token"] in page.text
