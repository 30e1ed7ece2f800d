// Writing: send (with a client_id so retries never duplicate), reply, edit, @mentions, typing.
import { errorMessage, h, replace, toast } from "../dom.js";
import { connected, emit, on, send } from "../socket.js";
import { session } from "../session.js";
import { forgetKept, keepDraft, keepOutbox, keptDraft, keptOutbox } from "./kept.js";
import { addMessages, loadMembers, room as roomOf } from "./state.js";

const TYPING_EVERY_MS = 2500;
const MAX_ATTEMPTS = 8;
const RETRY_FIRST_MS = 500;  // then 1, 2, 4, 8, 8… s: about half a minute in all
const RETRY_MAX_MS = 8000;
const MAX_CHARS = 2000;     // the server's max_text_chars; counted in code points, as it does
const COUNT_FROM = 1800;

const thousands = (n) => n.toLocaleString("en-US");

/** The length the server checks: code points of the trimmed text. */
// Mirrors bots/builtin/directory.py: a message that reads as a 办事 question.
const ASKS = new RegExp("(怎么|怎样|如何|哪里|哪儿|在哪|去哪|到哪|什么地方|哪个部门)[^。！!，,]{0,4}" +
  "(办|申请|领|补办|开具?|换)|(办理?|申请|领取?|开)[^。！!，,？?]{0,8}(在哪|哪里|去哪|找谁|" +
  "(要|需要)[^。！!，,]{0,4}(什么|哪些|啥))");
const IDIOM = /(怎么|咋|如何)办[吧呀啊呢吗嘛？?!！。…\s]*$/;

function asksForService(text) {
  const t = text.trim();
  return !!t && !t.startsWith("/") && t.length <= 60 && !IDIOM.test(t) && ASKS.test(t);
}

function charCount(text) { return [...text.trim()].length; }

function tooLong(count) {
  return "消息过长：最多 " + thousands(MAX_CHARS) + " 字，现在 " + thousands(count) +
    " 字，请删减或分成几条发送。";
}

function newClientId() {  // crypto.randomUUID needs a secure context; plain-HTTP LANs lack one
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Sends wait here across disconnects and are retried with the same client_id: on the next
 * connect, or — when the server answered `unavailable` or timed out while the socket stayed
 * connected — after a growing pause. Kept in the browser too (kept.js), so a reload resends
 * them. */
const outbox = [];
const watchers = new Set();  // the open composers' onPendingChange
let flushing = false;
let retryTimer = null;

function changed() {
  keepOutbox(outbox.map((item) => item.payload));
  for (const fn of watchers) fn();
}

/** A send that will never go: its text returns to the room's draft rather than vanish. */
function rescue(item) {
  if (!keptDraft(item.payload.room_id)) keepDraft(item.payload.room_id, item.payload.text);
}

function retryLater(attempts) {
  if (retryTimer) return;
  const pause = Math.min(RETRY_FIRST_MS * 2 ** (attempts - 1), RETRY_MAX_MS);
  retryTimer = setTimeout(() => { retryTimer = null; flush(); }, pause * (0.75 + Math.random() / 2));
}

function cancelRetry() {
  clearTimeout(retryTimer);
  retryTimer = null;
}

async function flush() {
  if (flushing) return;
  flushing = true;
  try {
    while (outbox.length) {
      const item = outbox[0];
      try {
        const m = await emit("message:send", item.payload);
        outbox.shift();
        changed();
        addMessages(m.room_id, [m]);
        item.done(null);
      } catch (err) {
        item.attempts += 1;
        if (err.code !== "timeout" && err.code !== "unavailable" || item.attempts >= MAX_ATTEMPTS) {
          outbox.shift();
          rescue(item);
          changed();
          item.done(err);
        } else {
          if (connected()) retryLater(item.attempts);  // else the next connect flushes again
          return;
        }
      }
    }
  } finally { flushing = false; }
}

on("connect", () => { cancelRetry(); flush(); });

/** On log-out: nothing written by one account may be sent by the next, here or after a
 * reload; its drafts go too. */
export function clearOutbox() {
  cancelRetry();
  outbox.length = 0;
  forgetKept();
}

/** After a reload: what was waiting goes out on the next connect, with its client_id. */
export function restoreOutbox() {
  const queued = new Set(outbox.map((item) => item.payload.client_id));
  for (const payload of keptOutbox()) {
    if (queued.has(payload.client_id)) continue;
    outbox.push({ payload, attempts: 0, done: (err) => {
      if (err) toast("消息未能发送，已放回输入框：" + errorMessage(err));
    } });
  }
  changed();
}

export function pendingFor(roomId) {
  return outbox.filter((item) => item.payload.room_id === roomId);
}

export function createComposer(roomId, onPendingChange) {
  const status = h("p", { class: "send-error", role: "alert" });
  const bar = h("div", { class: "compose-bar", hidden: true });
  const suggestions = h("ul", { class: "mentions", role: "listbox", id: "mention-list-" + roomId,
                                "aria-label": "可以@的成员", hidden: true });
  const counter = h("span", { class: "char-count", hidden: true });
  const serviceHint = h("p", { class: "compose-hint", id: "compose-hint-" + roomId, hidden: true },
    "问办事？发出后「办事指南」会回答，也可以直接发「/办事 关键词」，例如「/办事 老年证」。");
  const input = h("textarea", { id: "compose-" + roomId, rows: 1,
    placeholder: "说点什么…（@ 可以提到邻居）", autocomplete: "off", "aria-controls": suggestions.id,
    enterkeyhint: "send" });
  input.value = keptDraft(roomId);
  const button = h("button", { type: "submit", class: "send" }, "发送");
  const form = h("form", { class: "composer", "aria-label": "发送消息" },
    bar, suggestions,
    h("div", { class: "compose-row" },
      h("label", { class: "sr-only", for: input.id }, "输入消息"), input, button),
    counter, serviceHint, status);
  let replyTo = null;
  let editing = null;
  let lastTyping = 0;
  watchers.add(onPendingChange);
  countChars();

  function countChars() {
    const count = charCount(input.value);
    counter.hidden = count < COUNT_FROM;
    counter.textContent = thousands(count) + "/" + thousands(MAX_CHARS);
    counter.classList.toggle("over", count > MAX_CHARS);
    if (count <= MAX_CHARS && status.dataset.tooLong) {
      status.textContent = "";
      delete status.dataset.tooLong;
    }
    return count;
  }

  function setBar(text) {
    if (!text) { bar.hidden = true; replace(bar); return; }
    bar.hidden = false;
    replace(bar, h("span", {}, text),
      h("button", { type: "button", class: "link", onclick: cancel }, "取消"));
  }

  function cancel() {
    replyTo = null;
    if (editing) input.value = keptDraft(roomId);
    editing = null;
    countChars();
    button.textContent = "发送";
    setBar(null);
    input.focus();
  }

  const api = {
    element: form,
    focus: () => input.focus(),
    dispose: () => watchers.delete(onPendingChange),
    replyTo(m) {
      editing = null;
      replyTo = m;
      button.textContent = "发送";
      setBar("回复 " + m.sender.name + "：" + (m.text || "").slice(0, 30));
      input.focus();
    },
    edit(m) {
      replyTo = null;
      editing = m;
      input.value = m.text;
      countChars();
      button.textContent = "保存";
      setBar("编辑消息");
      input.focus();
    },
  };

  async function submit() {
    const text = input.value;
    if (!text.trim()) return;
    status.textContent = "";
    const count = countChars();
    if (count > MAX_CHARS) {  // refused whole: never cut what someone wrote
      status.textContent = tooLong(count);
      status.dataset.tooLong = "1";
      input.focus();
      return;
    }
    if (editing) {
      try {
        await emit("message:edit", { message_id: editing.id, text });
        input.value = "";
        cancel();
      } catch (err) { status.textContent = errorMessage(err); }
      return;
    }
    const payload = { room_id: roomId, text, client_id: newClientId() };
    if (replyTo) payload.reply_to = replyTo.id;
    input.value = "";
    serviceHint.hidden = true;
    keepDraft(roomId, "");
    countChars();
    setBar(null);
    replyTo = null;
    const done = (err) => {
      if (!err) return;
      status.textContent = errorMessage(err);
      if (!input.value) { input.value = text; countChars(); }
    };
    outbox.push({ payload, attempts: 0, done });
    changed();
    flush();
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); submit(); });
  input.addEventListener("keydown", (event) => {
    if (!suggestions.hidden && (event.key === "Enter" || event.key === "Tab")) {
      const first = suggestions.querySelector("[aria-selected=true]") || suggestions.firstChild;
      if (first) { event.preventDefault(); first.click(); return; }
    }
    if (!suggestions.hidden && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      moveSelection(event.key === "ArrowDown" ? 1 : -1);
      return;
    }
    if (event.key === "Escape") { suggestions.hidden = true; if (replyTo || editing) cancel(); return; }
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener("input", () => {
    const now = Date.now();
    if (now - lastTyping > TYPING_EVERY_MS) { lastTyping = now; send("typing", { room_id: roomId }); }
    countChars();
    if (!editing) keepDraft(roomId, input.value);
    serviceHint.hidden = !asksForService(input.value);
    suggest();
  });

  function moveSelection(step) {
    const items = [...suggestions.children];
    const i = items.findIndex((li) => li.getAttribute("aria-selected") === "true");
    const next = items[(i + step + items.length) % items.length];
    for (const li of items) li.setAttribute("aria-selected", String(li === next));
    input.setAttribute("aria-activedescendant", next.id);
  }

  async function suggest() {
    const before = input.value.slice(0, input.selectionStart);
    const match = /@([^\s@，,。:：]{0,30})$/.exec(before);
    if (!match) { suggestions.hidden = true; return; }
    const r = roomOf(roomId);
    const members = r.members || await loadMembers(roomId).catch(() => []);
    const names = members.filter((m) => m.id !== session.user.id)
      .map((m) => (m.role === "resident" || m.role === "enterprise") ? m.display_name : m.name);
    if (session.moderatesRooms) names.unshift("所有人");
    const found = names.filter((n) => n.includes(match[1])).slice(0, 6);
    if (!found.length) { suggestions.hidden = true; return; }
    replace(suggestions, found.map((name, i) => h("li", {
      role: "option", id: suggestions.id + "-" + i, "aria-selected": String(i === 0),
      onclick: () => {
        const start = before.length - match[0].length;
        input.value = input.value.slice(0, start) + "@" + name + " " + input.value.slice(before.length);
        suggestions.hidden = true;
        input.focus();
      } }, "@" + name)));
    suggestions.hidden = false;
  }

  return api;
}
