// Building DOM safely: strings always become text nodes, never HTML.

const SVG_NS = "http://www.w3.org/2000/svg";

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "value" || key === "checked" || key === "selected") {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
}

/** h("button", {type: "button", onclick}, "文字", child) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** The same for SVG elements (charts). */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let fieldCounter = 0;

/** A labelled form field: field("手机号", h("input", {name: "phone"})) */
export function field(label, control, hint) {
  fieldCounter += 1;
  if (!control.id) control.id = "f" + fieldCounter;
  const parts = [h("label", { for: control.id }, label), control];
  if (hint) {
    const hintId = control.id + "-hint";
    control.setAttribute("aria-describedby", hintId);
    parts.push(h("small", { id: hintId, class: "hint" }, hint));
  }
  return h("div", { class: "field" }, parts);
}

export function select(name, options, selected) {
  return h("select", { name },
    options.map(([value, label]) => h("option", { value, selected: value === selected }, label)));
}

export function formData(form) {
  return Object.fromEntries(new FormData(form).entries());
}

const dateTime = new Intl.DateTimeFormat("zh-CN", {
  month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
const timeOnly = new Intl.DateTimeFormat("zh-CN", { hour: "2-digit", minute: "2-digit" });

export function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const today = new Date();
  return d.toDateString() === today.toDateString() ? timeOnly.format(d) : dateTime.format(d);
}

/** A short status line under a form: role=alert for errors. */
export function statusLine() {
  return h("p", { class: "form-status", role: "status", "aria-live": "polite" });
}

export function showError(line, err) {
  line.classList.add("error");
  line.textContent = errorMessage(err);
}

export function showOk(line, text) {
  line.classList.remove("error");
  line.textContent = text;
}

export function errorMessage(err) {
  const message = err && err.message ? String(err.message) : "出错了，请重试";
  const parts = message.split(" / ");
  return parts[parts.length - 1];
}

let toastTimer = null;

export function toast(text) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, 4000);
}

export function confirmDialog(question, withReason) {
  // A <dialog> keeps focus handling and Esc in the browser's hands.
  return new Promise((resolve) => {
    const reason = withReason ? h("textarea", { name: "reason", rows: 2, maxlength: 500 }) : null;
    const dialog = h("dialog", { class: "dialog", "aria-label": question },
      h("form", { method: "dialog" },
        h("p", {}, question),
        reason ? field(withReason, reason) : null,
        h("div", { class: "actions" },
          h("button", { value: "cancel", class: "secondary" }, "取消"),
          h("button", { value: "ok" }, "确定"))));
    dialog.addEventListener("close", () => {
      const ok = dialog.returnValue === "ok";
      dialog.remove();
      resolve(ok ? (reason ? reason.value.trim() : true) : null);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
