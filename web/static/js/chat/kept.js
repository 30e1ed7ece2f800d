// What waits in this browser across reloads, per account: the outbox's sends (with their
// client_ids, so a resend after a reload is answered with the original, never a duplicate)
// and each room's unsent draft. Log-out forgets both.
import { session } from "../session.js";

const key = (what) => "linli." + what + "." + session.user.id;

function read(what, fallback) {
  if (!session.user) return fallback;
  try { return JSON.parse(localStorage.getItem(key(what))) ?? fallback; } catch { return fallback; }
}

function write(what, value) {
  if (!session.user) return;
  try { localStorage.setItem(key(what), JSON.stringify(value)); } catch (e) {
    console.warn("could not keep", what, e);  // storage full or blocked: memory still holds it
  }
}

/** The payloads of message:send still waiting, oldest first. */
export function keptOutbox() { return read("outbox", []); }

export function keepOutbox(payloads) { write("outbox", payloads); }

export function keptDraft(roomId) { return read("drafts", {})[roomId] || ""; }

export function keepDraft(roomId, text) {
  const drafts = read("drafts", {});
  if (text.trim()) drafts[roomId] = text; else delete drafts[roomId];
  write("drafts", drafts);
}

export function forgetKept() {
  if (!session.user) return;
  localStorage.removeItem(key("outbox"));
  localStorage.removeItem(key("drafts"));
}
