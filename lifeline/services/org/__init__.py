"""Organization administration use cases (spec part1 §1-§14, §27, §31; docs/organization.md).

One module per concept, each exposing `do_*` actions (one transaction, audit
rows, an `org` event after commit) and read helpers. Every action takes the
acting `domain.authorization.Actor` keyword-only and checks it itself, so the
JSON API, the CLI and the demo seeder share one enforcement point.
"""
