// #/staff/drafts 待确认报事: what the detector drafted, with its reasons and the place it names;
// confirm, dismiss, or merge a likely duplicate (可能重复) into the ticket it repeats.
import { api, query } from "../api.js";
import { confirmDialog, h, showError, statusLine, toast } from "../dom.js";
import { label, URGENCY } from "../labels.js";
import { onLeave } from "../router.js";
import { session } from "../session.js";
import { on } from "../socket.js";
import { fullTime, gridNames, ticketTitle } from "../reports/tickets.js";
import { soundToggle, urgencyRank, urgentFirst } from "./alerts.js";

const DONE = { confirm: "已确认上报", dismiss: "已忽略", merge: "已合并" };

async function act(t, action, body, card, line) {
  const buttons = [...card.querySelectorAll("button")];
  buttons.forEach((b) => { b.disabled = true; });
  try {
    await api("POST", "/api/v1/tickets/" + encodeURIComponent(t.id) + "/" + action, body);
    const into = action === "merge" ? "到第" + t.duplicate_number + "号" : "";
    toast(ticketTitle(t) + " " + DONE[action] + into);
    card.dispatchEvent(new CustomEvent("draft-done", { bubbles: true }));
  } catch (err) {
    buttons.forEach((b) => { b.disabled = false; });
    showError(line, err);
  }
}

/** 「可能与第N号报事重复」 and the one-step merge, for a draft the server marked. */
function duplicateNote(t, card, line) {
  if (!t.duplicate_of || !t.duplicate_number) return null;
  const number = "第" + t.duplicate_number + "号";
  return h("div", { class: "duplicate-note", role: "note" },
    h("p", {}, "可能与",
      h("a", { href: "#/tickets/" + encodeURIComponent(t.duplicate_of) }, number), "报事重复"),
    h("button", { type: "button", class: "merge-into", onclick: () =>
      act(t, "merge", { into: t.duplicate_of }, card, line) }, "合并到" + number));
}

function draftCard(t, grids) {
  const d = t.detection || { matches: [], score: 0, category: null, urgency: t.urgency };
  const room = t.room_id ? session.rooms.find((r) => r.id === t.room_id) : null;
  const line = statusLine();
  const headId = "draft-" + t.id;
  const card = h("li", { class: "draft" + (t.urgency === "urgent" ? " is-urgent" : ""),
    dataset: { ticketId: t.id, rank: String(urgencyRank(t.urgency)) }, "aria-labelledby": headId },
    h("div", { class: "draft-head" },
      h("a", { id: headId, href: "#/tickets/" + encodeURIComponent(t.id) }, ticketTitle(t)),
      h("span", { class: "tag blue" }, d.category || "未能判断类别"),
      h("span", { class: "tag" + (d.urgency === "urgent" ? " red" : "") },
        label(URGENCY, d.urgency)),
      h("time", { datetime: t.created_at }, fullTime(t.created_at))),
    h("blockquote", { class: "quoted" }, t.description),
    h("p", { class: "draft-place" }, "地点：", t.location ? h("strong", {}, t.location) : "未识别"),
    h("dl", { class: "facts" },
      h("dt", {}, "发言人"), h("dd", {}, t.reporter ? t.reporter.name : "—"),
      h("dt", {}, "群聊"), h("dd", {}, room ? room.name : (t.room_id || "—")),
      h("dt", {}, "网格"), h("dd", {}, (t.grid_id && grids.get(t.grid_id)) || "—"),
      h("dt", {}, "命中词"), h("dd", { class: "terms" },
        d.matches.length ? d.matches.map((m) => h("span", { class: "tag blue term" }, m)) : "—"),
      h("dt", {}, "得分"), h("dd", {}, d.score.toFixed(2))),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "secondary", onclick: async () => {
        const reason = await confirmDialog("忽略这条自动识别的报事？", "忽略原因（用于改进识别）");
        if (reason === null) return;
        if (!reason) { showError(line, { message: "请填写忽略原因" }); return; }
        await act(t, "dismiss", { reason }, card, line);
      } }, "忽略"),
      h("button", { type: "button", onclick: () => act(t, "confirm", { note: "" }, card, line) },
        "确认上报")),
    line);
  const note = duplicateNote(t, card, line);
  if (note) card.querySelector(".actions").before(note);
  return card;
}

export async function renderDrafts() {
  const grids = await gridNames(session.user.community_id).catch(() => new Map());
  const list = h("ul", { class: "list drafts", "aria-label": "待确认报事", "aria-live": "polite" });
  const empty = h("p", { class: "empty" }, "暂无待确认的报事");
  const line = statusLine();
  const sync = () => { empty.hidden = list.children.length > 0; };
  const cardOf = (id) => [...list.children].find((li) => li.dataset.ticketId === id);

  onLeave(on("draft:new", (t) => {
    if (!t || t.status !== "draft" || cardOf(t.id)) return;
    // Newest first within its urgency: before the first card that is no more urgent.
    const rank = urgencyRank(t.urgency);
    const after = [...list.children].find((li) => Number(li.dataset.rank) >= rank);
    list.insertBefore(draftCard(t, grids), after || null);
    sync();
  }));
  onLeave(on("ticket:updated", (t) => {
    const card = t && cardOf(t.id);
    if (card && t.status !== "draft") { card.remove(); sync(); }
  }));
  list.addEventListener("draft-done", (e) => { e.target.remove(); sync(); });
  try {
    const { tickets } = await api("GET", "/api/v1/tickets" + query({ status: "draft", limit: 100 }));
    for (const t of [...tickets].sort(urgentFirst)) list.append(draftCard(t, grids));
  } catch (err) {
    showError(line, err);
  }
  sync();
  return h("section", { class: "drafts-page" },
    h("div", { class: "page-head" }, h("h1", {}, "待确认报事"),
      h("a", { href: "#/staff/tickets?status=dismissed" }, "已忽略的")),
    h("p", { class: "sub" }, "群聊中自动识别出的问题，确认后成为正式工单。紧急的排在最前。"),
    soundToggle(),
    line, empty, list);
}
