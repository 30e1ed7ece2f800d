// One Socket.IO connection; every client event is acked {ok, data} or {ok: false, error}.
import { session } from "./session.js";

const handlers = new Map();
const statusListeners = new Set();
let socket = null;

export function connect() {
  disconnect();
  // global `io` comes from the vendored socket.io-client 4.x (classic script)
  socket = window.io({ auth: { token: session.token }, transports: ["websocket"],
                       reconnectionDelayMax: 5000 });
  socket.on("connect", () => setStatus("connected"));
  socket.on("disconnect", () => setStatus("reconnecting"));
  socket.on("connect_error", (err) => {
    if (err.data && err.data.code === "unauthorized") session.expire();
    else setStatus("reconnecting");
  });
  socket.onAny((event, payload) => {
    for (const fn of handlers.get(event) || []) {
      try { fn(payload); } catch (e) { console.error(e); }
    }
  });
  return socket;
}

export function disconnect() {
  if (socket) socket.disconnect();
  socket = null;
}

export function connected() { return !!socket && socket.connected; }

/** Subscribe to a server event; returns an unsubscribe function. */
export function on(event, fn) {
  if (!handlers.has(event)) handlers.set(event, new Set());
  handlers.get(event).add(fn);
  return () => handlers.get(event).delete(fn);
}

export function onStatus(fn) { statusListeners.add(fn); }

function setStatus(status) {
  if (status === "connected") dispatch("connect", null);
  for (const fn of statusListeners) fn(status);
}

function dispatch(event, payload) {
  for (const fn of handlers.get(event) || []) fn(payload);
}

export function emit(event, payload, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    if (!socket) { reject({ code: "unavailable", message: "未连接" }); return; }
    socket.timeout(timeoutMs).emit(event, payload, (err, ack) => {
      if (err) reject({ code: "timeout", message: "timeout / 网络超时，请重试" });
      else if (ack && ack.ok) resolve(ack.data);
      else reject((ack && ack.error) || { code: "unavailable", message: "出错了" });
    });
  });
}

/** Fire-and-forget events such as typing. */
export function send(event, payload) {
  if (socket && socket.connected) socket.emit(event, payload, () => {});
}
