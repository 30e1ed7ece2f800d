// #/tickets/mine 我的报事: the reporter's tickets, updated live by ticket:updated.
import { api, query } from "../api.js";
import { h, showError, statusLine } from "../dom.js";
import { onLeave } from "../router.js";
import { session } from "../session.js";
import { on } from "../socket.js";
import { gridNames, replaceRow, ticketRow } from "./tickets.js";

const PAGE = 20;

export async function renderMine() {
  const grids = await gridNames(session.user.community_id).catch(() => new Map());
  const list = h("ul", { class: "list ticket-list", "aria-label": "我的报事列表",
                         "aria-live": "polite" });
  const empty = h("p", { class: "empty" }, "还没有报事。遇到问题可以点“我要报事”。");
  const line = statusLine();
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "加载更多");
  let offset = 0;

  async function load() {
    more.disabled = true;
    try {
      const page = await api("GET", "/api/v1/tickets/mine" + query({ offset, limit: PAGE }));
      for (const t of page.tickets) list.append(ticketRow(t, grids));
      offset += page.tickets.length;
      more.hidden = offset >= page.total;
      empty.hidden = page.total > 0;
    } catch (err) {
      showError(line, err);
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener("click", load);

  onLeave(on("ticket:updated", (ticket) => {
    if (!ticket || !ticket.reporter || ticket.reporter.id !== session.user.id) return;
    if (!replaceRow(list, ticket, grids)) {
      list.prepend(ticketRow(ticket, grids));
      offset += 1;
      empty.hidden = true;
    }
  }));
  await load();
  const canReport = session.isVerified;
  return h("section", { class: "mine-page" },
    h("div", { class: "page-head" }, h("h1", {}, "我的报事"),
      canReport ? h("a", { href: "#/report", class: "button-link" }, "我要报事") : null),
    empty, list, line, h("div", { class: "actions" }, more));
}
