// #/staff/flags 举报处理: members' flags with the flagged message; delete it or keep it.
import { api, query } from "../api.js";
import { field, h, showError, statusLine, toast } from "../dom.js";
import { onLeave } from "../router.js";
import { session } from "../session.js";
import { on } from "../socket.js";
import { fullTime } from "../reports/tickets.js";
import { userName } from "./people.js";

const OUTCOME = { deleted: "已删除消息", kept: "保留消息" };

function handledLine(f) {
  return h("p", { class: "handled" },
    h("span", { class: "tag " + (f.outcome === "deleted" ? "red" : "green") }, OUTCOME[f.outcome]),
    " ", fullTime(f.handled_at));
}

function handleForm(f, card) {
  const line = statusLine();
  const note = h("input", { name: "note", maxlength: 200, autocomplete: "off" });
  const decide = async (outcome, button) => {
    button.disabled = true;
    try {
      const { flag } = await api("POST", "/api/v1/moderation/flags/" + encodeURIComponent(f.id)
        + "/handle", { outcome, note: note.value.trim() });
      toast(OUTCOME[outcome]);
      form.replaceWith(handledLine(flag));
      card.classList.add("done");
    } catch (err) {
      button.disabled = false;
      showError(line, err);
    }
  };
  const form = h("form", { class: "stack" },
    field("处理说明（可不填）", note),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "secondary",
        onclick: (e) => decide("kept", e.currentTarget) }, "保留消息"),
      h("button", { type: "button", onclick: (e) => decide("deleted", e.currentTarget) },
        "删除消息")),
    line);
  form.addEventListener("submit", (e) => e.preventDefault());
  return form;
}

function flagCard(f, reporter) {
  const m = f.message;
  const room = session.rooms.find((r) => r.id === f.room_id);
  const card = h("li", { class: "flag", dataset: { flagId: f.id } },
    h("div", { class: "draft-head" },
      h("strong", {}, room ? room.name : f.room_id),
      h("time", { datetime: f.created_at }, fullTime(f.created_at))),
    h("p", {}, "举报人：" + reporter + "；理由：", h("strong", {}, f.reason)),
    m ? h("figure", { class: "flagged" },
      h("figcaption", {}, (m.sender ? m.sender.name : "") + " · " + fullTime(m.created_at)),
      h("blockquote", { class: "quoted" }, m.deleted ? "（消息已删除）" : m.text))
      : h("p", { class: "empty" }, "（消息不存在）"),
    f.outcome ? handledLine(f) : null);
  if (!f.outcome) card.append(handleForm(f, card));
  return card;
}

export async function renderFlags(params, q) {
  const all = q.all === "1";
  const list = h("ul", { class: "list flags", "aria-label": "举报列表", "aria-live": "polite" });
  const empty = h("p", { class: "empty" }, all ? "暂无举报" : "暂无待处理的举报");
  const line = statusLine();
  const add = async (f, first) => {
    const card = flagCard(f, await userName(f.by));
    if (first) list.prepend(card); else list.append(card);
    empty.hidden = true;
  };
  onLeave(on("flag:new", (f) => {
    if (f && ![...list.children].some((li) => li.dataset.flagId === f.id)) add(f, true);
  }));
  try {
    const { flags } = await api("GET", "/api/v1/moderation/flags" + query({ all: all ? "1" : "" }));
    for (const f of flags) await add(f, false);
    empty.hidden = flags.length > 0;
  } catch (err) {
    showError(line, err);
  }
  return h("section", { class: "flags-page" },
    h("div", { class: "page-head" }, h("h1", {}, "举报处理"),
      h("a", { href: all ? "#/staff/flags" : "#/staff/flags?all=1" },
        all ? "只看待处理" : "包括已处理")),
    line, empty, list);
}
