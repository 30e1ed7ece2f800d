"""Who a ticket may be assigned to. One predicate, `moderation.access.can_be_assigned`, decides
both the list the 指派 form offers and whether POST …/assign accepts a person; the store
queries here only gather everyone that predicate could accept, and it filters them."""

from __future__ import annotations

from chat.errors import Invalid
from chat.models import User
from chat.services import Services
from moderation.access import HANDLES, can_be_assigned
from moderation.models import Ticket

MAX_PER_QUERY = 500
ROLE_ORDER = {role: i for i, role in enumerate(HANDLES)}  # worker, admin, street, district


async def candidates(services: Services, ticket: Ticket) -> list[User]:
    """Staff whose unit or grid touches the ticket, whatever their role or status: a superset
    of those `can_be_assigned` accepts (workers of its grid, admins of its community, officers
    of its street and district)."""
    store = services.store
    found: list[User] = []
    if ticket.grid_id:
        found += await store.list_users(community_id=ticket.community_id, grid_id=ticket.grid_id,
                                        role="worker", limit=MAX_PER_QUERY)
    found += await store.list_users(community_id=ticket.community_id, role="admin",
                                    limit=MAX_PER_QUERY)
    if ticket.street_id:
        found += await store.list_users(role="street_officer", unit_id=ticket.street_id,
                                        limit=MAX_PER_QUERY)
    if ticket.district_id:
        found += await store.list_users(role="district_officer", unit_id=ticket.district_id,
                                        limit=MAX_PER_QUERY)
    return found


async def assignees(services: Services, ticket: Ticket) -> list[User]:
    """Everyone POST …/assign would accept for this ticket now: the nearest level first
    (workers, then admins, street and district officers), by name within a role."""
    people = {u.id: u for u in await candidates(services, ticket) if can_be_assigned(u, ticket)}
    return sorted(people.values(), key=lambda u: (ROLE_ORDER[u.role], u.name, u.id))


async def assignee(services: Services, ticket: Ticket, user_id: str) -> User:
    """The person POST …/assign names, if `can_be_assigned` accepts them; else `invalid`."""
    user = await services.store.get_user(user_id)
    if user is None or not can_be_assigned(user, ticket):
        raise Invalid("the assignee must be staff who see this ticket / "
                      "只能指派给负责该工单的工作人员")
    return user

