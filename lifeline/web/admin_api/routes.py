"""The admin API route table: one row per endpoint, grouped by the service module behind it.

Routes are data (STYLE 17): `include_routes` adds each row to the app with
the handler's return annotation as its OpenAPI response model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI

from lifeline.web.admin_api import (
    admins,
    audit,
    channels,
    computer_groups,
    external_techs,
    import_technicians,
    me,
    settings,
    tech_groups,
    technicians,
    tree,
)

PREFIX = "/api/admin"

Route = tuple[str, str, Callable[..., Any], str]  # method, path, handler, OpenAPI tag

ROUTES: list[Route] = [
    # me, tree, search -> lifeline.services.org.tree / search
    ("GET", "/me", me.read_me, "me"),
    ("GET", "/tree", tree.read_tree, "tree"),
    ("GET", "/search", tree.search, "tree"),
    # tech-groups -> lifeline.services.org.tech_groups, channels, admins; lifeline.services.permissions
    ("POST", "/tech-groups", tech_groups.create_tech_group, "tech-groups"),
    ("GET", "/tech-groups/{group_id}", tech_groups.get_tech_group, "tech-groups"),
    ("PATCH", "/tech-groups/{group_id}", tech_groups.update_tech_group, "tech-groups"),
    ("POST", "/tech-groups/{group_id}/move", tech_groups.move_tech_group, "tech-groups"),
    ("DELETE", "/tech-groups/{group_id}", tech_groups.delete_tech_group, "tech-groups"),
    ("PUT", "/tech-groups/{group_id}/channels/{channel_id}", tech_groups.assign_channel, "tech-groups"),
    ("PUT", "/tech-groups/{group_id}/admins/{admin_id}", tech_groups.assign_admin, "tech-groups"),
    ("GET", "/tech-groups/{group_id}/permissions", tech_groups.read_permissions, "permissions"),
    ("PUT", "/tech-groups/{group_id}/permissions", tech_groups.save_permissions, "permissions"),
    # technicians -> lifeline.services.org.technicians, channels
    ("POST", "/technicians", technicians.create_technician, "technicians"),
    ("GET", "/technicians/{user_id}", technicians.get_technician, "technicians"),
    ("PATCH", "/technicians/{user_id}", technicians.update_technician, "technicians"),
    ("POST", "/technicians/{user_id}/move", technicians.move_technician, "technicians"),
    ("POST", "/technicians/{user_id}/password", technicians.set_password, "technicians"),
    ("POST", "/technicians/{user_id}/reset-2sv", technicians.reset_2sv, "technicians"),
    ("DELETE", "/technicians/{user_id}", technicians.delete_technician, "technicians"),
    ("GET", "/technicians/{user_id}/channels", technicians.list_technician_channels, "technicians"),
    (
        "PUT",
        "/technicians/{user_id}/channels/{channel_id}",
        technicians.set_technician_channel,
        "technicians",
    ),
    # admins, admin-groups -> lifeline.services.org.admins, admin_groups
    ("POST", "/admins", admins.create_admin, "admins"),
    ("GET", "/admins/{user_id}", admins.get_admin, "admins"),
    ("PATCH", "/admins/{user_id}", admins.update_admin, "admins"),
    ("PUT", "/admins/{user_id}/admin-group", admins.set_admin_group, "admins"),
    ("POST", "/admins/{user_id}/password", admins.set_admin_password, "admins"),
    ("POST", "/admins/{user_id}/reset-2sv", admins.reset_admin_2sv, "admins"),
    ("DELETE", "/admins/{user_id}", admins.delete_admin, "admins"),
    ("POST", "/admin-groups", admins.create_admin_group, "admin-groups"),
    ("GET", "/admin-groups/{group_id}", admins.get_admin_group, "admin-groups"),
    ("PATCH", "/admin-groups/{group_id}", admins.update_admin_group, "admin-groups"),
    ("POST", "/admin-groups/{group_id}/move", admins.move_admin_group, "admin-groups"),
    ("DELETE", "/admin-groups/{group_id}", admins.delete_admin_group, "admin-groups"),
    # channels -> lifeline.services.org.channels
    ("GET", "/channels", channels.list_channels, "channels"),
    ("PATCH", "/channels/{channel_id}", channels.update_channel, "channels"),
    # computer-groups -> lifeline.services.org.computer_groups
    ("POST", "/computer-groups", computer_groups.create_computer_group, "computer-groups"),
    ("GET", "/computer-groups/{group_id}", computer_groups.get_computer_group, "computer-groups"),
    ("PATCH", "/computer-groups/{group_id}", computer_groups.update_computer_group, "computer-groups"),
    ("DELETE", "/computer-groups/{group_id}", computer_groups.delete_computer_group, "computer-groups"),
    # external-groups, external-technicians -> lifeline.services.org.external_techs
    ("POST", "/external-groups", external_techs.create_external_group, "external"),
    ("PATCH", "/external-groups/{group_id}", external_techs.update_external_group, "external"),
    ("DELETE", "/external-groups/{group_id}", external_techs.delete_external_group, "external"),
    ("POST", "/external-groups/{group_id}/members", external_techs.add_external_technician, "external"),
    ("PATCH", "/external-technicians/{member_id}", external_techs.update_external_technician, "external"),
    ("DELETE", "/external-technicians/{member_id}", external_techs.delete_external_technician, "external"),
    # settings -> lifeline.services.settings
    ("GET", "/settings/{owner}/{owner_id}", settings.read_settings, "settings"),
    ("PUT", "/settings/{owner}/{owner_id}", settings.save_settings, "settings"),
    ("POST", "/settings/tech_group/{owner_id}/show-urls", settings.show_urls, "settings"),
    # import -> lifeline.services.org.import_technicians
    ("POST", "/import", import_technicians.import_technicians, "import"),
    # audit -> lifeline.services.org.audit_log
    ("GET", "/audit", audit.read_audit, "audit"),
]


def include_routes(app: FastAPI) -> None:
    router = APIRouter(prefix=PREFIX)
    for method, path, handler, tag in ROUTES:
        creates = method == "POST" and handler.__name__.startswith(("create_", "add_"))
        status = 204 if method == "DELETE" else 201 if creates else 200
        router.add_api_route(
            path,
            handler,
            methods=[method],
            tags=[f"admin: {tag}"],
            status_code=status,
            summary=(handler.__doc__ or handler.__name__.replace("_", " ")).splitlines()[0],
        )
    app.include_router(router)
