"""Frames written once for many connections are what a websocket client reads as the original messages."""

from __future__ import annotations

import struct

from websockets.utils import apply_mask as reference_mask
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


def test_the_server_unmasks_client_frames_with_the_c_masker_even_across_pieces() -> None:
    from wsproto import frame_protocol

    from lifeline.web.websocket_server import CMasker

    assert frame_protocol.XorMaskerSimple is CMasker  # a wsproto that stopped using it would lose the speed-up
    client, server = WSConnection(ConnectionType.CLIENT), WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host="example", target="/agent/ws")))
    next(server.events())
    client.receive_data(server.send(AcceptConnection()))
    next(client.events())
    message = bytes(range(256)) * 1000 + b"tail"
    key = b"\x12\x34\x56\x78"  # masked here by the pure-Python reference, not by the masker under test
    wire = bytes([0x82, 0x80 | 127]) + struct.pack("!Q", len(message)) + key + reference_mask(message, key)
    received = b""
    for start in range(0, len(wire), 65_537):  # pieces whose lengths are not multiples of 4
        server.receive_data(wire[start:start + 65_537])
        received += b"".join(bytes(event.data) for event in server.events() if isinstance(event, BytesMessage))
    assert received == message
