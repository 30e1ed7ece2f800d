// linli minimal web client: log in, rooms with unread counts, chat with history and sync.
// Message text is only ever assigned with textContent: it is never interpreted as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { token: localStorage.getItem("linli.token"), user: null, rooms: new Map(),
                current: null, socket: null, since: null, typingTimer: null };

function errorText(error) {
  const parts = (error && error.message ? error.message : "出错了").split(" / ");
  return parts[parts.length - 1];
}

async function api(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (state.token) headers.Authorization = "Bearer " + state.token;
  const resp = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const data = await resp.json();
  if (!resp.ok) throw data.error;
  return data;
}

function emit(event, payload) {
  return new Promise((resolve, reject) => {
    state.socket.timeout(10000).emit(event, payload, (err, ack) => {
      if (err) reject({ message: "网络超时，请重试" });
      else if (ack.ok) resolve(ack.data);
      else reject(ack.error);
    });
  });
}

function room(id) { return state.rooms.get(id); }

function newClientId() {  // crypto.randomUUID needs a secure context; plain-HTTP LANs lack one
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function addMessages(roomId, messages) {
  const r = room(roomId);
  if (!r) return;
  for (const m of messages) {
    const isNew = !r.messages.has(m.seq);
    r.messages.set(m.seq, m);
    if (m.seq > r.seen) r.seen = m.seq;
    if (isNew && roomId !== state.current && m.sender.id !== state.user.id) r.unread += 1;
  }
  if (roomId === state.current) renderMessages(); else renderRooms();
}

function renderRooms() {
  const list = $("rooms");
  list.replaceChildren();
  for (const r of state.rooms.values()) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.setAttribute("aria-current", String(r.id === state.current));
    const name = document.createElement("span");
    name.textContent = r.name;
    button.append(name);
    if (r.unread > 0) {
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = String(r.unread);
      badge.setAttribute("aria-label", r.unread + " 条未读");
      button.append(badge);
    }
    button.addEventListener("click", () => openRoom(r.id));
    li.append(button);
    list.append(li);
  }
}

function renderMessages() {
  const r = room(state.current);
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren();
  for (const seq of [...r.messages.keys()].sort((a, b) => a - b)) {
    const m = r.messages.get(seq);
    const li = document.createElement("li");
    li.dataset.seq = String(seq);
    if (m.sender.id === state.user.id) li.classList.add("mine");
    const meta = document.createElement("span");
    meta.className = "meta";
    const time = new Date(m.created_at).toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit" });
    meta.textContent = m.sender.name + " · " + time + (m.edited_at ? " · 已编辑" : "");
    const text = document.createElement("span");
    text.className = "text";
    if (m.deleted) { li.classList.add("deleted"); text.textContent = "该消息已删除"; }
    else text.textContent = m.text;
    li.append(meta, text);
    list.append(li);
  }
  $("older").hidden = !r.hasMore;
  if (atBottom || r.justOpened) list.scrollTop = list.scrollHeight;
  r.justOpened = false;
  markRead();
}

async function markRead() {
  const r = room(state.current);
  if (!r || !state.socket || !state.socket.connected || r.seen <= r.readSeq) return;
  r.readSeq = r.seen;
  r.unread = 0;
  renderRooms();
  try { await emit("room:read", { room_id: r.id, seq: r.seen }); } catch (e) { /* next read retries */ }
}

async function loadHistory(r, beforeSeq) {
  const payload = { room_id: r.id, limit: 50 };
  if (beforeSeq) payload.before_seq = beforeSeq;
  const page = await emit("room:history", payload);
  r.hasMore = page.has_more;
  r.loaded = true;
  for (const m of page.messages) r.messages.set(m.seq, m);
  if (page.messages.length) r.seen = Math.max(r.seen, page.messages[page.messages.length - 1].seq);
}

async function openRoom(id) {
  state.current = id;
  const r = room(id);
  $("room-name").textContent = r.name;
  $("text").disabled = false;
  $("send").disabled = false;
  r.justOpened = true;
  if (!r.loaded) await loadHistory(r, null);
  r.unread = 0;
  renderRooms();
  renderMessages();
  $("text").focus();
}

async function sync() {
  const cursors = {};
  for (const r of state.rooms.values()) cursors[r.id] = r.loaded ? r.seen : r.lastSeq;
  const since = state.since;
  let pending = cursors;
  while (Object.keys(pending).length > 0) {
    const payload = { cursors: pending };
    if (since !== null) payload.since = since;
    const result = await emit("room:sync", payload);
    state.since = result.server_time;
    const next = {};  // only rooms with more to fetch go round again
    for (const [id, data] of Object.entries(result.rooms)) {
      const r = room(id);
      if (r.loaded) addMessages(id, data.messages.concat(data.changed));
      else { r.lastSeq = Math.max(r.lastSeq, ...data.messages.map((m) => m.seq));
             r.unread += data.messages.filter((m) => m.sender.id !== state.user.id).length; }
      if (data.has_more) next[id] = data.messages[data.messages.length - 1].seq;
    }
    pending = next;
  }
  renderRooms();
}

function connect() {
  const socket = io({ auth: { token: state.token }, transports: ["websocket"] });
  state.socket = socket;
  socket.on("connect", async () => {
    $("status").textContent = "已连接";
    try { await sync(); } catch (e) { $("status").textContent = errorText(e); }
  });
  socket.on("disconnect", () => { $("status").textContent = "连接已断开，正在重连…"; });
  socket.on("connect_error", (err) => {
    if (err.data && err.data.code === "unauthorized") logout();
    else $("status").textContent = "正在重连…";
  });
  socket.on("message:new", (m) => addMessages(m.room_id, [m]));
  socket.on("message:updated", (m) => addMessages(m.room_id, [m]));
  socket.on("message:deleted", (e) => {
    const r = room(e.room_id);
    const m = r && r.messages.get(e.seq);
    if (m) addMessages(e.room_id, [{ ...m, deleted: true, text: "" }]);
  });
  socket.on("typing", (e) => {
    if (e.room_id !== state.current) return;
    $("typing").textContent = e.name + " 正在输入…";
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(() => { $("typing").textContent = ""; }, 3000);
  });
  socket.on("session:revoked", () => logout());
}

async function start() {
  const me = await api("GET", "/api/v1/me");
  state.user = me.user;
  const { rooms } = await api("GET", "/api/v1/me/rooms");
  state.rooms = new Map(rooms.map((r) => [r.id, { ...r, messages: new Map(), loaded: false,
    seen: r.read_seq, readSeq: r.read_seq, lastSeq: r.last_seq, hasMore: false }]));
  $("me").textContent = state.user.name + (state.user.status === "pending" ? "（待审核）" : "");
  $("login-view").hidden = true;
  $("chat-view").hidden = false;
  renderRooms();
  connect();
}

function logout() {
  if (state.socket) state.socket.disconnect();
  if (state.token) fetch("/api/v1/auth/logout", { method: "POST",
    headers: { Authorization: "Bearer " + state.token } }).catch(() => {});
  localStorage.removeItem("linli.token");
  state.token = null;
  $("chat-view").hidden = true;
  $("login-view").hidden = false;
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("login-error").textContent = "";
  try {
    const data = await api("POST", "/api/v1/auth/login",
      { phone: $("phone").value.trim(), password: $("password").value });
    state.token = data.token;
    localStorage.setItem("linli.token", data.token);
    await start();
  } catch (e) { $("login-error").textContent = errorText(e); }
});

$("send-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("text").value;
  if (!text.trim() || !state.current) return;
  $("send-error").textContent = "";
  const payload = { room_id: state.current, text, client_id: newClientId() };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const m = await emit("message:send", payload);
      $("text").value = "";
      addMessages(m.room_id, [m]);
      return;
    } catch (e) {
      if (e.code) { $("send-error").textContent = errorText(e); return; }
    }  // a timeout: retry with the same client_id, the server keeps one copy
  }
  $("send-error").textContent = "发送失败，请检查网络";
});

$("text").addEventListener("input", () => {
  if (state.socket && state.socket.connected && state.current)
    state.socket.emit("typing", { room_id: state.current }, () => {});
});
$("older").addEventListener("click", async () => {
  const r = room(state.current);
  const first = Math.min(...r.messages.keys());
  await loadHistory(r, first);
  renderMessages();
});
$("logout").addEventListener("click", logout);

if (state.token) start().catch(() => logout());
