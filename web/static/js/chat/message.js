// One chat message as a list item. Text goes in as text nodes; @mentions become <mark>s.
import { h, when } from "../dom.js";
import { ROLE } from "../labels.js";
import { session } from "../session.js";

const MENTION = /@([^\s@，,。:：]{1,30})/g;
const STAFF = new Set(["worker", "admin", "street_officer", "district_officer"]);
export const EDIT_WINDOW_MS = 15 * 60 * 1000;

export function textWithMentions(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(h("mark", { class: "mention" }, match[0]));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function quote(m, roomMessages) {
  if (!m.reply_to) return null;
  const target = [...roomMessages.values()].find((x) => x.id === m.reply_to);
  if (!target) return h("p", { class: "quote" }, "回复一条更早的消息");
  const snippet = target.deleted ? "该消息已删除" : target.text.slice(0, 60);
  return h("a", { class: "quote", href: "#", dataset: { jump: String(target.seq) } },
    target.sender.name + "：" + snippet);
}

export function isMine(m) { return session.user && m.sender.id === session.user.id; }

export function mayEdit(m) {
  return isMine(m) && !m.deleted && m.kind === "text" &&
    Date.now() - new Date(m.created_at).getTime() < EDIT_WINDOW_MS;
}

export function renderMessage(m, roomMessages) {
  const mine = isMine(m);
  const classes = ["msg"];
  if (mine) classes.push("mine");
  if (m.kind !== "text") classes.push("bot");
  if (m.deleted) classes.push("deleted");
  if (!mine && (m.mention_all || (m.mentions || []).includes(session.user.id))) {
    classes.push("mentioned");
  }
  const role = m.sender.role && m.sender.role !== "resident" ? ROLE[m.sender.role] : null;
  const meta = h("div", { class: "meta" },
    h("span", { class: "who" }, m.sender.name),
    role ? h("span", { class: "tag" + (STAFF.has(m.sender.role) ? " red" : " blue") }, role) : null,
    h("time", { datetime: m.created_at }, when(m.created_at)),
    m.edited_at && !m.deleted ? h("span", { class: "edited" }, "已编辑") : null);
  const body = m.deleted
    ? h("p", { class: "text" }, m.deleted_by && m.deleted_by !== m.sender.id
      ? "该消息已被管理员删除" : "该消息已撤回")
    : h("p", { class: "text" }, textWithMentions(m.text));
  const more = m.deleted || m.kind !== "text" ? null : h("button", {
    type: "button", class: "more", "aria-haspopup": "true",
    "aria-label": "对 " + m.sender.name + " 的消息操作", dataset: { seq: String(m.seq) } }, "⋯");
  return h("li", { class: classes.join(" "), id: "m-" + m.room_id + "-" + m.seq,
                   dataset: { seq: String(m.seq) } },
    meta, quote(m, roomMessages), body, more);
}

export function senderIsStaff(m) { return STAFF.has(m.sender.role); }
