// Chat routes: the room list and a room.
import { session } from "../session.js";
import { on } from "../socket.js";
import { toast } from "../dom.js";
import { navigate, current } from "../router.js";
import { clearOutbox } from "./composer.js";
import { roomsView } from "./list.js";
import { api } from "../api.js";
import { addRoom, init as initState, removeRoom, reset as resetState } from "./state.js";
import { roomView } from "./view.js";

let wired = false;

export function init(list) {
  initState(list);
  if (!wired) { wire(); wired = true; }
}

export function reset() {
  clearOutbox();
  resetState();
}

/** Rooms the user has just been let into (verification, restoration). */
export function addRooms(list) { for (const r of list) addRoom(r); }

export function register({ route, guard }) {
  route("/rooms", roomsView, { guard, redirect: "#/login" });
  route("/rooms/:id", roomView, { guard, redirect: "#/login" });
}

function wire() {
  on("moderation", async (e) => {
    if (e.action === "muted") {
      toast("您已被禁言至 " + new Date(e.until).toLocaleString("zh-CN") +
        (e.reason ? "（" + e.reason + "）" : ""));
    } else if (e.action === "unmuted") {
      toast("您的禁言已解除");
    } else if (e.action === "removed") {
      toast("您已被移出该群" + (e.reason ? "：" + e.reason : ""));
      removeRoom(e.room_id);
      if (current().path === "/rooms/" + e.room_id) navigate("#/rooms");
    } else if (e.action === "restored") {
      toast("您已恢复群成员身份");
      const { rooms } = await api("GET", "/api/v1/me/rooms");
      session.rooms = rooms;
      const back = rooms.find((r) => r.id === e.room_id);
      if (back) addRoom(back);
    }
  });
  on("session:revoked", () => session.expire());
}
