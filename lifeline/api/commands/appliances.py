"""`get_appliances`, `check_health`, `set_failover_role`, and the connected-client commands.

Appliance → Lifeline server node (`services/integration/nodes.py`). One live
node is `single`; several nodes sharing a database form a cluster whose
oldest node is `master` and the rest `traffic`. Lifeline has no
primary/backup failover pairs (every node serves everyone), so
`failover_role` is `none` and `set_failover_role` answers E21 "Failover is
not configured", as the spec prescribes for an appliance without failover.

Connected clients: technicians with a signed-in console are `representative`
clients (id `rep-<technician id>`); customers in an open session who reached
the queue are `support_customer` clients (id `cust-<session id>`). Lifeline
has no presentations and no Jumpoints, so those types never appear.
"""

from __future__ import annotations

from collections import Counter

from lxml import etree
from sqlalchemy import select

from lifeline import __version__
from lifeline.api.command_params import (
    ConnectedClientListParams,
    ConnectedClientsParams,
    NoParams,
    SetFailoverRoleParams,
)
from lifeline.api.commands.context import CommandContext, Handlers
from lifeline.api.xml_response import (
    E21_FAILOVER_NOT_CONFIGURED,
    ApplianceView,
    ClientConnection,
    CommandApiError,
    ConnectedClient,
    HealthView,
    appliances_element,
    connected_client_list_element,
    connected_clients_element,
    health_check_element,
    representative_details,
    start_session_url,
    support_customer_details,
)
from lifeline.domain.session_state import SessionStatus
from lifeline.services.integration.directory import logged_in_since, online_technicians
from lifeline.services.integration.nodes import check_health as node_health
from lifeline.services.integration.nodes import live_nodes, node_guid, public_hostname
from lifeline.store.sessions import SupportSession

FAILOVER_NONE = "none"
#: Statuses in which the customer's client has reached us (a PIN not yet redeemed has no client).
CUSTOMER_CONNECTED_STATUSES = (SessionStatus.WAITING, SessionStatus.ACTIVE, SessionStatus.ON_HOLD,
                               SessionStatus.TRANSFERRING)
PLATFORM_UNKNOWN = ("unknown", "Unknown")


def _cluster_role(index: int, count: int) -> str:
    if count <= 1:
        return "single"
    return "master" if index == 0 else "traffic"


async def get_appliances(ctx: CommandContext, params: NoParams) -> etree._Element:
    nodes = await live_nodes(ctx.db, ctx.now)
    return appliances_element(
        ApplianceView(id=node.guid, name=node.name, public_hostname=node.public_hostname,
                      cluster_role=_cluster_role(i, len(nodes)), failover_role=FAILOVER_NONE,
                      accepting_connections=True, timezone_offset=0)
        for i, node in enumerate(nodes)
    )


async def check_health(ctx: CommandContext, params: NoParams) -> etree._Element:
    health = await node_health(ctx.services)
    return health_check_element(HealthView(
        appliance_id=node_guid(ctx.services.config.node_name), hostname=public_hostname(ctx.services),
        version=f"{__version__} (lifeline)", success=health.ok, failover_role=FAILOVER_NONE,
        error_message=health.problem,
    ))


async def set_failover_role(ctx: CommandContext, params: SetFailoverRoleParams) -> etree._Element:
    raise CommandApiError(E21_FAILOVER_NOT_CONFIGURED)


async def _clients(ctx: CommandContext) -> list[ConnectedClient]:
    """Every connected client, ordered by type then id (D-46 orders the listing by id within type)."""
    guid = node_guid(ctx.services.config.node_name)
    clients: list[ConnectedClient] = []
    customers = (await ctx.db.scalars(
        select(SupportSession).where(SupportSession.status.in_([s.value for s in CUSTOMER_CONNECTED_STATUSES]))
        .order_by(SupportSession.id)
    )).all()
    lsids_by_tech: dict[int, list[str]] = {}
    for s in customers:
        if s.technician_id is not None:
            lsids_by_tech.setdefault(s.technician_id, []).append(s.lsid)
    for t in await online_technicians(ctx.db):
        since = logged_in_since(t.presence)
        busy = t.presence.status == "busy"
        clients.append(ConnectedClient(
            client_type="representative", id=f"rep-{t.user.id}", hostname="", platform_id=PLATFORM_UNKNOWN[0],
            platform=PLATFORM_UNKNOWN[1], timezone_offset=0, connected_since=since,
            details=representative_details(
                user_id=t.user.id, type="Normal", username=t.user.email, public_display_name=t.public_name,
                private_display_name=t.user.name,
                start_session_url=start_session_url(ctx.hostname, t.user.id, t.public_name),
                presentation_count=0, support_session_count=t.running_sessions, showing_on_rep_list=False,
                routing_idle=t.presence.status == "away", routing_busy=busy, routing_enabled=True,
                routing_available=t.presence.status == "available", support_license="standard",
                support_session_lsids=lsids_by_tech.get(t.user.id, []),
            ),
            connections=[ClientConnection(guid, "master", False, since, "")],
            events=[(since, "Connected to master node")],
        ))
    for s in customers:
        since = s.connecting_at or s.created_at
        clients.append(ConnectedClient(
            client_type="support_customer", id=f"cust-{s.id}", hostname="", platform_id=s.platform or "unknown",
            platform=s.platform or "Unknown", timezone_offset=0, connected_since=since,
            details=support_customer_details(name=s.customer_name, lsid=s.lsid),
            connections=[ClientConnection(guid, "master", False, since, "")],
            events=[(since, "Connected to master node")],
        ))
    return clients


async def get_connected_client_list(ctx: CommandContext, params: ConnectedClientListParams) -> etree._Element:
    clients = [c for c in await _clients(ctx) if c.client_type in params.types]
    counts = Counter(c.client_type for c in clients)
    guid = node_guid(ctx.services.config.node_name)
    listed = [] if params.summary_only else [(c.client_type, c.id) for c in clients]
    return connected_client_list_element({guid: dict(counts)}, listed)


async def get_connected_clients(ctx: CommandContext, params: ConnectedClientsParams) -> etree._Element:
    wanted = set(params.ids) if params.ids is not None else None
    clients = [c for c in await _clients(ctx)
               if c.client_type in params.types and (wanted is None or c.id in wanted)]
    return connected_clients_element(clients, include_connections=params.include_connections)


HANDLERS: Handlers = {
    "get_appliances": get_appliances,
    "check_health": check_health,
    "set_failover_role": set_failover_role,
    "get_connected_client_list": get_connected_client_list,
    "get_connected_clients": get_connected_clients,
}
