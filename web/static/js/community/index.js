// Community screens: a room's notices and polls (board), publishing notices and polls, the
// service directory and its administration, and join codes with their QR.
import { h } from "../dom.js";
import { session } from "../session.js";
import { roomHash, roomName } from "./common.js";
import { roomPanel } from "./room.js";
import { noticeForm, pollForm } from "./publish.js";
import { directoryAdminView, directoryView } from "./directory.js";
import { joinCodesView } from "./joincodes.js";

export { roomPanel };

function boardView(params) {
  const room = session.rooms.find((r) => r.id === params.id);
  const publish = session.mayPublish && room ? h("div", { class: "actions" },
    h("a", { class: "cm-button-link", href: "#/publish/notice?room=" + encodeURIComponent(room.id) },
      "发布公告"),
    room.kind !== "workers" ? h("a", { class: "cm-button-link",
      href: "#/publish/poll?room=" + encodeURIComponent(room.id) }, "发起表决") : null) : null;
  return h("section", { class: "cm-board" },
    h("div", { class: "page-head" },
      h("h1", {}, roomName(params.id) + " · 公告与表决"),
      h("a", { href: roomHash(params.id) }, "返回聊天")),
    publish,
    roomPanel(params.id, { full: true }));
}

export function register({ route, guard }) {
  const options = { guard, redirect: "#/login" };
  route("/rooms/:id/board", boardView, options);
  route("/publish/notice", noticeForm, options);
  route("/publish/poll", pollForm, options);
  route("/directory", directoryView, options);
  route("/admin/directory", directoryAdminView, options);
  route("/admin/join-codes", joinCodesView, options);
}
