// Staff actions on one ticket (shown on #/tickets/:id): what the status allows and the role may do.
import { api, query } from "../api.js";
import { field, h, select, showError, statusLine } from "../dom.js";
import { CATEGORIES, label, LEVEL, ROLE, URGENCY } from "../labels.js";
import { session } from "../session.js";

const OPEN = ["submitted", "accepted", "in_progress", "reopened"];
const LEVELS = ["grid", "community", "street", "district"];
// moderation/machine.py RULES: the statuses each action is allowed from.
const RULES = {
  confirm: ["draft"], dismiss: ["draft"], accept: ["submitted"], classify: OPEN,
  assign: ["accepted", "reopened", "in_progress"], resolve: ["in_progress"],
  escalate: OPEN, reject: ["submitted", "accepted"], merge: ["draft", "submitted", "accepted"],
};
// moderation/access.py HANDLES: the levels each role handles.
const HANDLES = { worker: ["grid"], admin: ["grid", "community"],
  street_officer: ["street"], district_officer: ["district"] };

function nextLevel(level) {
  const i = LEVELS.indexOf(level);
  return i >= 0 && i + 1 < LEVELS.length ? LEVELS[i + 1] : null;
}

/** What the server's can_act would allow, so that only useful buttons are shown. */
export function mayAct(t, action) {
  if (!RULES[action].includes(t.status)) return false;
  if (action === "escalate" && !nextLevel(t.level)) return false;
  if (action === "resolve" && t.assignee && t.assignee.id === session.user.id) return true;
  return (HANDLES[session.user.role] || []).includes(t.level);
}

/** The detector's explanation of a draft (staff only). */
export function detectionBox(t) {
  const d = t.detection;
  if (!d) return null;
  const room = t.room_id ? session.rooms.find((r) => r.id === t.room_id) : null;
  return h("section", { class: "card detection", "aria-labelledby": "det-h-" + t.id },
    h("h2", { id: "det-h-" + t.id }, "自动识别依据"),
    h("dl", { class: "facts" },
      h("dt", {}, "识别类别"), h("dd", {}, d.category || "未能判断"),
      h("dt", {}, "紧急程度"), h("dd", {}, label(URGENCY, d.urgency)),
      h("dt", {}, "得分"), h("dd", {}, d.score.toFixed(2)),
      h("dt", {}, "命中词"), h("dd", { class: "terms" },
        d.matches.length ? d.matches.map((m) => h("span", { class: "tag blue term" }, m)) : "—"),
      room ? [h("dt", {}, "来自"), h("dd", {}, room.name)] : null));
}

const CHOOSE = "请选择";

/** A required choice with no silent default: 「请选择」 until the ticket has a real value. */
function choice(text, name, options, current) {
  const control = select(name, [["", CHOOSE], ...options], current || "");
  control.required = true;
  return field(text, control);
}

function categoryChoice(t) {
  return choice("类别", "category", CATEGORIES.map((c) => [c, c]), t.category);
}

/** `graded`: the urgency is someone's decision (classified before), not a filing default. */
function urgencyChoice(t, graded) {
  return choice("紧急程度", "urgency", Object.entries(URGENCY), graded ? t.urgency : "");
}

function noteField(name, text, required) {
  return field(text, h("textarea", { name, rows: 2, maxlength: 500, required: !!required }));
}

/** One action as a disclosure: <details><summary>受理</summary><form>…</form></details>. */
function actionForm(t, action, title, controls, toBody, done, button) {
  return stepsForm(t, action, title, controls, [[action, toBody]], done, button);
}

/** A form whose submit runs `steps` ([action, toBody]) one after another through the
 * ticket's own routes; a step that fails stops there, showing the ticket as it now is. */
function stepsForm(t, key, title, controls, steps, done, button) {
  const line = statusLine();
  const form = h("form", { class: "stack action-form", novalidate: true },
    controls, h("div", { class: "actions" }, h("button", { type: "submit" }, button || title)),
    line);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form).entries());
    for (const el of form.querySelectorAll("[required]")) {
      if (!String(el.value || "").trim()) {
        const verb = el.tagName === "SELECT" ? "请选择" : "请填写";
        showError(line, { message: verb + (el.labels[0] ? el.labels[0].textContent : "必填项") });
        el.focus();
        return;
      }
    }
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    let latest = null;
    try {
      for (const [action, toBody] of steps) {
        ({ ticket: latest } = await api("POST", "/api/v1/tickets/" + encodeURIComponent(t.id)
          + "/" + action, toBody(data)));
      }
      done(latest);
    } catch (err) {
      submit.disabled = false;
      showError(line, err);
      if (latest) done(latest);
    }
  });
  return h("details", { class: "action", dataset: { action: key } },
    h("summary", {}, title), form);
}

function trimmed(value) { return (value || "").trim(); }

/** Everyone the server would accept as this ticket's assignee (moderation.access.can_be_assigned). */
async function assignees(t) {
  return (await api("GET", "/api/v1/tickets/" + encodeURIComponent(t.id) + "/assignees")).assignees;
}

/** "李娜（我） · 网格员": the name, marked when it is the current user, and the role. */
function assigneeLabel(p) {
  return p.name + (p.id === session.user.id ? "（我）" : "") + " · " + label(ROLE, p.role);
}

function assignForm(t, done) {
  const choose = h("select", { name: "assignee_id", required: true },
    h("option", { value: "" }, "加载中…"));
  const details = actionForm(t, "assign", t.assignee ? "改派" : "指派",
    [field("处理人", choose), noteField("note", "备注（可不填）")],
    (d) => ({ assignee_id: d.assignee_id, note: trimmed(d.note) }), done);
  let loaded = false;
  details.addEventListener("toggle", async () => {
    if (!details.open || loaded) return;
    loaded = true;
    try {
      const people = await assignees(t);
      choose.replaceChildren(h("option", { value: "" }, people.length ? "请选择" : "没有可指派的人员"),
        ...people.map((p) => h("option", { value: p.id, selected: t.assignee && t.assignee.id === p.id },
          assigneeLabel(p))));
    } catch (err) {
      loaded = false;
      showError(details.querySelector(".form-status"), err);
    }
  });
  return details;
}

function mergeForm(t, done) {
  const choose = h("select", { name: "into", required: true },
    h("option", { value: "" }, "加载中…"));
  const details = actionForm(t, "merge", "合并", [field("合并到（同一问题的另一张工单）", choose)],
    (d) => ({ into: d.into }), done, "确认合并");
  let loaded = false;
  details.addEventListener("toggle", async () => {
    if (!details.open || loaded) return;
    loaded = true;
    try {
      const { tickets } = await api("GET", "/api/v1/tickets" + query({
        status: OPEN.join(","), grid_id: t.grid_id || "", limit: 200 }));
      const others = tickets.filter((o) => o.id !== t.id && !o.merged_into);
      choose.replaceChildren(h("option", { value: "" }, others.length ? "请选择" : "没有可合并的工单"),
        ...others.map((o) => h("option", { value: o.id },
          "第" + o.number + "号 " + (o.category || "未分类") + " · " + o.description.slice(0, 20))));
    } catch (err) {
      loaded = false;
      showError(details.querySelector(".form-status"), err);
    }
  });
  return details;
}

function acceptForm(t, done) {
  const up = nextLevel(t.level);
  const upBox = up ? h("label", { class: "choice" },
    h("input", { type: "checkbox", name: "up", value: "1" }),
    " 交上一级（" + label(LEVEL, up) + "）处理") : null;
  return actionForm(t, "accept", "受理", [categoryChoice(t), urgencyChoice(t, false), upBox],
    (d) => ({ category: d.category, urgency: d.urgency, ...(d.up ? { level: up } : {}) }), done);
}

/** Whether the user may take the ticket herself (moderation.access.can_be_assigned). */
function mayTakeIt() {
  return session.user.role in HANDLES;
}

const toMe = () => ({ assignee_id: session.user.id, note: "" });

/** 受理并由我处理: accept, then assign to oneself, in one step. */
function acceptMineForm(t, done) {
  const toAccept = (d) => ({ category: d.category, urgency: d.urgency });
  return stepsForm(t, "accept-mine", "受理并由我处理",
    [categoryChoice(t), urgencyChoice(t, false)],
    [["accept", toAccept], ["assign", toMe]], done, "受理并由我处理");
}

/** 办结 of an accepted or reopened ticket: assigned to her first (the state machine resolves
 * only what is in progress), as 指派 would, then resolved. */
function resolveMineForm(t, done) {
  return stepsForm(t, "resolve", "办结",
    [h("p", { class: "hint" }, "将先指派给我，再办结。"),
      noteField("note", "办结说明（报事人可见）", true)],
    [["assign", toMe], ["resolve", (d) => ({ note: trimmed(d.note) })]], done, "确认办结");
}

/** Every action the ticket's status and the user's role allow, each as a small form. */
export function actionsPanel(t, done) {
  const parts = [];
  if (mayAct(t, "confirm")) {
    parts.push(actionForm(t, "confirm", "确认上报", [noteField("note", "备注（可不填）")],
      (d) => ({ note: trimmed(d.note) }), done));
  }
  if (mayAct(t, "dismiss")) {
    parts.push(actionForm(t, "dismiss", "忽略", [noteField("reason", "忽略原因", true)],
      (d) => ({ reason: trimmed(d.reason) }), done, "确认忽略"));
  }
  if (mayAct(t, "accept") && mayTakeIt()) parts.push(acceptMineForm(t, done));
  if (mayAct(t, "accept")) parts.push(acceptForm(t, done));
  if (mayAct(t, "resolve")) {
    parts.push(actionForm(t, "resolve", "办结", [noteField("note", "办结说明（报事人可见）", true)],
      (d) => ({ note: trimmed(d.note) }), done, "确认办结"));
  } else if (mayAct(t, "assign") && mayTakeIt()) {
    parts.push(resolveMineForm(t, done));
  }
  if (mayAct(t, "assign")) parts.push(assignForm(t, done));
  if (mayAct(t, "classify")) {
    parts.push(actionForm(t, "classify", "分类", [categoryChoice(t), urgencyChoice(t, true)],
      (d) => ({ category: d.category, urgency: d.urgency }), done, "保存分类"));
  }
  if (mayAct(t, "escalate")) {
    const up = label(LEVEL, nextLevel(t.level));
    parts.push(actionForm(t, "escalate", "上报上级（" + up + "）",
      [noteField("note", "上报说明")], (d) => ({ note: trimmed(d.note) }), done, "确认上报"));
  }
  if (mayAct(t, "reject")) {
    parts.push(actionForm(t, "reject", "不予受理", [noteField("reason", "理由（报事人可见）", true)],
      (d) => ({ reason: trimmed(d.reason) }), done, "确认不予受理"));
  }
  if (mayAct(t, "merge")) parts.push(mergeForm(t, done));
  if (!parts.length) return null;
  return h("section", { class: "card staff-actions", "aria-labelledby": "act-h" },
    h("h2", { id: "act-h" }, "办理"), parts);
}
