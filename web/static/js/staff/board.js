// #/staff/tickets 工单看板: filters kept in the query string, paged list, live rows.
import { api, query } from "../api.js";
import { field, h, replace, select, showError, statusLine } from "../dom.js";
import { CATEGORIES, LEVEL, SOURCE, STATUS, URGENCY } from "../labels.js";
import { onLeave } from "../router.js";
import { session } from "../session.js";
import { on } from "../socket.js";
import { gridNames, OPEN_STATUSES, ticketRow } from "../reports/tickets.js";
import { urgencyRank } from "./alerts.js";

const PAGE = 20;
const OPEN = OPEN_STATUSES.join(",");
const FILTERS = ["status", "grid_id", "category", "urgency", "level", "source", "overdue", "mine"];

function statusOptions() {
  return [[OPEN, "办理中（全部未办结）"], ["", "全部状态"],
    ...Object.entries(STATUS).map(([k, v]) => [k, v])];
}

function filtersForm(q, grids) {
  const own = session.isWorker ? session.user.grid_ids : [...grids.keys()];
  const box = (name, text) => h("label", { class: "choice" },
    h("input", { type: "checkbox", name, value: "1", checked: q[name] === "1" }), " " + text);
  return h("form", { class: "card filters", "aria-label": "筛选工单" },
    h("div", { class: "filter-grid" },
      field("状态", select("status", statusOptions(), q.status === undefined ? OPEN : q.status)),
      field("网格", select("grid_id", [["", "全部网格"], ...own.map((g) => [g, grids.get(g) || g])],
        q.grid_id || "")),
      field("类别", select("category", [["", "全部类别"], ...CATEGORIES.map((c) => [c, c])],
        q.category || "")),
      field("紧急程度", select("urgency", [["", "全部"], ...Object.entries(URGENCY)], q.urgency || "")),
      field("层级", select("level", [["", "全部"], ...Object.entries(LEVEL)], q.level || "")),
      field("来源", select("source", [["", "全部"], ...Object.entries(SOURCE)], q.source || ""))),
    h("div", { class: "row filter-checks" }, box("overdue", "只看已超时"), box("mine", "指派给我")),
    h("noscript", {}, h("button", { type: "submit" }, "筛选")));
}

/** The form's values as the hash's query (status kept even when empty: "" means all). */
function formQuery(form) {
  const data = Object.fromEntries(new FormData(form).entries());
  const q = {};
  for (const name of FILTERS) if (data[name]) q[name] = data[name];
  return q;
}

function hashFor(q) {
  const params = new URLSearchParams();
  for (const name of FILTERS) if (q[name] !== undefined) params.set(name, q[name]);
  if (q.status === undefined) params.set("status", "");
  const text = params.toString();
  return "#/staff/tickets" + (text ? "?" + text : "");
}

function apiQuery(q, urgency, offset) {
  return query({
    status: q.status === undefined ? OPEN : q.status, grid_id: q.grid_id, category: q.category,
    urgency, level: q.level, source: q.source,
    overdue: q.overdue === "1" ? "true" : "", assignee_id: q.mine === "1" ? session.user.id : "",
    offset, limit: PAGE,
  });
}

/** The list comes most urgent first (紧急, 较急, 一般), newest first within each: one paged
 * stream per urgency, read in that order. */
function streamsFor(q) {
  const urgencies = q.urgency ? [q.urgency] : Object.keys(URGENCY)
    .sort((a, b) => urgencyRank(a) - urgencyRank(b));
  return urgencies.map((urgency) => ({ urgency, fetched: 0, total: 0, buffer: [] }));
}

async function fetchStream(q, stream) {
  const page = await api("GET", "/api/v1/tickets" + apiQuery(q, stream.urgency, stream.fetched));
  stream.fetched += page.tickets.length;
  stream.total = page.total;
  stream.buffer.push(...page.tickets);
  return page.tickets.length;
}

/** Up to a page of rows, taken from the streams in order, fetching as they run dry. */
async function nextRows(q, streams) {
  const rows = [];
  for (const stream of streams) {
    while (rows.length < PAGE) {
      if (!stream.buffer.length && (stream.fetched >= stream.total
        || !(await fetchStream(q, stream)))) break;
      rows.push(stream.buffer.shift());
    }
  }
  return rows;
}

/** Where a live row goes: before the first row no more urgent than it (newest first). */
function placeRow(list, row, urgency) {
  const rank = urgencyRank(urgency);
  const after = [...list.children].find((li) => li.dataset.rank !== undefined
    && Number(li.dataset.rank) >= rank);
  list.insertBefore(row, after || null);
}

function rankedRow(t, grids) {
  const row = ticketRow(t, grids);
  row.dataset.rank = String(urgencyRank(t.urgency));
  return row;
}

/** Whether a ticket from a live event belongs in the list the filters describe. */
function matches(t, q) {
  const statuses = (q.status === undefined ? OPEN : q.status).split(",").filter(Boolean);
  if (statuses.length && !statuses.includes(t.status)) return false;
  for (const key of ["grid_id", "category", "urgency", "level", "source"]) {
    if (q[key] && t[key] !== q[key]) return false;
  }
  if (q.overdue === "1" && !t.overdue) return false;
  if (q.mine === "1" && !(t.assignee && t.assignee.id === session.user.id)) return false;
  return true;
}

export async function renderBoard(params, q) {
  const grids = await gridNames(session.user.community_id).catch(() => new Map());
  let filters = { ...q };
  const form = filtersForm(filters, grids);
  const list = h("ul", { class: "list ticket-list board", "aria-label": "工单列表" });
  const count = h("p", { class: "count", role: "status", "aria-live": "polite" });
  const line = statusLine();
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "加载更多");
  let offset = 0;
  let total = 0;
  let generation = 0;
  let streams = [];

  async function load(reset) {
    const mine = ++generation;
    more.disabled = true;
    try {
      if (reset) {
        const fresh = streamsFor(filters);
        await Promise.all(fresh.map((stream) => fetchStream(filters, stream)));
        if (mine !== generation) return;
        streams = fresh;
        offset = 0;
      }
      const rows = await nextRows(filters, streams);
      if (mine !== generation) return;
      if (reset) replace(list);
      const shown = new Set([...list.children].map((li) => li.dataset.ticketId));
      for (const t of rows) if (!shown.has(t.id)) list.append(rankedRow(t, grids));
      offset += rows.length;
      total = streams.reduce((sum, stream) => sum + stream.total, 0);
      count.textContent = "共 " + total + " 张工单" + (total ? "，已显示 " + offset + " 张" : "");
      more.hidden = offset >= total;
      line.textContent = "";
      if (!total) list.append(h("li", { class: "empty" }, "没有符合条件的工单"));
    } catch (err) {
      showError(line, err);
    } finally {
      more.disabled = false;
    }
  }

  form.addEventListener("change", () => {
    filters = formQuery(form);
    if (!("status" in filters)) filters.status = "";
    // The query string follows the form without re-rendering the page (focus stays put).
    history.replaceState(null, "", hashFor(filters));
    load(true);
  });
  form.addEventListener("submit", (e) => { e.preventDefault(); });
  more.addEventListener("click", () => load(false));

  onLeave(on("ticket:updated", (t) => {
    if (!t) return;
    const row = [...list.children].find((li) => li.dataset.ticketId === t.id);
    if (row) {
      if (row.dataset.rank === String(urgencyRank(t.urgency))) {
        row.replaceWith(rankedRow(t, grids));
      } else {
        row.remove();  // re-graded: moves to its new place
        placeRow(list, rankedRow(t, grids), t.urgency);
      }
      return;
    }
    if (matches(t, filters)) {
      const empty = list.querySelector(".empty");
      if (empty) empty.remove();
      placeRow(list, rankedRow(t, grids), t.urgency);
      const stream = streams.find((one) => one.urgency === t.urgency);
      if (stream) { stream.fetched += 1; stream.total += 1; }  // it shifts its stream by one
      offset += 1;
      total += 1;
      count.textContent = "共 " + total + " 张工单，已显示 " + offset + " 张";
    }
  }));
  await load(true);
  return h("section", { class: "board-page" },
    h("div", { class: "page-head" }, h("h1", {}, "工单看板"),
      h("a", { href: "#/report" }, "基层报事")),
    form, count, line, list, h("div", { class: "actions" }, more));
}
