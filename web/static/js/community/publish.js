// 发布公告 and 发起表决: forms that post into one of the user's rooms, then open that room.
import { api } from "../api.js";
import { field, h, select, showError, statusLine, toast } from "../dom.js";
import { navigate } from "../router.js";
import { session } from "../session.js";
import { ROOM_KIND, label } from "../labels.js";
import { checkbox, dateText, isoToLocal, localToIso, notAllowed, radios, roomHash } from "./common.js";

const MIN_OPTIONS = 2;
const MAX_OPTIONS = 10;

function roomSelect(rooms, selected) {
  const options = rooms.map((r) => [r.id, (r.name || label(ROOM_KIND, r.kind)) + "（" +
    label(ROOM_KIND, r.kind) + "）"]);
  const control = select("room_id", options, selected || (rooms[0] && rooms[0].id));
  control.required = true;
  return field("发布到", control);
}

function page(title, ...children) {
  return h("section", { class: "card cm-form" }, h("h1", {}, title), children);
}

async function submitting(form, status, work) {
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    await work();
  } catch (err) {
    showError(status, err);
    button.disabled = false;
  }
}

function local(form, name) {
  return localToIso(form.elements[name].value);
}

export function noticeForm(params, query) {
  if (!session.mayPublish) return notAllowed("发布公告");
  const rooms = session.rooms;
  if (!rooms.length) return page("发布公告", h("p", { class: "empty" }, "您还没有加入任何群聊"));
  const status = statusLine();
  const requiresAck = checkbox("requires_ack", "需要确认阅读（居民点击「我已阅读」）", false);
  const remind = h("input", { name: "remind_after_hours", type: "number", min: 1, max: 720,
    step: 1, inputmode: "numeric", disabled: true });
  const form = h("form", { class: "stack", "aria-label": "发布公告", novalidate: false },
    roomSelect(rooms, query.room),
    field("标题", h("input", { name: "title", required: true, maxlength: 50 }), "最多 50 字"),
    field("正文", h("textarea", { name: "body", required: true, maxlength: 2000, rows: 6 }),
      "最多 2000 字"),
    requiresAck,
    field("未确认自动提醒（小时后）", remind, "需确认阅读时可选：发布若干小时后提醒仍未确认的住户"),
    h("div", { class: "row" },
      field("定时发布（可选）", h("input", { name: "publish_at", type: "datetime-local" }),
        "留空则立即发布"),
      field("过期时间（可选）", h("input", { name: "expires_at", type: "datetime-local" }),
        "到期后自动取消置顶")),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "发布公告")), status);
  const ack = requiresAck.querySelector("input");
  ack.addEventListener("change", () => { remind.disabled = !ack.checked; });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, status, async () => {
      const roomId = form.elements.room_id.value;
      const body = {
        title: form.elements.title.value.trim(), body: form.elements.body.value.trim(),
        requires_ack: ack.checked,
      };
      const publishAt = local(form, "publish_at");
      const expiresAt = local(form, "expires_at");
      if (publishAt) body.publish_at = publishAt;
      if (expiresAt) body.expires_at = expiresAt;
      if (ack.checked && remind.value) body.remind_after_hours = Number(remind.value);
      const { notice } = await api("POST", "/api/v1/rooms/" + encodeURIComponent(roomId) +
        "/notices", body);
      if (notice.status === "scheduled") toast("公告将于 " + dateText(notice.publish_at) + " 发布");
      navigate(roomHash(roomId));
    });
  });
  return page("发布公告", form);
}

function optionRows(list, count) {
  const rows = [];
  function renumber() {
    rows.forEach((row, n) => {
      row.label.textContent = "选项 " + (n + 1);
      row.remove.setAttribute("aria-label", "删除选项 " + (n + 1));
      row.remove.disabled = rows.length <= MIN_OPTIONS;
    });
    add.disabled = rows.length >= MAX_OPTIONS;
  }
  function addRow(focus) {
    const input = h("input", { name: "option", required: true, maxlength: 50 });
    input.id = "poll-option-" + Math.random().toString(36).slice(2, 8);
    const lab = h("label", { for: input.id });
    const row = { label: lab, input };
    row.remove = h("button", { type: "button", class: "small secondary", onclick: () => {
      const at = rows.indexOf(row);
      rows.splice(at, 1);
      row.el.remove();
      renumber();
      (rows[Math.min(at, rows.length - 1)].input).focus();
    } }, "删除");
    row.el = h("li", { class: "cm-option-row" }, lab, h("div", { class: "cm-option-line" },
      input, row.remove));
    rows.push(row);
    list.append(row.el);
    renumber();
    if (focus) input.focus();
  }
  const add = h("button", { type: "button", class: "secondary", onclick: () => addRow(true) },
    "添加选项");
  for (let n = 0; n < count; n += 1) addRow(false);
  return { add, values: () => rows.map((r) => r.input.value.trim()) };
}

export function pollForm(params, query) {
  if (!session.mayPublish) return notAllowed("发起表决");
  const rooms = session.rooms.filter((r) => r.kind !== "workers");
  if (!rooms.length) return page("发起表决", h("p", { class: "empty" }, "您还没有加入居民群聊"));
  const status = statusLine();
  const list = h("ol", { class: "cm-option-list" });
  const options = optionRows(list, 2);
  const maxChoices = h("input", { name: "max_choices", type: "number", min: 1, max: MAX_OPTIONS,
    step: 1, value: "2", inputmode: "numeric" });
  const maxField = field("最多可选几项", maxChoices);
  const inThreeDays = new Date(Date.now() + 3 * 24 * 3600 * 1000);
  const deadline = h("input", { name: "deadline", type: "datetime-local", required: true,
    value: isoToLocal(inThreeDays), min: isoToLocal(new Date()) });
  const form = h("form", { class: "stack", "aria-label": "发起表决" },
    roomSelect(rooms, query.room),
    field("表决事项", h("textarea", { name: "question", required: true, maxlength: 200, rows: 2 }),
      "例如：是否同意在3栋楼下加装充电桩？"),
    h("fieldset", { class: "cm-options-edit" }, h("legend", {}, "选项（2–10 个）"), list,
      options.add),
    radios("mode", "选择方式", [["single", "单选"], ["multiple", "多选"]], "single"),
    maxField,
    radios("scope", "计票方式", [["member", "每人一票"], ["household", "每户一票"]], "member"),
    checkbox("anonymous", "匿名投票（只公布票数，不显示谁投了什么）", false),
    field("截止时间", deadline, "最长 90 天"),
    radios("results", "结果公布", [["live", "实时公布"], ["after_close", "结束后公布"]], "live"),
    checkbox("allow_change", "允许改票", true),
    field("法定参与率 %（可选）", h("input", { name: "quorum_percent", type: "number", min: 1,
      max: 100, step: 1, inputmode: "numeric" }), "参与率未达到时结果无效"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "发起表决")), status);
  const syncMode = () => {
    const multiple = form.elements.mode.value === "multiple";
    maxField.hidden = !multiple;
    maxChoices.disabled = !multiple;
  };
  form.addEventListener("change", syncMode);
  syncMode();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, status, async () => {
      const roomId = form.elements.room_id.value;
      const texts = options.values();
      if (texts.some((t) => !t)) throw { message: "请填写每个选项，或删除空的选项" };
      const deadlineIso = localToIso(deadline.value);
      if (!deadlineIso) throw { message: "请选择截止时间" };
      const multiple = form.elements.mode.value === "multiple";
      const body = {
        question: form.elements.question.value.trim(), options: texts, multiple,
        anonymous: form.elements.anonymous.checked,
        per_household: form.elements.scope.value === "household",
        deadline: deadlineIso, results: form.elements.results.value,
        allow_change: form.elements.allow_change.checked,
      };
      if (multiple && maxChoices.value) {
        body.max_choices = Math.min(Number(maxChoices.value), texts.length);
      }
      if (form.elements.quorum_percent.value) {
        body.quorum_percent = Number(form.elements.quorum_percent.value);
      }
      await api("POST", "/api/v1/rooms/" + encodeURIComponent(roomId) + "/polls", body);
      navigate(roomHash(roomId));
    });
  });
  return page("发起表决", form);
}
