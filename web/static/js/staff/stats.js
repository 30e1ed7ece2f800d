// #/staff/stats 统计: ticket figures for a period (GET /api/v1/stats/tickets) and bar charts.
import { api, query } from "../api.js";
import { field, h, select, showError, statusLine } from "../dom.js";
import { durationText, STATUS } from "../labels.js";
import { navigate } from "../router.js";
import { session } from "../session.js";
import { gridNames } from "../reports/tickets.js";
import { barChart } from "./charts.js";

const PERIODS = [["7", "近7天"], ["30", "近30天"], ["all", "全部"], ["custom", "自定义"]];
const DAY = 86400000;

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

function dateInput(value) {
  // "YYYY-MM-DD" in local time → a Date at that day's start, or null.
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const [y, m, d] = value.split("-").map(Number);
  return new Date(y, m - 1, d);
}

/** The window asked for in the query string, as ISO times for the API. */
function spanOf(q) {
  const period = PERIODS.some(([v]) => v === q.period) ? q.period : "30";
  if (period === "all") return { period };
  if (period === "custom") {
    const from = dateInput(q.from);
    const until = dateInput(q.until);
    return { period, from: from && from.toISOString(),
             until: until && new Date(until.getTime() + DAY).toISOString() };
  }
  const from = new Date(startOfDay(new Date()).getTime() - (Number(period) - 1) * DAY);
  return { period, from: from.toISOString() };
}

function figure(name, value, note) {
  return h("div", { class: "figure" },
    h("span", { class: "figure-name" }, name),
    h("strong", { class: "figure-value" }, value),
    note ? h("span", { class: "figure-note" }, note) : null);
}

function percent(rate) {
  return rate === null || rate === undefined ? "—" : Math.round(rate * 1000) / 10 + "%";
}

function summary(st) {
  return h("section", { class: "figures", "aria-label": "概况" },
    figure("工单总数", String(st.total), "件"),
    figure("已超时", String(st.overdue), "件（仍未办结）"),
    figure("平均首次响应", durationText(st.first_response.avg_seconds),
      st.first_response.count + " 件已响应"),
    figure("平均办结", durationText(st.close.avg_seconds), st.close.count + " 件已关闭"),
    figure("满意率", percent(st.satisfaction.rate),
      st.satisfaction.satisfied + "/" + st.satisfaction.rated + " 件评价满意或基本满意"),
    figure("待确认", String(st.drafts_open), "条自动识别（已忽略 " + st.drafts_dismissed + "）"));
}

function periodForm(q, grids) {
  const own = session.isWorker ? session.user.grid_ids : [...grids.keys()];
  const current = spanOf(q).period;
  const from = h("input", { type: "date", name: "from", value: q.from || "" });
  const until = h("input", { type: "date", name: "until", value: q.until || "" });
  const custom = h("div", { class: "row", hidden: current !== "custom" },
    field("开始日期", from), field("结束日期", until));
  const form = h("form", { class: "card filters", "aria-label": "统计范围" },
    h("fieldset", {}, h("legend", {}, "时间范围"),
      h("div", { class: "choices" }, PERIODS.map(([value, text]) => h("label", { class: "choice" },
        h("input", { type: "radio", name: "period", value, checked: value === current }),
        " " + text)))),
    custom,
    h("div", { class: "row" },
      field("网格", select("grid_id", [["", "全部网格"], ...own.map((g) => [g, grids.get(g) || g])],
        q.grid_id || ""))),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "查看")));
  form.addEventListener("change", (e) => {
    if (e.target.name === "period") custom.hidden = e.target.value !== "custom";
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const d = Object.fromEntries(new FormData(form).entries());
    const dates = d.period === "custom" ? { from: d.from, until: d.until } : {};
    navigate("#/staff/stats" + query({ period: d.period, grid_id: d.grid_id, ...dates }));
  });
  return form;
}

export async function renderStats(params, q) {
  const grids = await gridNames(session.user.community_id).catch(() => new Map());
  const span = spanOf(q);
  const line = statusLine();
  const form = periodForm(q, grids);
  let body = null;
  try {
    const st = await api("GET", "/api/v1/stats/tickets" + query({
      community_id: session.user.community_id, grid_id: q.grid_id,
      from: span.from, until: span.until }));
    const categories = Object.entries(st.by_category)
      .map(([k, n]) => [k === "unclassified" ? "未分类" : k, n]).sort((a, b) => b[1] - a[1]);
    const statuses = Object.entries(st.by_status).filter(([, n]) => n > 0)
      .map(([k, n]) => [STATUS[k] || k, n]);
    const byGrid = st.by_grid.map((g) => [g.name || (g.grid_id ? g.grid_id : "未分网格"), g.count]);
    body = h("div", { class: "stats-body" },
      summary(st),
      h("div", { class: "charts" },
        barChart("按类别", categories),
        barChart("按状态", statuses),
        barChart("按网格", byGrid)));
  } catch (err) {
    showError(line, err);
  }
  return h("section", { class: "stats-page" },
    h("div", { class: "page-head" }, h("h1", {}, "统计")),
    form, line, body);
}
