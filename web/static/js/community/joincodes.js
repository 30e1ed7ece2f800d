// 入户码: workers and admins list, create and revoke a grid's join codes and show one as a big,
// printable QR code that opens the registration page with the code filled in.
import { api, apiImage } from "../api.js";
import { confirmDialog, errorMessage, field, h, replace, select, showError, showOk,
  statusLine } from "../dom.js";
import { onLeave } from "../router.js";
import { session } from "../session.js";
import { dateText, notAllowed } from "./common.js";

function codePath(code) {
  return "/api/v1/admin/join-codes/" + encodeURIComponent(code);
}

function registerLink(code) {
  return location.origin + location.pathname + "#/register?code=" + encodeURIComponent(code);
}

async function managedGrids() {
  const { units } = await api("GET", "/api/v1/units?kind=grid&parent_id=" +
    encodeURIComponent(session.user.community_id));
  const mine = new Set(session.user.grid_ids || []);
  const grids = session.isAdmin ? [...units] : units.filter((u) => mine.has(u.id));
  return grids.sort((a, b) => new Date(a.created_at) - new Date(b.created_at));
}

export async function joinCodesView(params, query) {
  if (!session.moderatesRooms) return notAllowed("入户码");
  const status = statusLine();
  const list = h("ul", { class: "list cm-codes", "aria-label": "入户码列表" });
  const qrBox = h("section", { class: "cm-qr-box", "aria-live": "polite" });
  let objectUrl = null;
  let grids;
  try {
    grids = await managedGrids();
  } catch (err) {
    return h("section", {}, h("h1", {}, "入户码"),
      h("p", { class: "error", role: "alert" }, errorMessage(err)));
  }
  if (!grids.length) {
    return h("section", {}, h("h1", {}, "入户码"), h("p", { class: "empty" }, "没有可管理的网格"));
  }
  const gridSelect = select("grid_id", grids.map((g) => [g.id, g.name]),
    query.grid && grids.some((g) => g.id === query.grid) ? query.grid : grids[0].id);
  const create = h("button", { type: "button", onclick: createCode }, "生成新入户码");

  function gridName(id) {
    const grid = grids.find((g) => g.id === id);
    return grid ? grid.name : "";
  }

  function releaseImage() {
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = null;
  }
  onLeave(releaseImage);

  async function showQr(code) {
    releaseImage();
    replace(qrBox, h("p", { class: "cm-meta" }, "二维码加载中…"));
    try {
      const url = await apiImage(codePath(code.code) + "/qr.svg");
      objectUrl = url;
      const heading = h("h2", { tabindex: "-1" }, "入户码 " + code.code);
      replace(qrBox,
        h("div", { class: "cm-qr-print" },
          h("p", { class: "cm-qr-grid" }, gridName(code.grid_id) + " · 扫码注册"),
          h("img", { class: "cm-qr", src: url, alt: "入户码 " + code.code + " 的二维码" }),
          h("p", { class: "cm-qr-code" }, code.code),
          h("p", { class: "cm-qr-hint" }, "用手机扫码，或在注册页面填写入户码")),
        h("div", { class: "cm-qr-tools" }, heading,
          h("p", { class: "cm-meta cm-link" }, registerLink(code.code)),
          h("div", { class: "actions" },
            h("button", { type: "button", onclick: () => window.print() }, "打印"),
            h("button", { type: "button", class: "secondary", onclick: () => {
              releaseImage();
              replace(qrBox);
            } }, "关闭"))));
      heading.focus();
    } catch (err) {
      replace(qrBox, h("p", { class: "error", role: "alert" }, "二维码加载失败：" +
        errorMessage(err)));
    }
  }

  function codeItem(code) {
    const revoked = !!code.revoked_at;
    return h("li", { class: "cm-code-item" + (revoked ? " cm-revoked" : ""),
      dataset: { code: code.code } },
    h("div", { class: "cm-code-line" },
      h("strong", { class: "cm-code" }, code.code),
      revoked ? h("span", { class: "tag" }, "已撤销") : h("span", { class: "tag green" }, "有效")),
    h("p", { class: "cm-meta" }, "生成于 " + dateText(code.created_at) +
      (revoked ? " · 撤销于 " + dateText(code.revoked_at) : "")),
    revoked ? null : h("div", { class: "actions" },
      h("button", { type: "button", class: "small", onclick: () => showQr(code),
        "aria-label": "显示入户码 " + code.code + " 的二维码" }, "显示二维码"),
      h("button", { type: "button", class: "small secondary", onclick: () => revoke(code),
        "aria-label": "撤销入户码 " + code.code }, "撤销")));
  }

  async function load() {
    try {
      const { join_codes: codes } = await api("GET", "/api/v1/admin/grids/" +
        encodeURIComponent(gridSelect.value) + "/join-codes");
      const ordered = [...codes].sort((a, b) => (a.revoked_at ? 1 : 0) - (b.revoked_at ? 1 : 0) ||
        new Date(b.created_at) - new Date(a.created_at));
      replace(list, ordered.length ? ordered.map(codeItem)
        : h("li", { class: "empty" }, "这个网格还没有入户码"));
    } catch (err) {
      replace(list, h("li", { class: "error", role: "alert" }, errorMessage(err)));
    }
  }

  async function createCode() {
    create.disabled = true;
    try {
      const { join_code: code } = await api("POST", "/api/v1/admin/grids/" +
        encodeURIComponent(gridSelect.value) + "/join-codes");
      showOk(status, "已生成入户码 " + code.code);
      await load();
      await showQr(code);
    } catch (err) {
      showError(status, err);
    } finally {
      create.disabled = false;
    }
  }

  async function revoke(code) {
    if (!(await confirmDialog("撤销入户码 " + code.code + "？撤销后不能再用它注册。"))) return;
    try {
      await api("DELETE", codePath(code.code));
      showOk(status, "已撤销入户码 " + code.code);
      releaseImage();
      replace(qrBox);
      await load();
    } catch (err) {
      showError(status, err);
    }
  }

  gridSelect.addEventListener("change", () => { releaseImage(); replace(qrBox); load(); });
  load();
  return h("section", { class: "cm-join-codes" },
    h("h1", {}, "入户码"),
    h("p", { class: "sub" }, "新住户凭入户码注册，注册后由网格员审核。"),
    h("div", { class: "row" }, field("网格", gridSelect), create), status,
    qrBox, h("h2", {}, "本网格的入户码"), list);
}
