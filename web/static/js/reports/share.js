// The reporter's offer to share an open 我要报事 into the grid room, where neighbours who meet
// the same problem press 「我也遇到」 instead of filing it again.
import { api } from "../api.js";
import { h, showError, statusLine } from "../dom.js";

const OPEN = new Set(["submitted", "accepted", "in_progress", "reopened"]);

function sharedNote(t) {
  return h("section", { class: "card share-card", "aria-labelledby": "share-h" },
    h("h2", { id: "share-h" }, "已分享到网格群"),
    h("p", {}, "邻居可以在网格议事会里点「我也遇到」，目前有 " + t.also_affected + " 人也遇到。"),
    h("a", { href: "#/rooms/" + encodeURIComponent(t.room_id) }, "去网格群看看"));
}

/** For the reporter of an open grid ticket; null when there is nothing to offer. */
export function shareCard(t, done) {
  if (!t.grid_id || !OPEN.has(t.status)) return null;
  if (t.room_id) return t.room_id === "grid:" + t.grid_id ? sharedNote(t) : null;
  const line = statusLine();
  const button = h("button", { type: "button" }, "分享到网格群");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api("POST", "/api/v1/tickets/" + encodeURIComponent(t.id) + "/share");
      const { ticket } = await api("GET", "/api/v1/tickets/" + encodeURIComponent(t.id));
      done(ticket);
    } catch (err) {
      button.disabled = false;
      showError(line, err);
    }
  });
  return h("section", { class: "card share-card", "aria-labelledby": "share-h" },
    h("h2", { id: "share-h" }, "让邻居知道"),
    h("p", {}, "分享到网格议事会后，遇到同样问题的邻居点「我也遇到」即可，不必重复报事；"
      + "网格员会看到受影响的人数。您的姓名会隐去。"),
    h("div", { class: "actions" }, button), line);
}
