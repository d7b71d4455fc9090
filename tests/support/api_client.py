"""Helpers for tests of the BeyondTrust-compatible APIs against a real server process.

API accounts are made with the real CLI (`lifeline admin api-account create`),
tokens with the real `/oauth2/token`, and every XML answer is parsed with a
namespace-aware parser and validated against the XSD the server itself serves.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx
from lxml import etree

from lifeline.api.xml_response import COMMAND_NAMESPACE, command_xsd_bytes, parse_untrusted_xml
from tests.support.servers import ServerProcess

NS = {"c": COMMAND_NAMESPACE}


@dataclass
class ApiAccount:
    id: int
    client_id: str
    client_secret: str


def create_api_account(server: ServerProcess, *, name: str = "integration", command: str = "full",
                       allow: tuple[str, ...] = ("realtime", "configuration")) -> ApiAccount:
    args = ["admin", "api-account", "create", "--name", name, "--command", command, "--json"]
    for api in allow:
        args += ["--allow", api]
    data = json.loads(server.cli(*args).stdout.strip().splitlines()[-1])
    return ApiAccount(data["id"], data["client_id"], data["client_secret"])


def basic(account: ApiAccount) -> str:
    raw = f"{account.client_id}:{account.client_secret}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def token_for(server: ServerProcess, account: ApiAccount) -> str:
    with server.client() as client:
        response = client.post("/oauth2/token", data={"grant_type": "client_credentials"},
                               headers={"Authorization": basic(account)})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@lru_cache(maxsize=1)
def command_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(command_xsd_bytes()))


def command(server: ServerProcess, token: str, action: str | None, *, method: str = "GET",
            path: str = "/api/command", **params: Any) -> etree._Element:
    """Call the Command API and return the validated root element."""
    query = {k.replace("__", "."): str(v) for k, v in params.items()}
    if action is not None:
        query["action"] = action
    with server.client() as client:
        headers = {"Authorization": f"Bearer {token}"}
        if method == "GET":
            response = client.get(path, params=query, headers=headers)
        else:
            response = client.post(path, data=query, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/xml; charset=UTF-8"
    assert response.headers["connection"] == "close"
    root = parse_untrusted_xml(response.content)
    schema = command_schema()
    assert schema.validate(root), f"{schema.error_log}\n{response.text}"
    return root


def is_error(root: etree._Element) -> bool:
    return etree.QName(root).localname == "error" or root.find("c:error", NS) is not None


def error_text(root: etree._Element) -> str:
    node = root if etree.QName(root).localname == "error" else root.find("c:error", NS)
    assert node is not None, etree.tostring(root)
    return str(node.text)


def text(root: etree._Element, path: str) -> str:
    found = root.findtext(path, namespaces=NS)
    assert found is not None, f"{path} missing in {etree.tostring(root).decode()}"
    return found


def raw_get(server: ServerProcess, path: str, token: str | None = None, **params: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with server.client() as client:
        return client.get(path, params=params, headers=headers)
