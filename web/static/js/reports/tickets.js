// Pieces shared by the ticket screens of residents and staff: tags, rows, grid names.
import { api, query } from "../api.js";
import { h } from "../dom.js";
import { label, LEVEL, SOURCE, STATUS, URGENCY } from "../labels.js";

const STATUS_COLOUR = {
  draft: "blue", submitted: "blue", accepted: "blue", in_progress: "blue", reopened: "red",
  resolved: "green", closed: "green", rejected: "", dismissed: "", duplicate: "",
};

/** Statuses in which someone still has to act (the SLA runs). */
export const OPEN_STATUSES = ["submitted", "accepted", "in_progress", "reopened"];

export function statusTag(status) {
  const colour = STATUS_COLOUR[status] || "";
  return h("span", { class: "tag " + colour, dataset: { status } }, label(STATUS, status));
}

/** Overdue is said in words as well as in red. */
export function overdueTag(ticket) {
  if (!ticket.overdue) return null;
  return h("span", { class: "tag red overdue" }, "已超时");
}

export function urgencyTag(urgency) {
  if (!urgency) return null;
  return h("span", { class: "tag" + (urgency === "urgent" ? " red" : "") },
    label(URGENCY, urgency));
}

export function ticketTitle(ticket) {
  return "第" + ticket.number + "号";
}

export function categoryText(ticket) {
  return ticket.category || "未分类";
}

export function fullTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat("zh-CN", {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  }).format(new Date(iso));
}

/** One ticket in a list: a link to its page with number, tags, category and time. */
export function ticketRow(ticket, grids) {
  const grid = grids && ticket.grid_id ? grids.get(ticket.grid_id) : null;
  const desc = ticket.description.length > 60
    ? ticket.description.slice(0, 60) + "…" : ticket.description;
  return h("li", { class: "ticket-row" + (ticket.overdue ? " is-overdue" : ""),
                   dataset: { ticketId: ticket.id } },
    h("a", { href: "#/tickets/" + encodeURIComponent(ticket.id), class: "ticket-link" },
      h("span", { class: "ticket-head" },
        h("strong", { class: "ticket-no" }, ticketTitle(ticket)),
        statusTag(ticket.status), overdueTag(ticket), urgencyTag(ticket.urgency),
        ticket.also_affected ? h("span", { class: "tag blue also-count" },
          ticket.also_affected + " 人也遇到") : null),
      h("span", { class: "ticket-meta" },
        categoryText(ticket),
        grid ? " · " + grid : "",
        ticket.level && ticket.level !== "grid" ? " · " + label(LEVEL, ticket.level) + "级" : "",
        " · " + label(SOURCE, ticket.source),
        " · ", h("time", { datetime: ticket.created_at }, fullTime(ticket.created_at))),
      h("span", { class: "ticket-desc" }, desc)));
}

const gridCache = new Map();

/** Grid id → name for a community (GET /api/v1/units?kind=grid&parent_id=…), cached. */
export async function gridNames(communityId) {
  if (!communityId) return new Map();
  if (!gridCache.has(communityId)) {
    const request = api("GET", "/api/v1/units" + query({ kind: "grid", parent_id: communityId }))
      .then(({ units }) => new Map(units.map((u) => [u.id, u.name])))
      .catch((err) => { gridCache.delete(communityId); throw err; });
    gridCache.set(communityId, request);
  }
  return gridCache.get(communityId);
}

/** Replace the row of `ticket` in `list` if it is there; returns whether it was. */
export function replaceRow(list, ticket, grids) {
  for (const li of list.querySelectorAll(".ticket-row")) {
    if (li.dataset.ticketId === ticket.id) {
      li.replaceWith(ticketRow(ticket, grids));
      return true;
    }
  }
  return false;
}
