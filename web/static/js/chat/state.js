// The client's copy of each room: messages by seq, cursors, unread counts. room:sync after every
// (re)connect fills any gap; a Map keyed by seq makes every message appear once.
import { api } from "../api.js";
import { emit, on } from "../socket.js";
import { session } from "../session.js";

export const rooms = new Map();
const listeners = new Set();
let since = null;
let wired = false;
let openRoomId = null;

/** fn(roomId, change) with change "messages" | "rooms" | "typing" | "presence" | "broadcast". */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function notify(roomId, change, detail) {
  for (const fn of listeners) fn(roomId, change, detail);
}

export function init(list) {
  rooms.clear();
  since = null;
  for (const r of list) rooms.set(r.id, fresh(r));
  if (!wired) { wire(); wired = true; }
}

export function reset() {
  rooms.clear();
  since = null;
  openRoomId = null;
}

function fresh(r) {
  return { ...r, messages: new Map(), loaded: false, hasMore: true, seen: r.read_seq,
           readSeq: r.read_seq, lastSeq: r.last_seq, unread: r.unread || 0,
           last: r.last_message || null,
           mentioned: (r.unread_mentions || 0) > 0, online: new Set(), members: null };
}

export function room(id) { return rooms.get(id); }

export function setOpenRoom(id) { openRoomId = id; }

function isMine(m) { return session.user && m.sender.id === session.user.id; }

function mentionsMe(m) {
  return !isMine(m) && (m.mention_all || (m.mentions || []).includes(session.user.id));
}

export function addMessages(roomId, messages, { live = false } = {}) {
  const r = rooms.get(roomId);
  if (!r || messages.length === 0) return;
  for (const m of messages) {
    const isNew = !r.messages.has(m.seq) && m.seq > r.lastSeq;
    if (r.loaded || m.seq > r.lastSeq) r.messages.set(m.seq, m);
    r.lastSeq = Math.max(r.lastSeq, m.seq);
    if (!r.last || m.seq >= r.last.seq) r.last = m;
    if (isNew && !isMine(m) && roomId !== openRoomId) {
      r.unread += 1;
      if (mentionsMe(m)) r.mentioned = true;
    }
  }
  notify(roomId, "messages", { live });
  notify(roomId, "rooms");
}

/** The newest seq the user has seen in a room (for room:read). */
export async function markRead(roomId) {
  const r = rooms.get(roomId);
  if (!r || r.lastSeq <= r.readSeq || document.hidden) return;
  const seq = r.lastSeq;
  r.readSeq = seq;
  r.unread = 0;
  r.mentioned = false;
  notify(roomId, "rooms");
  try { await emit("room:read", { room_id: roomId, seq }); } catch (e) { r.readSeq = 0; }
}

export async function loadHistory(roomId) {
  const r = rooms.get(roomId);
  const payload = { room_id: roomId, limit: 50 };
  const oldest = r.messages.size ? Math.min(...r.messages.keys()) : null;
  if (oldest !== null) payload.before_seq = oldest;
  const page = await emit("room:history", payload);
  r.hasMore = page.has_more;
  const first = !r.loaded;
  r.loaded = true;
  for (const m of page.messages) r.messages.set(m.seq, m);
  const newest = page.messages[page.messages.length - 1];
  if (newest) {
    r.lastSeq = Math.max(r.lastSeq, newest.seq);
    if (!r.last || newest.seq >= r.last.seq) r.last = newest;
  }
  notify(roomId, first ? "messages" : "history", { count: page.messages.length });
}

export async function loadMembers(roomId) {
  const r = rooms.get(roomId);
  const data = await api("GET", "/api/v1/rooms/" + encodeURIComponent(roomId) + "/members");
  r.members = data.members;
  r.online = new Set(data.members.filter((m) => m.online).map((m) => m.id));
  notify(roomId, "presence");
  return r.members;
}

/** After any (re)connect: ask for everything after our cursors, page by page. */
export async function sync() {
  let pending = {};
  for (const r of rooms.values()) pending[r.id] = r.lastSeq;
  let first = true;
  while (Object.keys(pending).length > 0) {
    const payload = { cursors: pending };
    if (first && since !== null) payload.since = since;
    const result = await emit("room:sync", payload);
    if (first) since = result.server_time;
    first = false;
    const next = {};
    for (const [id, data] of Object.entries(result.rooms)) {
      addMessages(id, data.messages);
      const r = rooms.get(id);
      for (const m of data.changed || []) if (r && r.messages.has(m.seq)) r.messages.set(m.seq, m);
      if ((data.changed || []).length) notify(id, "messages", { live: false });
      if (data.has_more && data.messages.length) next[id] = data.messages[data.messages.length - 1].seq;
    }
    pending = next;
  }
  for (const id of rooms.keys()) if (rooms.get(id).members) loadMembers(id).catch(() => {});
}

function wire() {
  on("connect", () => { sync().catch((e) => console.warn("sync failed", e)); });
  on("message:new", (m) => {
    const r = rooms.get(m.room_id);
    if (r && m.seq > r.lastSeq + 1) noticeGap(m.room_id, r.lastSeq);
    addMessages(m.room_id, [m], { live: true });
  });
  on("message:updated", (m) => replaceMessage(m));
  on("message:deleted", (e) => {
    const r = rooms.get(e.room_id);
    const m = r && r.messages.get(e.seq);
    if (m) replaceMessage({ ...m, deleted: true, text: "", deleted_by: e.deleted_by || null });
  });
  on("typing", (e) => notify(e.room_id, "typing", e));
  on("presence", (e) => {
    const r = rooms.get(e.room_id);
    if (!r) return;
    for (const id of e.online || []) r.online.add(id);
    for (const id of e.offline || []) r.online.delete(id);
    notify(e.room_id, "presence");
  });
  on("bot:broadcast", (e) => notify(e.room_id, "broadcast", e));
}

/** A message:new beyond the next expected seq means some went missing (or are still on their
 * way from another server process): after a short wait, room:sync whatever is still absent. */
const GAP_WAIT_MS = 500;
const gaps = new Map();

function noticeGap(roomId, after) {
  const gap = gaps.get(roomId);
  if (gap) { gap.after = Math.min(gap.after, after); return; }
  gaps.set(roomId, { after });
  setTimeout(() => { fillGap(roomId).catch((e) => console.warn("gap sync failed", e)); },
             GAP_WAIT_MS);
}

function complete(r, after) {
  for (let seq = after + 1; seq <= r.lastSeq; seq++) if (!r.messages.has(seq)) return false;
  return true;
}

async function fillGap(roomId) {
  const gap = gaps.get(roomId);
  gaps.delete(roomId);
  const r = rooms.get(roomId);
  if (!gap || !r || complete(r, gap.after)) return;
  let cursor = gap.after;
  for (;;) {
    const result = await emit("room:sync", { cursors: { [roomId]: cursor } });
    const data = result.rooms[roomId];
    if (!data) return;
    addMessages(roomId, data.messages);
    if (!data.has_more || !data.messages.length) return;
    cursor = data.messages[data.messages.length - 1].seq;
  }
}

function replaceMessage(m) {
  const r = rooms.get(m.room_id);
  if (!r || !r.messages.has(m.seq)) return;
  r.messages.set(m.seq, m);
  if (r.last && r.last.seq === m.seq) r.last = m;
  notify(m.room_id, "messages", { live: false, changed: m.seq });
}

export function addRoom(r) {
  if (rooms.has(r.id)) return;
  rooms.set(r.id, fresh(r));
  notify(r.id, "rooms");
  sync().catch((e) => console.warn("sync failed", e));
}

export function removeRoom(roomId) {
  rooms.delete(roomId);
  session.rooms = session.rooms.filter((r) => r.id !== roomId);
  notify(roomId, "rooms");
}
