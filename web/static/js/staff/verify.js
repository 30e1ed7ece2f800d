// #/staff/verify 居民审核: pending residents to approve or refuse; verified ones and 党员.
import { api, query } from "../api.js";
import { confirmDialog, field, h, replace, select, showError, showOk, statusLine, toast } from "../dom.js";
import { addressText, label, ROLE, USER_STATUS } from "../labels.js";
import { navigate } from "../router.js";
import { session } from "../session.js";
import { fullTime, gridNames } from "../reports/tickets.js";

const TABS = [["pending", "待审核"], ["verified", "已认证"], ["rejected", "未通过"]];

function tabs(status, grid) {
  return h("nav", { class: "tabs", "aria-label": "审核状态" },
    TABS.map(([value, text]) => h("a", {
      href: "#/staff/verify" + query({ status: value, grid_id: grid }),
      "aria-current": value === status ? "page" : null }, text)));
}

async function decide(person, approve, row, line) {
  let reason = "";
  if (!approve) {
    const answer = await confirmDialog("不通过 " + person.name + " 的认证？", "不通过的原因");
    if (answer === null) return;
    reason = answer;
  }
  try {
    await api("POST", "/api/v1/admin/residents/" + encodeURIComponent(person.id) + "/verify",
      { approve, reason });
    toast((approve ? "已通过：" : "未通过：") + person.name);
    row.remove();
  } catch (err) {
    showError(line, err);
  }
}

async function setParty(person, box, line) {
  box.disabled = true;
  try {
    const { user } = await api("PUT", "/api/v1/admin/residents/" + encodeURIComponent(person.id)
      + "/party-member", { party_member: box.checked });
    showOk(line, user.party_member ? "已设为党员" : "已取消党员");
  } catch (err) {
    box.checked = !box.checked;
    showError(line, err);
  } finally {
    box.disabled = false;
  }
}

function residentRow(person, status, grids) {
  const line = statusLine();
  const row = h("li", { class: "person", dataset: { userId: person.id } },
    h("div", { class: "person-head" },
      h("strong", {}, person.name),
      h("span", { class: "tag" }, label(ROLE, person.role)),
      person.party_member ? h("span", { class: "tag red" }, "党员") : null,
      h("span", { class: "tag blue" }, label(USER_STATUS, person.status))),
    h("dl", { class: "facts" },
      h("dt", {}, "手机号"), h("dd", {}, person.phone),
      h("dt", {}, "住址"), h("dd", {}, addressText(person.address) || "—"),
      h("dt", {}, "网格"), h("dd", {}, person.grid_ids.map((g) => grids.get(g) || g).join("、") || "—"),
      h("dt", {}, "注册时间"), h("dd", {}, fullTime(person.created_at))));
  if (status === "pending") {
    row.append(h("div", { class: "actions" },
      h("button", { type: "button", class: "secondary",
        onclick: () => decide(person, false, row, line) }, "不通过"),
      h("button", { type: "button", onclick: () => decide(person, true, row, line) }, "通过")));
  }
  if (status === "verified" && (session.isWorker || session.isAdmin)) {
    const box = h("input", { type: "checkbox", name: "party_member", checked: person.party_member });
    box.addEventListener("change", () => setParty(person, box, line));
    row.append(h("label", { class: "choice" }, box, " 党员（可发布公告和表决）"));
  }
  row.append(line);
  return row;
}

export async function renderVerify(params, q) {
  const status = TABS.some(([v]) => v === q.status) ? q.status : "pending";
  const grids = await gridNames(session.user.community_id).catch(() => new Map());
  const own = session.isWorker ? session.user.grid_ids : [...grids.keys()];
  const gridSelect = select("grid_id", [["", "全部网格"], ...own.map((g) => [g, grids.get(g) || g])],
    q.grid_id || "");
  gridSelect.addEventListener("change", () =>
    navigate("#/staff/verify" + query({ status, grid_id: gridSelect.value })));
  const list = h("ul", { class: "list people" });
  const line = statusLine();
  try {
    const { residents } = await api("GET", "/api/v1/admin/residents"
      + query({ status, grid_id: q.grid_id }));
    replace(list, residents.map((p) => residentRow(p, status, grids)));
    if (!residents.length) list.append(h("li", { class: "empty" }, "没有" + label(USER_STATUS, status) + "的居民"));
  } catch (err) {
    showError(line, err);
  }
  return h("section", { class: "verify-page" },
    h("div", { class: "page-head" }, h("h1", {}, "居民审核")),
    tabs(status, q.grid_id),
    h("div", { class: "filters row" }, field("网格", gridSelect)),
    line, list);
}
