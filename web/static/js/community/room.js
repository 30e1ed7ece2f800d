// roomPanel(roomId): a room's pinned notices and its polls, kept live over the socket.
//
// The chat view puts it above the message list; `#/rooms/:id/board` shows it full-page. It
// fetches GET /api/v1/rooms/{id}/notices and /polls, listens to notice:new, notice:updated,
// notice:remind, notice:household_ack, poll:new and poll:updated for this room, refetches on every (re)connect, and
// unsubscribes itself through the router's onLeave (or `panel.dispose()`).
import { api } from "../api.js";
import { errorMessage, h, toast } from "../dom.js";
import { onLeave } from "../router.js";
import { on } from "../socket.js";
import { noticeItem } from "./notices.js";
import { pollCard } from "./polls.js";

const RECENT_CLOSED_MS = 3 * 24 * 3600 * 1000;
const GONE = new Set(["unpinned", "expired", "cancelled"]);

function wide() {
  return window.matchMedia("(min-width: 900px)").matches;
}

/**
 * @param {string} roomId
 * @param {{full?: boolean}} options full: the board page (headings, empty states, expanded)
 * @returns {HTMLElement} with `dispose()` and `reload()`
 */
export function roomPanel(roomId, options = {}) {
  const full = !!options.full;
  const notices = new Map();   // id → noticeItem
  const polls = new Map();     // id → pollCard
  const noticeList = h("ul", { class: "cm-notices", "aria-label": "置顶公告" });
  const pollBox = h("div", { class: "cm-polls" });
  const problem = h("p", { class: "error", role: "alert", hidden: true });
  const noticeEmpty = h("p", { class: "empty", hidden: true }, "暂无置顶公告");
  const pollEmpty = h("p", { class: "empty", hidden: true }, "暂无进行中的表决");
  const root = h("section", { class: "cm-panel" + (full ? " cm-panel-full" : ""),
    "aria-label": "公告与表决", dataset: { roomId } },
  problem,
  full ? h("h2", {}, "置顶公告") : null, noticeList, full ? noticeEmpty : null,
  full ? h("h2", {}, "议事表决") : null, pollBox, full ? pollEmpty : null);
  let loading = 0;
  let disposed = false;

  // On a phone an opened card may take the room it needs (CSS: .cm-open): the messages give
  // way until it is folded again, and the card comes fully into view.
  root.addEventListener("click", (event) => {
    const toggle = event.target.closest(".cm-poll-toggle, .cm-notice-toggle");
    if (!toggle) return;
    root.classList.toggle("cm-open", !!root.querySelector(
      ".cm-poll-toggle[aria-expanded=true], .cm-notice-toggle[aria-expanded=true]"));
    if (toggle.getAttribute("aria-expanded") === "true") {
      requestAnimationFrame(() => toggle.closest(".cm-poll, .cm-notice")
        .scrollIntoView({ block: "nearest" }));
    }
  });

  function refreshEmpty() {
    noticeEmpty.hidden = notices.size > 0;
    pollEmpty.hidden = polls.size > 0;
    root.classList.toggle("cm-empty", notices.size === 0 && polls.size === 0);
  }

  function removeNotice(id) {
    const item = notices.get(id);
    if (item) { item.el.remove(); notices.delete(id); }
    refreshEmpty();
  }

  function addNotice(notice, first) {
    if (notices.has(notice.id)) { notices.get(notice.id).update(notice); return; }
    if (GONE.has(notice.status)) return;
    const item = noticeItem(notice, { expanded: full || wide(), onGone: removeNotice });
    notices.set(notice.id, item);
    if (first) noticeList.prepend(item.el); else noticeList.append(item.el);
    refreshEmpty();
  }

  function shownPoll(poll) {
    if (poll.status === "open") return true;
    return !!poll.closed_at && Date.now() - new Date(poll.closed_at).getTime() < RECENT_CLOSED_MS;
  }

  function addPoll(poll, first) {
    if (polls.has(poll.id)) { polls.get(poll.id).update(poll); return; }
    if (!shownPoll(poll)) return;
    const card = pollCard(poll, { collapsed: !full && !wide() });
    polls.set(poll.id, card);
    if (first) pollBox.prepend(card.el); else pollBox.append(card.el);
    refreshEmpty();
  }

  async function load() {
    const mine = ++loading;
    try {
      const base = "/api/v1/rooms/" + encodeURIComponent(roomId);
      const [n, p] = await Promise.all([api("GET", base + "/notices"),
        api("GET", base + "/polls")]);
      if (mine !== loading || disposed) return;
      problem.hidden = true;
      const noticeIds = new Set(n.notices.map((x) => x.id));
      for (const id of [...notices.keys()]) if (!noticeIds.has(id)) removeNotice(id);
      for (const notice of n.notices) {
        if (notices.has(notice.id)) {
          notices.get(notice.id).update(notice);
          notices.get(notice.id).refreshCounts();
        } else addNotice(notice, false);
      }
      const ordered = [...p.polls].sort((a, b) =>
        (a.status === "open" ? 0 : 1) - (b.status === "open" ? 0 : 1) ||
        new Date(b.created_at) - new Date(a.created_at));
      for (const poll of ordered) {
        if (polls.has(poll.id)) polls.get(poll.id).replaceWith(poll); else addPoll(poll, false);
      }
      refreshEmpty();
    } catch (err) {
      if (mine !== loading || disposed) return;
      problem.textContent = "公告与表决加载失败：" + errorMessage(err);
      problem.hidden = false;
    }
  }

  const mine = (payload) => payload && payload.room_id === roomId;
  const subscriptions = [
    on("connect", () => load()),
    on("notice:new", (notice) => { if (mine(notice)) addNotice(notice, true); }),
    on("notice:updated", ({ change, notice, acks }) => {
      if (!mine(notice)) return;
      if (GONE.has(notice.status)) { removeNotice(notice.id); return; }
      const item = notices.get(notice.id);
      if (!item) { addNotice(notice, true); return; }
      item.update(notice);
      if (acks && (change === "acks" || change === "reminded")) item.setCounts(acks);
    }),
    on("notice:remind", ({ notice }) => {
      if (!mine(notice)) return;
      toast("提醒：请阅读并确认公告《" + notice.title + "》");
      const item = notices.get(notice.id);
      if (item) item.highlight(); else addNotice(notice, true);
    }),
    on("notice:household_ack", (e) => {
      if (mine(e) && notices.has(e.notice_id)) notices.get(e.notice_id).householdAcknowledged();
    }),
    on("poll:new", (poll) => { if (mine(poll)) addPoll(poll, true); }),
    on("poll:updated", (poll) => {
      if (!mine(poll)) return;
      if (polls.has(poll.id)) polls.get(poll.id).update(poll); else addPoll(poll, true);
    }),
  ];

  function dispose() {
    if (disposed) return;
    disposed = true;
    for (const off of subscriptions) off();
  }

  onLeave(dispose);
  root.dispose = dispose;
  root.reload = load;
  refreshEmpty();
  load();
  return root;
}
