"""Frames written once for many connections are what a websocket client reads as the original messages."""

from __future__ import annotations

from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, BytesMessage, Request

from lifeline.web.websocket_server import server_frames


def client_after_handshake() -> WSConnection:
    client = WSConnection(ConnectionType.CLIENT)
    server = WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host="example", target="/nw")))
    next(server.events())
    client.receive_data(server.send(AcceptConnection()))
    assert isinstance(next(client.events()), AcceptConnection)
    return client


def test_server_frames_read_back_as_the_same_binary_messages() -> None:
    messages = [b'{"type":"model_update"}\n', b"", b"x" * 70_000]  # 7-bit, empty, 64-bit lengths
    client = client_after_handshake()
    client.receive_data(server_frames(messages))
    got = list(client.events())
    assert all(isinstance(event, BytesMessage) and event.message_finished for event in got)
    assert [bytes(event.data) for event in got] == messages


def test_server_frames_are_unmasked_and_final() -> None:
    frame = server_frames([b"hi"])
    assert frame == bytes([0x82, 0x02]) + b"hi"  # FIN + binary opcode; no mask bit, length 2
