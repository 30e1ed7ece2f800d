// Hash routes: "#/rooms/:id" → render(params, query) returns the node shown in <main id="view">.
import { replace } from "./dom.js";

const routes = [];
let fallback = null;
let cleanup = null;
const afterRender = new Set();

export function route(pattern, render, options = {}) {
  const names = [];
  const regex = new RegExp("^" + pattern.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  }) + "$");
  routes.push({ pattern, regex, names, render, ...options });
}

export function setFallback(hash) { fallback = hash; }

export function navigate(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

export function onRoute(fn) { afterRender.add(fn); }

/** A view may register work to undo when the user leaves it (socket subscriptions). */
export function onLeave(fn) {
  const previous = cleanup;
  cleanup = () => { if (previous) previous(); fn(); };
}

export function current() {
  const [path, search] = (location.hash.slice(1) || "/").split("?");
  return { path, query: Object.fromEntries(new URLSearchParams(search || "")) };
}

export async function render() {
  const { path, query } = current();
  const match = routes.find((r) => r.regex.test(path));
  if (!match) { if (fallback) navigate(fallback); return; }
  if (match.guard && !match.guard()) { navigate(match.redirect || fallback); return; }
  const params = {};
  const values = match.regex.exec(path).slice(1);
  match.names.forEach((name, i) => { params[name] = decodeURIComponent(values[i]); });
  if (cleanup) { const fn = cleanup; cleanup = null; fn(); }
  const view = document.getElementById("view");
  view.dataset.route = match.pattern;
  try {
    const node = await match.render(params, query);
    if (node) replace(view, node);
  } catch (err) {
    console.error(err);
    replace(view, failure(err));
  }
  for (const fn of afterRender) fn(match.pattern);
}

function failure(err) {
  const p = document.createElement("p");
  p.className = "error";
  p.setAttribute("role", "alert");
  p.textContent = "页面加载失败：" + (err && err.message ? err.message.split(" / ").pop() : "请重试");
  return p;
}

window.addEventListener("hashchange", render);
