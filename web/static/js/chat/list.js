// The room list: name, kind, last line, unread count (and whether someone @-mentioned you).
import { h, replace, when } from "../dom.js";
import { ROOM_KIND } from "../labels.js";
import { onLeave } from "../router.js";
import { rooms, subscribe } from "./state.js";

function preview(r) {
  if (!r.last) return "";
  if (r.last.deleted) return "该消息已撤回";
  return r.last.sender.name + "：" + r.last.text.slice(0, 40);
}

function item(r, currentId) {
  const unread = r.unread > 0 ? h("span", { class: "badge" }, String(r.unread),
    h("span", { class: "sr-only" }, " 条未读")) : null;
  return h("li", {},
    h("a", { href: "#/rooms/" + encodeURIComponent(r.id), class: "room-link",
             "aria-current": r.id === currentId ? "page" : null },
      h("span", { class: "room-main" },
        h("span", { class: "room-name" }, r.name),
        h("span", { class: "room-preview" },
          r.mentioned ? h("strong", { class: "at" }, "[有人@我] ") : null, preview(r))),
      h("span", { class: "room-side" },
        r.last ? h("time", { datetime: r.last.created_at }, when(r.last.created_at)) : null,
        unread)),
    h("span", { class: "sr-only" }, ROOM_KIND[r.kind] || ""));
}

/** A live list; it unsubscribes when the page is left. */
export function roomList(currentId) {
  const ul = h("ul", { class: "rooms" });
  const draw = () => replace(ul, [...rooms.values()].map((r) => item(r, currentId)));
  draw();
  const unsubscribe = subscribe((roomId, change) => { if (change === "rooms") draw(); });
  onLeave(unsubscribe);
  return ul;
}

export function roomsView() {
  if (!rooms.size) return h("p", { class: "empty" }, "审核通过后，您会加入网格议事会和社区议事厅。");
  return h("section", { class: "rooms-page" }, h("h1", {}, "群聊"), roomList(null));
}
