// #/staff/audit 操作日志 (community admins): who did what to what, when and why.
import { api, query } from "../api.js";
import { field, h, select, showError, statusLine } from "../dom.js";
import { ACTION } from "../labels.js";
import { navigate } from "../router.js";
import { session } from "../session.js";
import { fullTime } from "../reports/tickets.js";

const PAGE = 50;
const ACTIONS = {
  "resident.verify": "通过认证", "resident.reject": "不通过认证", "resident.remove": "移除居民",
  "resident.party_member": "设置党员", "member.mute": "禁言", "member.unmute": "解除禁言",
  "member.remove": "移出群聊", "member.restore": "恢复入群", "message.delete": "删除消息",
  "message.flag": "举报消息", "flag.handle": "处理举报", "community.blocked_words": "修改屏蔽词",
  "lexicon.reload": "重新加载词库", "ticket.draft": "自动识别报事",
  "directory.create": "新增办事指南", "directory.update": "修改办事指南",
  "directory.delete": "删除办事指南", "directory.import": "导入办事指南",
  "bot.create": "创建机器人", "bot.revoke": "停用机器人", "bot.rooms": "机器人入群",
  "bot.token": "更换机器人令牌", "webhook.create": "新增Webhook", "webhook.delete": "删除Webhook",
};
for (const [key, text] of Object.entries(ACTION)) {
  if (!ACTIONS["ticket." + key]) ACTIONS["ticket." + key] = "工单" + text;
}
const TARGET = { message: "消息", user: "用户", room: "群聊", ticket: "工单", flag: "举报",
  community: "社区", lexicon: "词库", bot: "机器人", webhook: "Webhook", directory: "办事指南" };

function actionText(action) { return ACTIONS[action] || action; }

function target(e) {
  const kind = TARGET[e.target_type] || e.target_type;
  if (e.target_type === "ticket") {
    return h("a", { href: "#/tickets/" + encodeURIComponent(e.target_id) }, kind + " " + e.target_id);
  }
  return kind + " " + e.target_id;
}

function details(e) {
  const parts = Object.entries(e.details || {}).map(([k, v]) =>
    k + "=" + (typeof v === "string" ? v : JSON.stringify(v)));
  return parts.join("；");
}

// The server names the actor (real names: only admins read the log); null is the system.
function actorName(e) {
  if (e.actor_name) return e.actor_name;
  return e.actor_id === "system" ? "系统" : e.actor_id;
}

function cell(name, ...content) {
  return h("td", { dataset: { label: name } }, ...content);
}

function row(e) {
  return h("tr", {},
    cell("时间", h("time", { datetime: e.at }, fullTime(e.at))),
    cell("操作人", actorName(e)),
    cell("操作", actionText(e.action)),
    cell("对象", target(e)),
    cell("原因", e.reason || "—"),
    cell("详情", details(e) || "—"));
}

async function staffOptions() {
  const room = session.rooms.find((r) => r.kind === "workers");
  const members = room ? (await api("GET", "/api/v1/rooms/" + encodeURIComponent(room.id)
    + "/members").catch(() => ({ members: [] }))).members : [];
  return [["", "全部"], ["system", "系统"], ...members.map((m) => [m.id, m.name])];
}

function filtersForm(q, actors) {
  const actorOptions = actors.some(([id]) => id === q.actor_id) || !q.actor_id
    ? actors : [...actors, [q.actor_id, q.actor_id]];
  const form = h("form", { class: "card filters", "aria-label": "筛选日志" },
    h("div", { class: "filter-grid" },
      field("操作", select("action", [["", "全部"], ...Object.entries(ACTIONS)], q.action || "")),
      field("操作人", select("actor_id", actorOptions, q.actor_id || "")),
      field("对象编号", h("input", { name: "target_id", value: q.target_id || "", maxlength: 40,
        autocomplete: "off" }), "例如工单、消息或用户的编号")),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "筛选")));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const data = Object.fromEntries(new FormData(form).entries());
    navigate("#/staff/audit" + query({ action: data.action, actor_id: data.actor_id,
      target_id: (data.target_id || "").trim() }));
  });
  return form;
}

export async function renderAudit(params, q) {
  const actors = await staffOptions();
  const body = h("tbody");
  const line = statusLine();
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "更早的记录");
  // The server's keyset cursor {before, before_id}: entries of one moment are never skipped.
  let cursor = {};

  async function load() {
    more.disabled = true;
    try {
      const { entries, next } = await api("GET", "/api/v1/admin/audit" + query({
        action: q.action, actor_id: q.actor_id, target_id: q.target_id, ...cursor,
        limit: PAGE }));
      body.append(...entries.map(row));
      cursor = next || {};
      more.hidden = !next;
      if (!body.children.length) {
        body.append(h("tr", {}, h("td", { colspan: 6, class: "empty" }, "没有记录")));
      }
    } catch (err) {
      showError(line, err);
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener("click", load);
  await load();
  const table = h("table", { class: "audit-table" },
    h("caption", { class: "sr-only" }, "操作日志，按时间从新到旧"),
    h("thead", {}, h("tr", {}, ["时间", "操作人", "操作", "对象", "原因", "详情"]
      .map((t) => h("th", { scope: "col" }, t)))),
    body);
  return h("section", { class: "audit-page" },
    h("div", { class: "page-head" }, h("h1", {}, "操作日志")),
    filtersForm(q, actors), line, h("div", { class: "table-wrap" }, table),
    h("div", { class: "actions" }, more));
}
