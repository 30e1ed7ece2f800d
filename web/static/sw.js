// The service worker: the app shell (index, scripts, styles, icons) comes from a cache, so linli
// opens without a network. Only the shell: API answers, messages and Socket.IO never touch the
// cache. Served at /sw.js by web/routes/shell.py, which writes VERSION (a digest of the shell's
// files) and SHELL (their paths) above this file: a changed file is a new worker and a new cache.
/* global VERSION, SHELL */
const PREFIX = "linli-shell-";
const CACHE = PREFIX + VERSION;
const SHELL_PATHS = new Set(SHELL);

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE)
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

/** The page itself: the network first (a fresh index), the cached one when offline. */
async function page(request) {
  try {
    return await fetch(request);
  } catch (err) {
    const kept = await caches.match("/", { cacheName: CACHE });
    if (kept) return kept;
    throw err;
  }
}

async function shellFile(request, path) {
  const kept = await caches.match(path, { cacheName: CACHE });
  return kept || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === "/") {
    event.respondWith(page(request));
  } else if (SHELL_PATHS.has(url.pathname) && url.pathname !== "/" && !url.search) {
    event.respondWith(shellFile(request, url.pathname));
  }
  // anything else (the API, Socket.IO, QR images): the network, untouched
});
