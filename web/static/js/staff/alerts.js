// Signals for staff: menu badges (drafts, overdue tickets, open flags), the page title
// counting urgent drafts, and a toast and optional beep when an urgent draft arrives live.
import { api, query } from "../api.js";
import { h, toast } from "../dom.js";
import { session } from "../session.js";
import { on } from "../socket.js";
import { OPEN_STATUSES, ticketTitle } from "../reports/tickets.js";

const SOUND_KEY = "linli.urgentSound";
const TITLE = document.title;
const BADGES = { drafts: "#/staff/drafts", overdue: "#/staff/tickets", flags: "#/staff/flags" };
const NOUN = { drafts: "条待确认", overdue: "张已超时", flags: "条待处理" };
const RANK = { urgent: 0, normal: 1, low: 2 };

const counts = { drafts: 0, overdue: 0, flags: 0, urgentDrafts: 0 };
const EVERY_MS = 60_000;  // tickets fall overdue with no event to tell
let unsubscribe = [];
let timer = null;
let ticker = null;
let generation = 0;
let audio = null;

/** Order of urgency, most urgent first: 紧急, 较急, 一般. */
export function urgencyRank(urgency) {
  return urgency in RANK ? RANK[urgency] : RANK.normal;
}

/** Most urgent first, then newest first. */
export function urgentFirst(a, b) {
  return urgencyRank(a.urgency) - urgencyRank(b.urgency)
    || (b.created_at || "").localeCompare(a.created_at || "");
}

async function total(params) {
  return (await api("GET", "/api/v1/tickets" + query({ ...params, limit: 1 }))).total;
}

async function fetchCounts() {
  const next = { drafts: 0, overdue: 0, flags: 0, urgentDrafts: 0 };
  const jobs = [total({ status: OPEN_STATUSES.join(","), overdue: "true" })
    .then((n) => { next.overdue = n; })];
  if (session.moderatesRooms) {
    jobs.push(total({ status: "draft" }).then((n) => { next.drafts = n; }),
      total({ status: "draft", urgency: "urgent" }).then((n) => { next.urgentDrafts = n; }),
      api("GET", "/api/v1/moderation/flags").then((r) => { next.flags = r.flags.length; }));
  }
  await Promise.all(jobs);
  return next;
}

/** Badges on the menu and the title, from the last counts. Called again after the menu is
 * rebuilt. */
export function paintBadges() {
  for (const [key, hash] of Object.entries(BADGES)) {
    const link = document.querySelector('#nav a[data-hash="' + hash + '"]');
    if (!link) continue;
    // Beside the link, not in it: the link's name stays 「待确认报事」, the count describes it.
    let badge = link.parentElement.querySelector(".badge");
    if (!badge) {
      badge = h("span", { class: "badge", id: "badge-" + key, dataset: { badge: key } });
      link.after(badge);
    }
    badge.textContent = String(counts[key]);
    badge.title = counts[key] + NOUN[key];
    badge.hidden = counts[key] === 0;
    if (badge.hidden) link.removeAttribute("aria-describedby");
    else link.setAttribute("aria-describedby", badge.id);
  }
  const n = counts.urgentDrafts;
  document.title = n ? "(" + n + ") " + TITLE : TITLE;
}

async function refresh() {
  const mine = ++generation;
  try {
    const next = await fetchCounts();
    if (mine !== generation || !session.user) return;
    Object.assign(counts, next);
    paintBadges();
  } catch (err) {
    console.warn("badge counts:", err);
  }
}

/** Counts change with many events at once: ask once they settle. */
export function refreshSoon() {
  if (!session.user || !session.isStaff) return;
  clearTimeout(timer);
  timer = setTimeout(refresh, 300);
}

export function soundOn() { return localStorage.getItem(SOUND_KEY) === "1"; }

function context() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!audio && Ctx) audio = new Ctx();
  return audio;
}

/** Two short tones made with the Web Audio API (no audio file). */
export function beep() {
  const ctx = context();
  if (!ctx) return;
  if (ctx.state === "suspended") ctx.resume().catch(() => {});
  for (const [start, freq] of [[0, 880], [0.25, 1175]]) {
    const at = ctx.currentTime + start;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.2, at);
    gain.gain.exponentialRampToValueAtTime(0.001, at + 0.2);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.2);
  }
}

/** 「紧急报事提示音」: off by default, remembered in this browser. Turning it on is a click,
 * which lets the page make sound later. */
export function soundToggle() {
  const box = h("input", { type: "checkbox", checked: soundOn(), onchange: () => {
    localStorage.setItem(SOUND_KEY, box.checked ? "1" : "0");
    if (box.checked) context();
  } });
  return h("label", { class: "choice sound-toggle" }, box, " 紧急报事提示音");
}

function urgentArrived(t) {
  if (!t || t.status !== "draft" || t.urgency !== "urgent") return;
  toast("紧急报事：" + ticketTitle(t) + " " + (t.description || "").slice(0, 30));
  if (soundOn()) beep();
}

export function startAlerts() {
  stopAlerts();
  if (!session.isStaff) return;
  unsubscribe = [
    on("draft:new", (t) => { urgentArrived(t); refreshSoon(); }),
    on("ticket:updated", refreshSoon),
    on("flag:new", refreshSoon),
    on("connect", refreshSoon),
  ];
  ticker = setInterval(refreshSoon, EVERY_MS);
  refreshSoon();
}

export function stopAlerts() {
  for (const off of unsubscribe) off();
  unsubscribe = [];
  clearTimeout(timer);
  clearInterval(ticker);
  generation += 1;
  Object.assign(counts, { drafts: 0, overdue: 0, flags: 0, urgentDrafts: 0 });
  document.title = TITLE;
}
