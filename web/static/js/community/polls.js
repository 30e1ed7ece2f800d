// A poll (议事表决) as a card: the choice form, live results as bars, turnout and the deadline;
// 结束表决 for its author and the room's staff.
import { api } from "../api.js";
import { confirmDialog, errorMessage, h, replace, s } from "../dom.js";
import { session } from "../session.js";
import { emit } from "../socket.js";
import { dateText, isResident, percent } from "./common.js";

let counter = 0;

function managesPoll(poll) {
  return !!session.user && (poll.author.id === session.user.id || session.moderatesRooms);
}

function kindText(poll) {
  return poll.multiple ? "多选（最多 " + poll.max_choices + " 项）" : "单选";
}

function unit(poll) { return poll.per_household ? "户" : "人"; }

function tags(poll) {
  const closed = poll.status === "closed";
  return [
    h("span", { class: closed ? "tag" : "tag green" }, closed ? "已结束" : "进行中"),
    h("span", { class: "tag" }, kindText(poll)),
    h("span", { class: "tag" }, poll.per_household ? "每户一票" : "每人一票"),
    h("span", { class: "tag" }, poll.anonymous ? "匿名" : "实名"),
    poll.results === "after_close" ? h("span", { class: "tag blue" }, "结束后公布结果") : null,
    poll.allow_change ? null : h("span", { class: "tag" }, "不可改票"),
  ];
}

/** A horizontal bar: SVG so no inline styles are needed (CSP). */
function bar(share, winner) {
  return s("svg", { class: "cm-bar" + (winner ? " cm-bar-win" : ""), viewBox: "0 0 100 10",
    preserveAspectRatio: "none", "aria-hidden": "true", focusable: "false" },
  s("rect", { class: "cm-bar-bg", x: 0, y: 0, width: 100, height: 10 }),
  s("rect", { class: "cm-bar-fill", x: 0, y: 0, width: Math.max(0, Math.min(100, share)),
    height: 10 }));
}

function results(poll) {
  if (!poll.results_visible) {
    return h("p", { class: "cm-meta" }, "结果将在表决结束后公布。");
  }
  const total = poll.options.reduce((sum, o) => sum + (o.votes || 0), 0);
  const closed = poll.status === "closed";
  return h("ul", { class: "cm-results", "aria-label": "投票结果" },
    poll.options.map((o) => {
      const share = percent(o.votes || 0, total);
      const win = closed && poll.winners.includes(o.id);
      return h("li", { class: win ? "cm-win" : null, dataset: { optionId: o.id } },
        h("div", { class: "cm-result-line" },
          h("span", {}, o.text, win ? "（胜出）" : ""),
          h("span", { class: "cm-votes" }, (o.votes || 0) + " 票 · " + share + "%")),
        bar(share, win),
        o.voters && o.voters.length
          ? h("p", { class: "cm-meta" }, o.voters.join("、")) : null);
    }));
}

function turnout(poll) {
  const parts = ["参与 " + poll.voters + "/" + poll.eligible + " " + unit(poll) + "（" +
    percent(poll.voters, poll.eligible) + "%）"];
  if (poll.quorum_percent) {
    const met = poll.quorum_met ? "已达到" : "未达到";
    parts.push("法定参与率 " + poll.quorum_percent + "%：" + met);
  }
  return h("p", { class: "cm-turnout" }, parts.join(" · "));
}

function outcome(poll) {
  if (poll.status !== "closed") return null;
  const by = poll.closed_by ? poll.closed_by.name + " " : "";
  const texts = poll.options.filter((o) => poll.winners.includes(o.id)).map((o) => o.text);
  let result;
  if (!poll.voters) result = "无人投票，结果无效";
  else if (poll.valid === false) result = "未达到法定参与率，结果无效";
  else result = "结果：" + texts.join("、") + (texts.length > 1 ? "（并列）" : "");
  return h("p", { class: "cm-outcome" }, "已于 " + dateText(poll.closed_at) + " 结束（" +
    by.trim() + "）。" + result);
}

/** The viewer's own state: what they chose, or that their household voted. */
function ownLine(poll) {
  if (!poll.voted) return null;
  if (poll.my_choice && poll.my_choice.length) {
    const texts = poll.options.filter((o) => poll.my_choice.includes(o.id)).map((o) => o.text);
    return h("p", { class: "cm-own" }, "你已投票：" + texts.join("、"));
  }
  return h("p", { class: "cm-own" }, "本户已投票");
}

/**
 * One poll card; `update(view)` merges a room view (`poll:updated`) into it, keeping the
 * viewer's own vote and the choices being made in the form.
 */
export function pollCard(initial, { collapsed }) {
  counter += 1;
  const id = "poll-" + counter;
  let poll = initial;
  let open = !collapsed;
  let formKey = null;
  const card = h("article", { class: "cm-poll card", "aria-labelledby": id + "-q",
    dataset: { pollId: poll.id } });
  const question = h("span", { id: id + "-q" });
  const toggle = h("button", { type: "button", class: "cm-poll-toggle", "aria-expanded": "true",
    "aria-controls": id + "-body", onclick: () => { open = !open; render(); } }, question);
  const tagLine = h("p", { class: "cm-tags" });
  const meta = h("p", { class: "cm-meta" });
  const body = h("div", { id: id + "-body" });
  const formSlot = h("div", {});
  const resultSlot = h("div", { class: "cm-result-box", "aria-live": "polite" });
  const status = h("p", { class: "form-status", role: "status", "aria-live": "polite" });
  const closeSlot = h("div", {});
  card.append(h("h3", { class: "cm-poll-q" }, toggle), tagLine, body);
  body.append(meta, formSlot, status, resultSlot, closeSlot);

  function mayVote() {
    return poll.status === "open" && isResident() && (!poll.voted || (poll.allow_change &&
      !!poll.my_choice));
  }

  function voteForm() {
    const type = poll.multiple ? "checkbox" : "radio";
    const inputs = [];
    const chosen = new Set(poll.my_choice || []);
    const legend = poll.multiple ? "请选择（最多 " + poll.max_choices + " 项）" : "请选择一项";
    const fieldset = h("fieldset", { class: "cm-options" }, h("legend", {}, legend),
      poll.options.map((o, n) => {
        const input = h("input", { type, name: id + "-choice", value: o.id,
          checked: chosen.has(o.id), id: id + "-o" + n });
        inputs.push(input);
        return h("div", { class: "cm-check" }, input, h("label", { for: input.id }, o.text));
      }));
    const limit = () => {
      if (!poll.multiple) return;
      const count = inputs.filter((i) => i.checked).length;
      for (const input of inputs) input.disabled = !input.checked && count >= poll.max_choices;
    };
    fieldset.addEventListener("change", limit);
    limit();
    const form = h("form", { class: "cm-vote", "aria-label": "投票：" + poll.question }, fieldset,
      h("div", { class: "actions" },
        h("button", { type: "submit" }, poll.voted ? "改投" : "投票")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const optionIds = inputs.filter((i) => i.checked).map((i) => i.value);
      if (!optionIds.length) { fail({ message: "请至少选择一项" }); return; }
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const mine = await emit("poll:vote", { poll_id: poll.id, option_ids: optionIds });
        poll = mine;
        status.classList.remove("error");
        status.textContent = "投票成功";
        render();
      } catch (err) {
        button.disabled = false;
        if (err && err.code === "conflict") {
          poll = { ...poll, voted: true };
          render();
        }
        fail(err);
      }
    });
    return form;
  }

  function fail(err) {
    status.classList.add("error");
    status.textContent = errorMessage(err);
  }

  async function close() {
    if (!(await confirmDialog("结束这项表决？结束后不能再投票。"))) return;
    try {
      const { poll: closed } = await api("POST", "/api/v1/polls/" + encodeURIComponent(poll.id) +
        "/close");
      poll = closed;
      render();
    } catch (err) { fail(err); }
  }

  function render() {
    question.textContent = poll.question;
    toggle.setAttribute("aria-expanded", String(open));
    card.classList.toggle("cm-closed", poll.status === "closed");
    replace(tagLine, tags(poll));
    tagLine.hidden = !open;  // a collapsed card is one line on a phone
    body.hidden = !open;
    meta.textContent = poll.author.name + " 发起 · 截止 " + dateText(poll.deadline);
    const key = [poll.status, poll.voted, mayVote(), (poll.my_choice || []).join(",")].join("|");
    if (key !== formKey) {
      formKey = key;
      replace(formSlot, ownLine(poll), mayVote() ? voteForm() : null);
    }
    replace(resultSlot, results(poll), turnout(poll), outcome(poll));
    replace(closeSlot, poll.status === "open" && managesPoll(poll)
      ? h("div", { class: "actions" }, h("button", { type: "button", class: "secondary",
        onclick: close }, "结束表决")) : null);
  }

  render();
  return {
    el: card,
    get poll() { return poll; },
    /** A room view from `poll:updated` lacks the viewer's own fields: keep ours. */
    update(view) {
      poll = { ...poll, ...view };
      render();
    },
    replaceWith(mine) {
      poll = mine;
      render();
    },
  };
}
