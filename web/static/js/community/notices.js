// Pinned notices (公告) of a room: a compact strip on phones, 「我已阅读」 for residents, and for
// the author and the room's staff the households' acknowledgements, a reminder and unpinning.
import { api } from "../api.js";
import { confirmDialog, errorMessage, h, replace, toast, when } from "../dom.js";
import { session } from "../session.js";
import { emit } from "../socket.js";
import { dateText, isResident } from "./common.js";

let counter = 0;

/** The author (a notice of theirs) and workers/admins (every room they see) manage notices. */
export function managesNotice(notice) {
  if (!session.user) return false;
  return notice.author.id === session.user.id || session.moderatesRooms;
}

function mayAcknowledge(notice) {
  return notice.requires_ack && notice.status === "pinned" && isResident() &&
    notice.author.id !== session.user.id;
}

/**
 * One notice as a list item; `update(notice)` refreshes it in place (keeping it expanded or not),
 * `setCounts(acks)` shows acknowledgement counts to managers.
 */
export function noticeItem(initial, { expanded, onGone }) {
  counter += 1;
  const bodyId = "notice-body-" + counter;
  let notice = initial;
  let counts = null;       // {households, acknowledged_households, ...} for managers
  let open = !!expanded;
  const li = h("li", { class: "cm-notice", dataset: { noticeId: notice.id } });
  const head = h("div", { class: "cm-notice-head" });
  const body = h("div", { class: "cm-notice-body", id: bodyId });
  const ackList = h("div", { class: "cm-acks" });
  const status = h("p", { class: "form-status", role: "status", "aria-live": "polite" });
  li.append(head, body);

  const titleText = h("span", { class: "cm-notice-title" });
  const toggle = h("button", { type: "button", class: "cm-notice-toggle",
    "aria-controls": bodyId, onclick: () => { open = !open; render(); } },
  h("span", { class: "cm-pin" }, "公告"), titleText);
  const tagSlot = h("span", { class: "cm-tags" });
  const ackSlot = h("span", { class: "cm-ack-slot" });
  head.append(toggle, tagSlot, ackSlot);

  function ackButton() {
    return h("button", { type: "button", class: "small cm-ack", onclick: acknowledge,
      "aria-label": "我已阅读：" + notice.title }, "我已阅读");
  }

  async function acknowledge(event) {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const result = await emit("notice:ack", { notice_id: notice.id });
      notice = { ...notice, ...result };
      render();
      toast("已确认阅读");
    } catch (err) {
      button.disabled = false;
      toast(errorMessage(err));
    }
  }

  function countsText() {
    if (!counts) return "已读统计加载中…";
    const total = counts.households !== undefined ? "/" + counts.households : "";
    return "已读 " + counts.acknowledged_households + total + " 户";
  }

  function tags() {
    const out = [];
    if (notice.status === "scheduled") {
      out.push(h("span", { class: "tag blue" }, "定时 " + when(notice.publish_at)));
    }
    if (!notice.requires_ack) return out;
    if (managesNotice(notice) && notice.status === "pinned") {
      out.push(h("span", { class: "tag cm-count", dataset: { counts: "" } }, countsText()));
    } else if (notice.acknowledged) {
      out.push(h("span", { class: "tag green" }, "已确认"));
    } else if (notice.household_acknowledged) {
      out.push(h("span", { class: "tag green" }, "本户已确认"));
    } else if (mayAcknowledge(notice)) {
      out.push(h("span", { class: "tag red" }, "需确认"));
    }
    return out;
  }

  function managerTools() {
    if (!managesNotice(notice)) return null;
    const tools = [];
    if (notice.requires_ack && notice.status === "pinned") {
      tools.push(h("button", { type: "button", class: "small secondary", "aria-expanded": "false",
        onclick: (e) => toggleAcks(e.currentTarget) }, "查看已读情况"));
      tools.push(h("button", { type: "button", class: "small secondary", onclick: remind },
        "提醒未读"));
    }
    if (notice.status === "pinned" || notice.status === "scheduled") {
      tools.push(h("button", { type: "button", class: "small secondary", onclick: unpin },
        notice.status === "scheduled" ? "撤回" : "取消置顶"));
    }
    return tools.length ? h("div", { class: "actions cm-tools" }, tools) : null;
  }

  function renderHead() {
    titleText.textContent = notice.title;
    toggle.setAttribute("aria-expanded", String(open));
    replace(tagSlot, tags());
    const showAck = mayAcknowledge(notice) && !notice.household_acknowledged;
    if (!showAck) replace(ackSlot);
    else if (!ackSlot.firstChild) replace(ackSlot, ackButton());
  }

  const bodyText = h("p", { class: "cm-notice-text" });
  const metaLine = h("p", { class: "cm-meta" });
  const toolSlot = h("div", {});
  let toolKey = null;
  body.append(bodyText, metaLine, toolSlot, status, ackList);

  function render() {
    renderHead();
    body.hidden = !open;
    bodyText.textContent = notice.body;
    const meta = [notice.author.name + " 发布"];
    if (notice.published_at) meta.push(dateText(notice.published_at));
    if (notice.expires_at) meta.push("到期 " + dateText(notice.expires_at));
    metaLine.textContent = meta.join(" · ");
    const key = notice.status + "|" + managesNotice(notice);
    if (key !== toolKey) {
      toolKey = key;
      replace(toolSlot, managerTools());
      replace(ackList);
    }
  }

  async function loadCounts() {
    if (!managesNotice(notice) || !notice.requires_ack || notice.status !== "pinned") return;
    try {
      const state = await api("GET", "/api/v1/notices/" + encodeURIComponent(notice.id) + "/acks");
      counts = state.summary;
      render();
      return state;
    } catch (err) {
      return null;
    }
  }

  async function toggleAcks(button) {
    if (button.getAttribute("aria-expanded") === "true") {
      button.setAttribute("aria-expanded", "false");
      replace(ackList);
      return;
    }
    button.setAttribute("aria-expanded", "true");
    replace(ackList, h("p", { class: "cm-meta" }, "加载中…"));
    try {
      const state = await api("GET", "/api/v1/notices/" + encodeURIComponent(notice.id) + "/acks");
      counts = state.summary;
      renderHead();
      replace(ackList, ackTable(state));
    } catch (err) {
      replace(ackList, h("p", { class: "error", role: "alert" }, errorMessage(err)));
    }
  }

  async function remind() {
    try {
      const result = await api("POST", "/api/v1/notices/" + encodeURIComponent(notice.id) +
        "/remind");
      counts = result.acks;
      status.classList.remove("error");
      status.textContent = result.reminded_households
        ? "已提醒 " + result.reminded_households + " 户（" + result.reminded_members + " 人）"
        : "所有住户都已确认，无需提醒";
      renderHead();
    } catch (err) {
      status.classList.add("error");
      status.textContent = errorMessage(err);
    }
  }

  async function unpin() {
    const question = notice.status === "scheduled" ? "撤回这条定时公告？" : "取消置顶这条公告？";
    if (!(await confirmDialog(question))) return;
    try {
      await api("POST", "/api/v1/notices/" + encodeURIComponent(notice.id) + "/unpin");
      onGone(notice.id);
    } catch (err) {
      status.classList.add("error");
      status.textContent = errorMessage(err);
    }
  }

  render();
  loadCounts();
  return {
    el: li,
    get notice() { return notice; },
    update(next) {
      const statusChanged = next.status !== notice.status;
      notice = { ...notice, ...next };
      render();
      if (statusChanged) loadCounts();
    },
    setCounts(acks) {
      counts = { ...(counts || {}), ...acks };
      renderHead();
    },
    refreshCounts: loadCounts,
    householdAcknowledged() {
      notice = { ...notice, household_acknowledged: true };
      render();
    },
    highlight() {
      li.classList.add("cm-remind");
      open = true;
      render();
    },
  };
}

/** Who has and who has not acknowledged, by household (those still waiting first). */
function ackTable(state) {
  const s = state.summary;
  const waiting = state.households.filter((hh) => !hh.acknowledged);
  const done = state.households.filter((hh) => hh.acknowledged);
  const member = (m) => h("li", {}, m.name,
    m.acknowledged ? h("span", { class: "cm-meta" }, " ✓ " + when(m.acknowledged_at)) : null);
  const group = (title, list) => h("section", { class: "cm-ack-group" },
    h("h4", {}, title + "（" + list.length + " 户）"),
    list.length ? h("ul", { class: "cm-households" }, list.map((hh) =>
      h("li", {}, h("strong", {}, hh.label || "未登记门牌"),
        h("ul", { class: "cm-members" }, hh.members.map(member)))))
      : h("p", { class: "cm-meta" }, "无"));
  return h("div", {},
    h("p", {}, "已读 " + s.acknowledged_households + "/" + s.households + " 户，" +
      s.acknowledged_members + "/" + s.members + " 人"),
    group("未读", waiting), group("已读", done));
}
