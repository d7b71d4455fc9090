"""Command API handlers, one module per family of actions (spec api-command §5).

Each module exposes `HANDLERS: {action: handler}`; a handler takes the request's
`CommandContext` and the parsed parameters and returns the response element,
or raises `CommandApiError` with the canonical text of spec §13.2.
"""
