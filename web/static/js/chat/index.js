// Chat routes: the room list and a room.
import { session } from "../session.js";
import { on } from "../socket.js";
import { toast } from "../dom.js";
import { navigate, current } from "../router.js";
import { clearOutbox, restoreOutbox } from "./composer.js";
import { roomsView } from "./list.js";
import { api } from "../api.js";
import { addRoom, init as initState, removeRoom, reset as resetState } from "./state.js";
import { roomView } from "./view.js";

let wired = false;

export function init(list) {
  initState(list);
  restoreOutbox();
  if (!wired) { wire(); wired = true; }
}

export function reset() {
  clearOutbox();
  resetState();
}

/** After being let into rooms (verification, restoration): the server's list, new rooms
 * joined and synced. */
export async function refreshRooms() {
  const { rooms } = await api("GET", "/api/v1/me/rooms");
  session.rooms = rooms;
  for (const r of rooms) addRoom(r);
  return rooms;
}

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
      await refreshRooms();
    }
  });
  on("session:revoked", () => session.expire());
}
