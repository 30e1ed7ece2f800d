// #/staff/status 系统状态 (community admins, street and district officers): read-only figures an
// operator checks first — processes, sockets, event-loop lag, store and Redis, the last
// backup's age, the detection model and lexicon. Refreshes itself while shown.
import { api } from "../api.js";
import { h, replace, showError, statusLine } from "../dom.js";
import { onLeave } from "../router.js";

const REFRESH_MS = 10000;
const UNKNOWN = "未知";
const STATE = { ok: "正常", unreachable: "无法连接", not_configured: "未配置",
  subscribed: "已订阅", not_subscribed: "未订阅（听不到其他进程）" };
const ROOM_KIND = { grid: "网格群", community: "社区群", workers: "工作群", user: "个人",
  session: "会话", staff: "工作人员" };
const STORE = { sqlite: "SQLite", mongodb: "MongoDB" };
const SOURCE = { stored: "本地训练", packaged: "内置", custom: "自定义" };

function ms(seconds) {
  return seconds === null || seconds === undefined ? UNKNOWN
    : (seconds * 1000).toFixed(seconds < 0.01 ? 1 : 0) + " 毫秒";
}

function span(seconds) {
  if (seconds < 90) return Math.round(seconds) + " 秒";
  if (seconds < 5400) return Math.round(seconds / 60) + " 分钟";
  if (seconds < 172800) return Math.round(seconds / 3600) + " 小时";
  return Math.round(seconds / 86400) + " 天";
}

function age(seconds) {
  return seconds === null || seconds === undefined ? UNKNOWN : span(seconds) + "前";
}

function stateText(value) {
  return value === null || value === undefined ? UNKNOWN : (STATE[value] || value);
}

function badge(value) {
  const good = value === "ok" || value === "subscribed" || value === "not_configured";
  return h("span", { class: "status-badge " + (good ? "good" : "bad"),
    dataset: { state: value || "unknown" } }, stateText(value));
}

function item(label, ...value) {
  return [h("dt", {}, label), h("dd", {}, ...value)];
}

function card(title, ...rows) {
  return h("section", { class: "card status-card", "aria-label": title },
    h("h2", {}, title), h("dl", {}, ...rows));
}

function processRow(p, now) {
  const cell = (name, ...content) => h("td", { dataset: { label: name } }, ...content);
  return h("tr", { dataset: { this: String(p.this) } },
    cell("进程", (p.host || UNKNOWN) + " · " + (p.pid ?? UNKNOWN) + (p.this ? "（本进程）" : "")),
    cell("连接数", String(p.sockets ?? UNKNOWN)),
    cell("事件循环延迟", ms(p.loop_lag_seconds)),
    cell("最近一分钟最大延迟", ms(p.loop_lag_worst_seconds)),
    cell("已运行", p.started_at ? span((Date.parse(now) - Date.parse(p.started_at)) / 1000)
      : UNKNOWN));
}

function processes(status) {
  const table = h("table", { class: "audit-table status-processes" },
    h("caption", { class: "sr-only" }, "linli 进程"),
    h("thead", {}, h("tr", {}, ["进程", "连接数", "事件循环延迟", "最近一分钟最大延迟", "已运行"]
      .map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, status.processes.map((p) => processRow(p, status.now))));
  return h("section", { class: "card status-card wide", "aria-label": "进程" },
    h("h2", {}, "进程（" + status.processes.length + "）"), h("div", { class: "table-wrap" }, table));
}

function kinds(byKind) {
  const parts = Object.entries(byKind || {}).map(([k, n]) => (ROOM_KIND[k] || k) + " " + n);
  return parts.length ? parts.join("，") : "—";
}

function figures(status) {
  const d = status.detection;
  return h("div", { class: "status-grid" },
    processes(status),
    card("连接",
      item("本进程连接数", String(status.sockets.connected)),
      item("按群类型", kinds(status.sockets.by_room_kind)),
      item("事件循环延迟", ms(status.loop_lag_seconds.latest)),
      item("最近一分钟最大延迟", ms(status.loop_lag_seconds.worst))),
    card("存储与 Redis",
      item("数据库", (STORE[status.store.kind] || status.store.kind) + " ", badge(status.store.status)),
      item("Redis", badge(status.redis.status)),
      item("跨进程广播", status.redis.fanout ? badge(status.redis.fanout) : "单进程（无需）")),
    card("备份",
      item("最近一次备份", status.backup.age_seconds === null ? UNKNOWN : age(status.backup.age_seconds))),
    card("报事识别",
      item("模型版本", (d.model || UNKNOWN) + "（" + (SOURCE[d.model_source] || d.model_source) + "）"),
      item("词库", (SOURCE[d.lexicon_source] || d.lexicon_source) + " · " + (d.lexicon_sha256 || UNKNOWN))));
}

export async function renderStatus() {
  const line = statusLine();
  const content = h("div", { class: "status-content" });
  const updated = h("p", { class: "hint" });

  async function load() {
    try {
      const status = await api("GET", "/api/v1/admin/status");
      replace(content, figures(status));
      updated.textContent = "更新于 " + new Date(status.now).toLocaleTimeString("zh-CN")
        + "，每 10 秒自动刷新";
      line.textContent = "";
    } catch (err) {
      showError(line, err);
    }
  }
  await load();
  const timer = setInterval(load, REFRESH_MS);
  onLeave(() => clearInterval(timer));
  return h("section", { class: "status-page" },
    h("div", { class: "page-head" }, h("h1", {}, "系统状态")), line, updated, content);
}
