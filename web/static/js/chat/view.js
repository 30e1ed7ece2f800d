// A room: header with presence, notices and polls, messages (older ones load on scroll-up),
// who is typing, and the composer.
import { h, replace } from "../dom.js";
import { ROOM_KIND } from "../labels.js";
import { onLeave } from "../router.js";
import { roomPanel } from "../community/room.js";
import { openActions } from "./actions.js";
import { createComposer, pendingFor } from "./composer.js";
import { isMine, renderMessage } from "./message.js";
import { loadHistory, loadMembers, markRead, room as roomOf, setOpenRoom, subscribe } from "./state.js";
import { roomList } from "./list.js";

const TYPING_SHOW_MS = 3500;

export async function roomView(params) {
  const r = roomOf(params.id);
  if (!r) return h("p", { class: "empty" }, "找不到这个群，或您已不在群中。");
  setOpenRoom(r.id);
  const list = h("ol", { class: "messages", "aria-label": "消息列表" });
  const older = h("button", { type: "button", class: "secondary small older" }, "加载更早的消息");
  const scroller = h("div", { class: "scroller", role: "log", "aria-live": "polite",
                              "aria-relevant": "additions", tabindex: "0" }, older, list);
  const pending = h("ol", { class: "messages pending", "aria-label": "发送中的消息" });
  const marker = h("button", { type: "button", class: "new-marker", hidden: true });
  const typing = h("p", { class: "typing", "aria-live": "polite" });
  const presence = h("button", { type: "button", class: "link presence",
                                 "aria-expanded": "false" }, "成员");
  const members = h("ul", { class: "member-list", hidden: true, "aria-label": "成员" });
  const composer = createComposer(r.id, renderPending);
  const rendered = new Map();  // seq → <li>
  const typers = new Map();    // user id → {name, timer}

  function renderAll() {
    replace(list);
    rendered.clear();
    for (const seq of [...r.messages.keys()].sort((a, b) => a - b)) upsert(r.messages.get(seq));
    older.hidden = !r.hasMore;
  }

  function upsert(m) {
    const li = renderMessage(m, r.messages);
    const existing = rendered.get(m.seq);
    rendered.set(m.seq, li);
    if (existing) { existing.replaceWith(li); return; }
    const after = [...rendered.keys()].filter((seq) => seq > m.seq);
    if (!after.length) list.append(li);
    else list.insertBefore(li, rendered.get(Math.min(...after)));
  }

  function renderPending() {
    replace(pending, pendingFor(r.id).map((item) =>
      h("li", { class: "msg mine sending" }, h("p", { class: "text" }, item.payload.text),
        h("span", { class: "meta" }, "发送中…"))));
  }

  // The view stays pinned to the newest message unless the reader scrolled up; then new
  // messages from others are counted on a marker instead of moving the page.
  let pinned = true;
  let unseen = 0;

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  function toBottom() {
    pinned = true;
    scroller.scrollTop = scroller.scrollHeight;
    setUnseen(0);
  }

  function setUnseen(n) {
    unseen = n;
    marker.hidden = n === 0;
    marker.textContent = n + " 条新消息 ↓";
  }

  function arrived(fresh) {
    if (pinned || fresh.some((m) => isMine(m))) { toBottom(); return; }
    const others = fresh.filter((m) => !isMine(m)).length;
    if (others) setUnseen(unseen + others);
  }

  async function loadOlder() {
    if (!r.hasMore || older.disabled) return;
    older.disabled = true;
    const height = scroller.scrollHeight;
    try { await loadHistory(r.id); } finally { older.disabled = false; }
    scroller.scrollTop += scroller.scrollHeight - height;  // keep the reader's place
  }

  function renderPresence() {
    const total = r.members ? r.members.length : 0;
    presence.textContent = total ? total + " 位成员 · " + r.online.size + " 人在线" : "成员";
    if (!members.hidden && r.members) {
      replace(members, r.members.map((m) => h("li", { class: r.online.has(m.id) ? "online" : "" },
        h("span", { class: "dot", "aria-hidden": "true" }),
        (m.role === "resident" || m.role === "enterprise") ? m.display_name : m.name,
        r.online.has(m.id) ? h("span", { class: "sr-only" }, "（在线）") : null)));
    }
  }

  function showTyping(e) {
    const old = typers.get(e.user_id);
    if (old) clearTimeout(old.timer);
    const timer = setTimeout(() => { typers.delete(e.user_id); renderTyping(); }, TYPING_SHOW_MS);
    typers.set(e.user_id, { name: e.name, timer });
    renderTyping();
  }

  function renderTyping() {
    const names = [...typers.values()].map((t) => t.name);
    typing.textContent = names.length ? names.slice(0, 3).join("、") + " 正在输入…" : "";
  }

  function broadcast(e) {
    list.append(h("li", { class: "msg bot broadcast" },
      h("div", { class: "meta" }, h("span", { class: "who" }, e.bot.name),
        h("span", { class: "tag blue" }, "广播")),
      h("p", { class: "text" }, e.text)));
    if (pinned) toBottom(); else setUnseen(unseen + 1);
  }

  const unsubscribe = subscribe((roomId, change, detail) => {
    if (roomId !== r.id) return;
    if (change === "messages") {
      const fresh = [];
      if (detail && detail.changed) {
        const changed = r.messages.get(detail.changed);
        upsert(changed);
        for (const m of r.messages.values()) if (m.reply_to === changed.id) upsert(m);
      } else {
        for (const m of r.messages.values()) if (!rendered.has(m.seq)) { upsert(m); fresh.push(m); }
      }
      older.hidden = !r.hasMore;
      if (r.last && typers.delete(r.last.sender.id)) renderTyping();
      arrived(fresh);
      markRead(r.id);
    } else if (change === "history") {
      for (const m of r.messages.values()) if (!rendered.has(m.seq)) upsert(m);
      older.hidden = !r.hasMore;
    } else if (change === "typing") {
      showTyping(detail);
    } else if (change === "presence") renderPresence();
    else if (change === "broadcast") broadcast(detail);
  });
  const seen = () => markRead(r.id);
  document.addEventListener("visibilitychange", seen);
  onLeave(() => {
    unsubscribe();
    composer.dispose();
    setOpenRoom(null);
    document.removeEventListener("visibilitychange", seen);
    resized.disconnect();
    for (const t of typers.values()) clearTimeout(t.timer);
  });

  list.addEventListener("click", (event) => {
    const jump = event.target.closest("[data-jump]");
    if (jump) {
      event.preventDefault();
      const target = rendered.get(Number(jump.dataset.jump));
      if (target) { target.scrollIntoView({ block: "center" }); target.classList.add("flash"); }
      return;
    }
    const more = event.target.closest("button.more");
    if (more) openActions(r.messages.get(Number(more.dataset.seq)), r, composer, more);
  });
  older.addEventListener("click", loadOlder);
  scroller.addEventListener("scroll", () => {
    pinned = nearBottom();
    if (pinned) setUnseen(0);
    if (scroller.scrollTop < 40) loadOlder();
  });
  marker.addEventListener("click", toBottom);
  // The pinned panel, images and the composer change the heights after the first scroll.
  const resized = new ResizeObserver(() => { if (pinned) scroller.scrollTop = scroller.scrollHeight; });
  resized.observe(scroller);
  resized.observe(list);
  presence.addEventListener("click", async () => {
    members.hidden = !members.hidden;
    presence.setAttribute("aria-expanded", String(!members.hidden));
    if (!members.hidden && !r.members) await loadMembers(r.id);
    renderPresence();
  });

  if (!r.loaded) await loadHistory(r.id);
  renderAll();
  renderPending();
  loadMembers(r.id).catch(() => {});
  const page = h("div", { class: "chat-layout" },
    h("aside", { class: "room-aside", "aria-label": "群聊列表" }, roomList(r.id)),
    h("section", { class: "chat", "aria-labelledby": "room-title" },
      h("header", { class: "chat-head" },
        h("a", { href: "#/rooms", class: "back" }, "‹ 群聊"),
        h("div", { class: "title" },
          h("h1", { id: "room-title" }, r.name),
          h("span", { class: "kind" }, ROOM_KIND[r.kind] || "")),
        presence),
      members,
      roomPanel(r.id),
      h("div", { class: "scroller-wrap" }, scroller, marker), pending, typing, composer.element));
  requestAnimationFrame(() => { toBottom(); markRead(r.id); });
  return page;
}
