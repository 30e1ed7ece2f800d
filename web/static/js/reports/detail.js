// #/tickets/:id one ticket, for its reporter and for staff: facts, timeline, rating, actions.
import { api } from "../api.js";
import { field, h, replace, showError, showOk, statusLine } from "../dom.js";
import { ACTION, addressText, label, LEVEL, RATINGS, SOURCE, STATUS, URGENCY } from "../labels.js";
import { onLeave } from "../router.js";
import { session } from "../session.js";
import { on } from "../socket.js";
import { actionsPanel, detectionBox } from "../staff/actions.js";
import { shareCard } from "./share.js";
import { categoryText, fullTime, gridNames, overdueTag, statusTag, ticketTitle } from "./tickets.js";

function fact(name, ...value) {
  return [h("dt", {}, name), h("dd", {}, ...value)];
}

function dueFact(t) {
  if (!t.due_at) return null;
  return fact("办理时限", h("time", { datetime: t.due_at, class: t.overdue ? "late" : "" },
    fullTime(t.due_at)), t.overdue ? " " : "", overdueTag(t));
}

/** Phone (tap to call) and address, when the server let this viewer see them. */
function contactFacts(c) {
  if (!c) return null;
  return [
    fact("报事人电话", h("a", { href: "tel:" + c.phone, class: "tel" }, c.phone)),
    fact("报事人住址", addressText(c.address) || "未登记"),
  ];
}

function facts(t, grids) {
  const staffView = "created_by" in t;
  return h("dl", { class: "facts ticket-facts" },
    fact("编号", ticketTitle(t)),
    fact("状态", statusTag(t.status)),
    fact("类别", categoryText(t)),
    fact("紧急程度", label(URGENCY, t.urgency)),
    fact("处理层级", label(LEVEL, t.level)),
    fact("来源", label(SOURCE, t.source)),
    fact("位置", t.location || "未填写"),
    fact("网格", (t.grid_id && grids.get(t.grid_id)) || (t.grid_id ? t.grid_id : "—")),
    fact(t.submitted_at ? "提交时间" : "创建时间", h("time", { datetime: t.submitted_at || t.created_at },
      fullTime(t.submitted_at || t.created_at))),
    dueFact(t),
    fact("我也遇到", String(t.also_affected) + " 人"),
    fact("处理人", t.assignee ? t.assignee.name : "未指派"),
    staffView && t.reporter ? fact("报事人", t.reporter.name) : null,
    staffView ? contactFacts(t.reporter_contact) : null,
    t.resolution ? fact("办结说明", t.resolution) : null,
    t.reason ? fact(t.status === "dismissed" ? "忽略原因" : "原因", t.reason) : null,
    t.merged_into ? fact("已合并到", h("a", { href: "#/tickets/" + encodeURIComponent(t.merged_into) },
      "查看主工单")) : null,
    t.rating ? fact("评价", t.rating + (t.rating_comment ? "：" + t.rating_comment : "")) : null);
}

/** History notes as people read them: accept/classify notes are "类别/urgency". */
function noteOf(e) {
  if (!e.note) return null;
  if (e.action === "accept" || e.action === "classify") {
    const m = /^(.*)\/(low|normal|urgent)$/.exec(e.note);
    if (m) return m[1] + " · " + label(URGENCY, m[2]);
  }
  if (e.action === "merge") {
    return h("a", { href: "#/tickets/" + encodeURIComponent(e.note) }, "查看合并后的工单");
  }
  return e.note;
}

function timeline(t) {
  const entries = t.history.map((e) => h("li", { class: "step" },
    h("time", { datetime: e.at }, fullTime(e.at)),
    h("div", { class: "step-body" },
      h("strong", {}, label(ACTION, e.action)),
      " ",
      h("span", { class: "step-status" },
        e.from ? label(STATUS, e.from) + " → " + label(STATUS, e.to) : label(STATUS, e.to)),
      e.level ? h("span", { class: "tag" }, label(LEVEL, e.level) + "级") : null,
      e.by ? h("span", { class: "step-by" },
        " · " + (e.by.id === session.user.id ? "我" : e.by.name)) : null,
      e.note ? h("p", { class: "step-note" }, noteOf(e)) : null)));
  return h("section", { class: "card", "aria-labelledby": "timeline-h" },
    h("h2", { id: "timeline-h" }, "办理进度"),
    h("ol", { class: "timeline" }, entries.reverse()));
}

function ratingForm(t, done) {
  const line = statusLine();
  const radios = RATINGS.map((r) => h("label", { class: "choice" },
    h("input", { type: "radio", name: "rating", value: r, required: true }),
    " " + r));
  const form = h("form", { class: "card stack rating-form", novalidate: true,
    "aria-labelledby": "rate-h" },
    h("h2", { id: "rate-h" }, "评价办理结果"),
    h("fieldset", {}, h("legend", {}, "您对办理结果是否满意？"), h("div", { class: "choices" }, radios)),
    field("补充意见（可不填）", h("textarea", { name: "comment", rows: 2, maxlength: 500 })),
    h("p", { class: "hint" }, "选“不满意”会重新打开报事，继续办理。"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "提交评价")),
    line);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form).entries());
    if (!data.rating) {
      showError(line, { message: "请选择满意程度" });
      form.querySelector("input[name=rating]").focus();
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const { ticket } = await api("POST", "/api/v1/tickets/" + encodeURIComponent(t.id) + "/rate",
        { rating: data.rating, comment: (data.comment || "").trim() });
      showOk(line, "感谢您的评价");
      done(ticket);
    } catch (err) {
      button.disabled = false;
      showError(line, err);
    }
  });
  return form;
}

export async function renderDetail(params) {
  const path = "/api/v1/tickets/" + encodeURIComponent(params.id);
  const [{ ticket }, grids] = await Promise.all([
    api("GET", path),
    gridNames(session.user.community_id).catch(() => new Map()),
  ]);
  const root = h("section", { class: "ticket-page" });
  let shown = null;

  function draw(t) {
    shown = t;
    const reporter = t.reporter && t.reporter.id === session.user.id;
    replace(root,
      h("div", { class: "page-head" },
        h("h1", {}, "报事 " + ticketTitle(t)),
        h("span", { class: "head-tags", role: "status", "aria-live": "polite" },
          statusTag(t.status), overdueTag(t))),
      h("div", { class: "ticket-grid" },
        h("div", { class: "ticket-main" },
          h("section", { class: "card", "aria-labelledby": "desc-h" },
            h("h2", { id: "desc-h" }, "问题描述"),
            h("p", { class: "ticket-description" }, t.description)),
          "created_by" in t ? detectionBox(t) : null,
          "created_by" in t ? actionsPanel(t, update) : null,
          reporter && t.status === "resolved" ? ratingForm(t, update) : null,
          reporter ? shareCard(t, update) : null,
          timeline(t)),
        h("aside", { class: "card ticket-side", "aria-label": "工单信息" }, facts(t, grids))));
  }

  function update(t) {
    if (shown && t.version < shown.version) return;
    draw(withContact(t));
  }

  /** Live events go to every staff member who sees the ticket, so they carry no personal
   * details: keep the ones this viewer was given (the reporter does not change). */
  function withContact(t) {
    if (t.reporter_contact || !shown || !shown.reporter_contact) return t;
    return { ...t, reporter_contact: shown.reporter_contact };
  }

  onLeave(on("ticket:updated", (t) => {
    if (t && t.id === ticket.id && (!shown || t.version > shown.version)) draw(withContact(t));
  }));
  draw(ticket);
  return root;
}
