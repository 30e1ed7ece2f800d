// Small helpers shared by the community screens (notices, polls, directory, join codes).
import { h } from "../dom.js";
import { session } from "../session.js";
import { ROOM_KIND, label } from "../labels.js";

export const DIRECTORY_CATEGORIES = ["政务服务", "生活服务", "文体服务", "法律服务", "关爱服务",
  "党员服务"];

/** The hash of a room's chat view (ids such as "grid:g1" are encoded; the router decodes). */
export function roomHash(roomId) {
  return "#/rooms/" + encodeURIComponent(roomId);
}

export function roomName(roomId) {
  const room = session.rooms.find((r) => r.id === roomId);
  if (!room) return "群聊";
  return room.name || label(ROOM_KIND, room.kind);
}

/** A `datetime-local` value (local time) → ISO 8601 with a timezone, or null when empty. */
export function localToIso(value) {
  if (!value) return null;
  const moment = new Date(value);
  return Number.isNaN(moment.getTime()) ? null : moment.toISOString();
}

/** A Date → the `datetime-local` value for it in local time. */
export function isoToLocal(moment) {
  const pad = (n) => String(n).padStart(2, "0");
  return moment.getFullYear() + "-" + pad(moment.getMonth() + 1) + "-" + pad(moment.getDate()) +
    "T" + pad(moment.getHours()) + ":" + pad(moment.getMinutes());
}

const WEEKDAYS = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

/** 「12月8日 周二 14:00」 in the reader's time; the year only when it is not this year. */
export function dateText(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  const year = d.getFullYear() === new Date().getFullYear() ? "" : d.getFullYear() + "年";
  return year + (d.getMonth() + 1) + "月" + d.getDate() + "日 " + WEEKDAYS[d.getDay()] + " " +
    pad(d.getHours()) + ":" + pad(d.getMinutes());
}

export function percent(part, whole) {
  return whole ? Math.round((100 * part) / whole) : 0;
}

/** Residents and enterprises are the audience of notices and the voters of polls. */
export function isResident() {
  return !!session.user && ["resident", "enterprise"].includes(session.user.role);
}

/** A page for someone whose role does not allow the screen (the server would refuse too). */
export function notAllowed(title) {
  return h("section", { class: "card" }, h("h1", {}, title),
    h("p", { class: "error", role: "alert" }, "您没有权限使用此功能。"));
}

/** A checkbox with its label after it (the label still names the control). */
export function checkbox(name, text, checked, hint) {
  const input = h("input", { type: "checkbox", name, checked: !!checked });
  const id = "cb-" + name + "-" + Math.random().toString(36).slice(2, 8);
  input.id = id;
  const parts = [input, h("label", { for: id }, text)];
  if (hint) {
    input.setAttribute("aria-describedby", id + "-hint");
    parts.push(h("small", { class: "hint cm-check-hint", id: id + "-hint" }, hint));
  }
  return h("div", { class: "cm-check" }, parts);
}

/** Radio buttons in a fieldset: choices are [value, text]. */
export function radios(name, legend, choices, selected) {
  return h("fieldset", { class: "cm-radios" }, h("legend", {}, legend),
    choices.map(([value, text]) => {
      const input = h("input", { type: "radio", name, value, checked: value === selected });
      input.id = "rb-" + name + "-" + value;
      return h("div", { class: "cm-check" }, input, h("label", { for: input.id }, text));
    }));
}
