"""Relay use cases: who may stream what, and how relay traffic crosses server processes.

See docs/remote-desktop.md. The websocket handlers live in ``lifeline/web/relay``.
"""
