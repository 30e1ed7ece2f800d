// Boot: restore the session, build the menu for the user's role, start the router.
import { api } from "./api.js";
import { h, replace, toast } from "./dom.js";
import { session } from "./session.js";
import { connect, disconnect, on, onStatus } from "./socket.js";
import { current, navigate, onRoute, render, route, setFallback } from "./router.js";
import { ROLE } from "./labels.js";
import * as auth from "./auth.js";
import * as chat from "./chat/index.js";
import * as reports from "./reports/index.js";
import * as staff from "./staff/index.js";
import { paintBadges, refreshSoon, startAlerts, stopAlerts } from "./staff/alerts.js";
import * as community from "./community/index.js";

const MENU = [
  { hash: "#/rooms", label: "聊天", show: () => session.rooms.length > 0 },
  { hash: "#/report", label: "我要报事", show: () => session.isVerified && !session.isStaff },
  { hash: "#/tickets/mine", label: "我的报事", show: () => !session.isStaff },
  { hash: "#/directory", label: "办事指南", show: () => !!session.user.community_id },
  { hash: "#/staff/verify", label: "居民审核", show: () => session.moderatesRooms },
  { hash: "#/staff/drafts", label: "待确认报事", show: () => session.moderatesRooms },
  { hash: "#/staff/tickets", label: "工单", show: () => session.isStaff },
  { hash: "#/staff/flags", label: "举报处理", show: () => session.moderatesRooms },
  { hash: "#/staff/stats", label: "统计", show: () => session.isStaff },
  { hash: "#/staff/audit", label: "操作日志", show: () => session.isAdmin },
  { hash: "#/staff/status", label: "系统状态", show: () => staff.seesStatus() },
  { hash: "#/publish/notice", label: "发布公告", show: () => session.mayPublish },
  { hash: "#/publish/poll", label: "发起表决", show: () => session.mayPublish },
  { hash: "#/admin/directory", label: "办事指南管理", show: () => session.isAdmin },
  { hash: "#/admin/join-codes", label: "入户码", show: () => session.moderatesRooms },
  { hash: "#/account", label: "我的账号", show: () => true },
];

function buildMenu() {
  const nav = document.getElementById("nav");
  const items = MENU.filter((item) => item.show());
  replace(nav, h("ul", {}, items.map((item) =>
    h("li", {}, h("a", { href: item.hash, dataset: { hash: item.hash } }, item.label)))));
  nav.hidden = false;
  document.getElementById("topbar").hidden = false;
  const role = ROLE[session.user.role] || "";
  const party = session.user.party_member ? " · 党员" : "";
  const pending = session.user.status === "pending" ? "（待审核）" : "";
  document.getElementById("me").textContent = session.user.name + pending + " · " + role + party;
  paintBadges();
}

function markCurrent() {
  const hash = location.hash.split("?")[0];
  for (const a of document.querySelectorAll("#nav a")) {
    const here = hash === a.dataset.hash || hash.startsWith(a.dataset.hash + "/");
    if (here) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  setMenu(false);
  refreshSoon();  // e.g. a flag handled on its page
}

function setMenu(open) {
  document.body.classList.toggle("menu-open", open);
  document.getElementById("menu-toggle").setAttribute("aria-expanded", String(open));
}

/** After log-in or on reload: who am I, which rooms, then the live connection. */
export async function startSession() {
  const me = await api("GET", "/api/v1/me");
  session.user = me.user;
  const { rooms } = await api("GET", "/api/v1/me/rooms");
  session.rooms = rooms;
  chat.init(rooms);
  buildMenu();
  connect();
  startAlerts();
}

/** A worker verified this account: its rooms and menu appear without a reload. */
async function accountUpdated(event) {
  const wasVerified = session.isVerified;
  session.user = event.user;
  const rooms = await chat.refreshRooms();
  buildMenu();
  markCurrent();
  if (!wasVerified && session.isVerified) {
    toast("审核已通过，欢迎加入" + rooms.map((r) => "「" + r.name + "」").join(""));
    if (current().path === "/rooms" || current().path === "/") render();
  }
}

function home() {
  if (!session.user) return "#/login";
  if (session.rooms.length) return "#/rooms";
  return session.isStaff ? "#/staff/tickets" : "#/tickets/mine";
}

export function endSession() {
  stopAlerts();
  disconnect();
  chat.reset();
  session.clear();
  document.getElementById("topbar").hidden = true;
  document.getElementById("nav").hidden = true;
  navigate("#/login");
}

function registerRoutes() {
  const signedIn = () => !!session.user;
  auth.register({ route, onLoggedIn: async () => { await startSession(); navigate(home()); },
                  onLogout: endSession });
  for (const area of [chat, reports, staff, community]) area.register({ route, guard: signedIn });
  route("/", () => { navigate(home()); return null; });
  setFallback("#/");
}

function showConnection(status) {
  const text = status === "connected" ? "" : "连接中断，正在重连…";
  document.getElementById("conn").textContent = text;
  document.body.classList.toggle("offline", status !== "connected");
}

async function boot() {
  registerRoutes();
  onStatus(showConnection);
  on("account:updated", (e) => { accountUpdated(e).catch((err) => console.warn(err)); });
  onRoute(markCurrent);
  session.onExpire(endSession);
  document.getElementById("menu-toggle").addEventListener("click", () =>
    setMenu(!document.body.classList.contains("menu-open")));
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") setMenu(false); });
  document.getElementById("skip").addEventListener("click", (e) => {
    e.preventDefault();  // "#view" is not a route
    document.getElementById("view").focus();
  });
  document.getElementById("nav").addEventListener("click", (e) => {
    if (e.target.closest("a")) setMenu(false);  // also when the link is the current page
  });
  if (session.token && !(await resumeSession())) return;
  showHome();
}

function showHome() {
  if (!location.hash || location.hash === "#/") navigate(home()); else render();
}

/** A kept log-in: false while the server cannot be reached (the app opened offline from the
 * service worker's shell): it says so and tries again, instead of logging the user out. */
async function resumeSession() {
  try {
    await startSession();
    return true;
  } catch (e) {
    if (e && e.code !== "unavailable" && e.code !== "timeout") { session.clear(); return true; }
  }
  showConnection("offline");
  document.getElementById("topbar").hidden = false;
  replace(document.getElementById("view"), h("section", { class: "card" },
    h("h1", {}, "暂时连不上邻里"),
    h("p", {}, "网络恢复后会自动载入您的群聊和报事，未发出的消息也会接着发送。")));
  const again = () => { resumeSession().then((ok) => { if (ok) showHome(); }); };
  let waited = false;
  const once = () => { if (!waited) { waited = true; again(); } };
  window.addEventListener("online", once, { once: true });
  setTimeout(once, 5000);
  return false;
}

/** The app shell offline and 添加到主屏幕 (web/static/sw.js); browsers without it, or on plain
 * HTTP other than localhost, simply go without. */
function installWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js").catch((err) => console.warn("service worker:", err));
}

boot();
installWorker();
