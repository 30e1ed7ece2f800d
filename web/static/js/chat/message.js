// One chat message as a list item. Text goes in as text nodes; @mentions become <mark>s and
// http(s) links <a>s whose text is the link as written.
import { api } from "../api.js";
import { errorMessage, h, toast, when } from "../dom.js";
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

// Up to whitespace, quotes, angle brackets or full-width punctuation; trailing ASCII
// punctuation is the sentence's, not the link's.
const LINK = /https?:\/\/[^\s<>"'`，。！？；：、（）【】《》“”‘’]+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

function linkOf(raw) {
  try {
    const url = new URL(raw);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return h("a", { href: url.href, target: "_blank", rel: "noopener noreferrer",
                    class: "link-out" }, raw);
  } catch (e) {
    return null;
  }
}

/** Text with tappable http(s) links and @mentions; everything else stays text nodes. */
export function richText(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const raw = match[0].replace(TRAILING, "");
    const link = raw.length > "https://".length ? linkOf(raw) : null;
    if (!link) continue;
    if (match.index > last) parts.push(...textWithMentions(text.slice(last, match.index)));
    parts.push(link);
    last = match.index + raw.length;
  }
  if (last < text.length) parts.push(...textWithMentions(text.slice(last)));
  return parts;
}

// 我也遇到 pressed on this page: ticket id → how many neighbours met it.
const supported = new Map();

function alsoButton(m) {
  const count = supported.get(m.ticket_id);
  const button = h("button", { type: "button", class: "secondary small also",
    disabled: count !== undefined }, count !== undefined ? "已记录 · 共 " + count + " 人遇到" : "我也遇到");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const done = await api("POST", "/api/v1/tickets/" + encodeURIComponent(m.ticket_id) + "/support");
      supported.set(m.ticket_id, done.also_affected);
      button.textContent = "已记录 · 共 " + done.also_affected + " 人遇到";
      toast("已告诉网格员：您也遇到了这个问题");
    } catch (err) {
      button.disabled = false;
      toast(errorMessage(err));
    }
  });
  return h("div", { class: "msg-actions" }, button);
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
    : h("p", { class: "text" }, richText(m.text));
  const more = m.deleted || m.kind !== "text" ? null : h("button", {
    type: "button", class: "more", "aria-haspopup": "true",
    "aria-label": "对 " + m.sender.name + " 的消息操作", dataset: { seq: String(m.seq) } }, "⋯");
  return h("li", { class: classes.join(" "), id: "m-" + m.room_id + "-" + m.seq,
                   dataset: { seq: String(m.seq) } },
    meta, quote(m, roomMessages), body, m.ticket_id && !m.deleted && !session.isStaff ? alsoButton(m) : null, more);
}

export function senderIsStaff(m) { return STAFF.has(m.sender.role); }
