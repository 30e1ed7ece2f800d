// #/report 我要报事: a form, or one's own chat message (?message_id=…&room_id=…) as a report.
import { api, query } from "../api.js";
import { field, h, select, showError, statusLine } from "../dom.js";
import { CATEGORIES, URGENCY } from "../labels.js";
import { navigate } from "../router.js";
import { session } from "../session.js";
import { gridNames } from "./tickets.js";

const UNSURE = "";

function categorySelect() {
  return select("category", [[UNSURE, "不确定（由工作人员分类）"],
    ...CATEGORIES.map((c) => [c, c])], UNSURE);
}

/** The message being reported, looked up among the room's latest messages for a preview. */
async function messagePreview(roomId, messageId) {
  if (!roomId) return null;
  try {
    const { messages } = await api("GET", "/api/v1/rooms/" + encodeURIComponent(roomId)
      + "/messages" + query({ limit: 100 }));
    return messages.find((m) => m.id === messageId) || null;
  } catch (err) {
    return null;
  }
}

function fromMessageBox(room, message) {
  const where = room ? room.name : "聊天";
  return h("div", { class: "card from-message", role: "note" },
    h("p", { class: "sub" }, "将把您在「" + where + "」发的这条消息作为报事："),
    message ? h("blockquote", { class: "quoted" }, message.text)
      : h("p", {}, "（消息内容以原消息为准）"),
    h("p", { class: "hint" }, "下面的描述可以不填，默认使用消息原文。"));
}

async function staffFields() {
  // 基层报事: staff choose the grid (workers: their own grids) and may grade urgency.
  const names = await gridNames(session.user.community_id).catch(() => new Map());
  const own = session.isWorker ? session.user.grid_ids : [...names.keys()];
  const grids = own.map((id) => [id, names.get(id) || id]);
  return [
    field("网格", select("grid_id", [["", "不指定"], ...grids], own[0] || "")),
    field("紧急程度", select("urgency", [["", "按类别默认"],
      ...Object.entries(URGENCY)], "")),
  ];
}

const DANGEROUS = ["燃气安全", "消防安全"];

/** 紧急, for residents: someone in danger. Staff grade urgency with the select instead. */
function urgentChoice() {
  const box = h("input", { type: "checkbox", name: "urgency", value: "urgent",
    id: "report-urgent", "aria-describedby": "report-urgent-hint" });
  return h("div", { class: "field" },
    h("label", { class: "choice", for: "report-urgent" }, box, " 紧急"),
    h("small", { id: "report-urgent-hint", class: "hint" }, "有人受伤、被困、起火、燃气泄漏等危险"));
}

/** The emergency numbers, shown at once for gas and fire, and for anything marked 紧急. */
function emergencyBox() {
  const tel = (n) => h("a", { href: "tel:" + n }, n);
  return h("div", { class: "card emergency", role: "alert", hidden: true },
    h("p", {}, h("strong", {}, "如有危险，请先保证人身安全：")),
    h("p", {}, "燃气泄漏请先离开并拨打燃气抢修电话；火警 ", tel("119"), "；急救 ", tel("120"), "。"));
}

function watchDanger(form, box) {
  const sync = () => {
    const data = Object.fromEntries(new FormData(form).entries());
    box.hidden = !(DANGEROUS.includes(data.category) || data.urgency === "urgent");
  };
  form.addEventListener("change", sync);
  sync();
}

function payloadOf(form, messageId) {
  const data = Object.fromEntries(new FormData(form).entries());
  const body = { location: (data.location || "").trim() };
  const description = (data.description || "").trim();
  if (description) body.description = description;
  if (data.category) body.category = data.category;
  if (data.grid_id) body.grid_id = data.grid_id;
  if (data.urgency) body.urgency = data.urgency;
  if (messageId) body.message_id = messageId;
  return body;
}

async function submit(event, form, line, messageId) {
  event.preventDefault();
  const body = payloadOf(form, messageId);
  if (!messageId && !body.description) {
    showError(line, { message: "请填写问题描述" });
    form.elements.description.focus();
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const { ticket } = await api("POST", "/api/v1/tickets", body);
    navigate("#/tickets/" + encodeURIComponent(ticket.id));
  } catch (err) {
    button.disabled = false;
    if (err.code === "conflict" && err.ticket_id) {
      showError(line, err);
      line.append(" ", h("a", { href: "#/tickets/" + encodeURIComponent(err.ticket_id) },
        "查看该报事"));
    } else {
      showError(line, err);
    }
  }
}

export async function renderReport(params, q) {
  const messageId = q.message_id || null;
  const room = q.room_id ? session.rooms.find((r) => r.id === q.room_id) : null;
  const message = messageId ? await messagePreview(q.room_id, messageId) : null;
  const line = statusLine();
  const emergency = emergencyBox();
  const description = h("textarea", { name: "description", rows: 5, maxlength: 1000,
    required: !messageId, placeholder: "例如：3栋2单元楼道灯坏了，晚上很黑" });
  const form = h("form", { class: "card stack report-form", novalidate: true },
    field("问题类别", categorySelect(), "不清楚属于哪类就选“不确定”"),
    field(messageId ? "补充描述（可不填）" : "问题描述", description),
    field("位置", h("input", { name: "location", maxlength: 100, autocomplete: "off",
      placeholder: "例如：3栋2单元门口" }), "楼栋、单元或附近的标志"),
    session.isStaff ? await staffFields() : urgentChoice(),
    emergency,
    h("div", { class: "actions" }, h("button", { type: "submit" }, "提交报事")),
    line);
  watchDanger(form, emergency);
  form.addEventListener("submit", (e) => submit(e, form, line, messageId));
  const staff = session.isStaff;
  return h("section", { class: "report-page" },
    h("div", { class: "page-head" }, h("h1", {}, staff ? "基层报事" : "我要报事"),
      staff ? h("a", { href: "#/staff/tickets" }, "工单看板")
        : h("a", { href: "#/tickets/mine" }, "我的报事")),
    h("p", { class: "sub" }, staff ? "由工作人员直接登记的工单，提交后进入工单看板。"
      : "提交后由网格员受理，办理进度会实时通知您。"),
    messageId ? fromMessageBox(room, message) : null,
    form);
}
