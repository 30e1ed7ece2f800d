// What one can do with a message: a small sheet of buttons chosen by who is asking.
import { api } from "../api.js";
import { confirmDialog, errorMessage, field, h, toast } from "../dom.js";
import { navigate } from "../router.js";
import { session } from "../session.js";
import { emit } from "../socket.js";
import { isMine, mayEdit, senderIsStaff } from "./message.js";

const MUTE_OPTIONS = [["3600", "1 小时"], ["86400", "1 天"], ["604800", "7 天"]];

function choices(m, room, composer) {
  const mine = isMine(m);
  const mod = room.can_moderate;
  const human = m.kind === "text";
  const list = [];
  if (human) list.push(["回复", () => composer.replyTo(m)]);
  if (mayEdit(m)) list.push(["编辑", () => composer.edit(m)]);
  if (mine || mod) list.push(["删除", () => remove(m, mine)]);
  if (human && mine && !session.isStaff && session.isVerified) list.push(["报事", () => toTicket(m, "把这条消息作为报事提交给网格员？")]);
  if (human && !mine && mod) list.push(["转为工单", () => toTicket(m, "把这条消息转为工单？")]);
  if (human && !mine && !mod) list.push(["举报", () => flag(m)]);
  if (human && !mine && mod && !senderIsStaff(m)) {
    list.push(["禁言", () => mute(m, room)]);
    list.push(["移出群聊", () => removeMember(m, room)]);
  }
  return list;
}

export function openActions(m, room, composer, returnFocus) {
  const list = choices(m, room, composer);
  if (!list.length) return;
  const dialog = h("dialog", { class: "dialog sheet", "aria-label": "消息操作" },
    h("p", { class: "sheet-title" }, m.sender.name + "：" + (m.text || "").slice(0, 40)),
    h("div", { class: "sheet-buttons" }, list.map(([label, fn]) =>
      h("button", { type: "button", class: "secondary", onclick: () => { dialog.close(); fn(); } },
        label))),
    h("button", { type: "button", class: "link", onclick: () => dialog.close() }, "取消"));
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (returnFocus && document.activeElement === document.body) returnFocus.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
}

async function remove(m, mine) {
  const answer = await confirmDialog("删除这条消息？", mine ? null : "删除原因（会记入操作日志）");
  if (answer === null) return;
  try {
    await emit("message:delete", { message_id: m.id, ...(typeof answer === "string" && answer
      ? { reason: answer } : {}) });
  } catch (err) { toast(errorMessage(err)); }
}

async function toTicket(m, question) {
  if (await confirmDialog(question) === null) return;
  try {
    const { ticket } = await api("POST", "/api/v1/tickets", { message_id: m.id });
    toast("已生成报事 #" + ticket.number);
    navigate("#/tickets/" + ticket.id);
  } catch (err) { toast(errorMessage(err)); }
}

async function flag(m) {
  const reason = await confirmDialog("举报这条消息？网格员会处理。", "举报原因");
  if (!reason) return;
  try {
    await api("POST", "/api/v1/messages/" + m.id + "/flag", { reason });
    toast("已举报，感谢反馈");
  } catch (err) { toast(errorMessage(err)); }
}

function mute(m, room) {
  const duration = h("select", { name: "duration" },
    MUTE_OPTIONS.map(([value, label]) => h("option", { value }, label)));
  const reason = h("input", { name: "reason", maxlength: 200 });
  const dialog = h("dialog", { class: "dialog", "aria-label": "禁言" },
    h("form", { method: "dialog" },
      h("p", {}, "禁言 " + m.sender.name),
      field("时长", duration), field("原因", reason),
      h("div", { class: "actions" },
        h("button", { value: "cancel", class: "secondary" }, "取消"),
        h("button", { value: "ok" }, "禁言"))));
  dialog.addEventListener("close", async () => {
    dialog.remove();
    if (dialog.returnValue !== "ok") return;
    const until = new Date(Date.now() + Number(duration.value) * 1000).toISOString();
    try {
      await api("POST", "/api/v1/rooms/" + room.id + "/mutes",
        { user_id: m.sender.id, until, reason: reason.value.trim() });
      toast("已禁言 " + m.sender.name);
    } catch (err) { toast(errorMessage(err)); }
  });
  document.body.append(dialog);
  dialog.showModal();
}

async function removeMember(m, room) {
  const reason = await confirmDialog("把 " + m.sender.name + " 移出本群？", "原因");
  if (reason === null) return;
  try {
    await api("POST", "/api/v1/rooms/" + room.id + "/removals",
      { user_id: m.sender.id, reason: reason || "" });
    toast("已移出 " + m.sender.name);
  } catch (err) { toast(errorMessage(err)); }
}
