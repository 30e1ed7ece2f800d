// Log-in, registration with a join code (also from a scanned QR link), and the account page.
import { api } from "./api.js";
import { field, formData, h, showError, showOk, statusLine } from "./dom.js";
import { navigate } from "./router.js";
import { session } from "./session.js";
import { addressText, ROLE, USER_STATUS } from "./labels.js";

let hooks = null;

export function register(options) {
  hooks = options;
  const { route } = options;
  route("/login", loginView);
  route("/register", registerView);
  route("/account", accountView, { guard: () => !!session.user, redirect: "#/login" });
}

function card(title, ...children) {
  return h("section", { class: "card auth" }, h("h1", {}, title), children);
}

function loginView() {
  if (session.user) { navigate("#/"); return null; }
  const status = statusLine();
  const form = h("form", { class: "stack", "aria-label": "登录" },
    field("手机号", h("input", { name: "phone", inputmode: "numeric", autocomplete: "username",
                                 required: true, maxlength: 11 })),
    field("密码", h("input", { name: "password", type: "password",
                              autocomplete: "current-password", required: true })),
    h("button", { type: "submit" }, "登录"), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = formData(form);
    try {
      const result = await api("POST", "/api/v1/auth/login",
        { phone: data.phone.trim(), password: data.password });
      session.save(result.token);
      await hooks.onLoggedIn();
    } catch (err) { showError(status, err); }
  });
  return card("邻里", h("p", { class: "sub" }, "网格议事会 · 社区议事厅"), form,
    h("p", {}, "新住户？", h("a", { href: "#/register" }, "用入户码注册")));
}

function registerView(params, query) {
  const status = statusLine();
  const form = h("form", { class: "stack", "aria-label": "注册" },
    field("入户码", h("input", { name: "join_code", required: true, minlength: 4, maxlength: 16,
      value: query.code || "", autocomplete: "off" }), "网格员发放的入户码，扫码进入会自动填写"),
    field("真实姓名", h("input", { name: "name", required: true, maxlength: 20,
                                   autocomplete: "name" })),
    field("手机号", h("input", { name: "phone", inputmode: "numeric", required: true,
                                 maxlength: 11, autocomplete: "tel" })),
    field("密码", h("input", { name: "password", type: "password", required: true, minlength: 8,
                              autocomplete: "new-password" }), "至少 8 位"),
    h("fieldset", {}, h("legend", {}, "住址"),
      h("div", { class: "row3" },
        field("楼栋", h("input", { name: "building", required: true, maxlength: 20,
                                   placeholder: "例 3" })),
        field("单元", h("input", { name: "unit", maxlength: 20, placeholder: "例 2" })),
        field("门牌号", h("input", { name: "room", required: true, maxlength: 20,
                                     placeholder: "例 701" })))),
    field("身份证号", h("input", { name: "id_card", maxlength: 18, autocomplete: "off" }),
      "选填，只保存加密摘要，用于核验身份"),
    field("身份", h("select", { name: "kind" },
      h("option", { value: "resident" }, "居民"), h("option", { value: "enterprise" }, "企业/商户"))),
    h("button", { type: "submit" }, "注册"), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = formData(form);
    data.phone = data.phone.trim();
    if (!data.id_card) delete data.id_card;
    try {
      await api("POST", "/api/v1/auth/register", data);
    } catch (err) { showError(status, err); return; }
    showOk(status, "已提交，请等待网格员审核");
    try {
      const result = await api("POST", "/api/v1/auth/login",
        { phone: data.phone, password: data.password });
      session.save(result.token);
      await hooks.onLoggedIn();
    } catch (err) {
      // The server answers a number that already has an account as it answers a new one (it
      // does not say who is registered); only logging in tells, and then there is no session.
      if (err.code === "unauthorized") {
        showOk(status, "已提交，请等待网格员审核。若该手机号已有账号，请直接登录");
      } else showError(status, err);
    }
  });
  return card("入户注册", h("p", { class: "sub" }, "注册后由网格员审核，通过后即可进入议事群"),
    form, h("p", {}, h("a", { href: "#/login" }, "已有账号，去登录")));
}

function accountView() {
  const u = session.user;
  const status = statusLine();
  const form = h("form", { class: "stack", "aria-label": "修改密码" },
    field("原密码", h("input", { name: "old_password", type: "password", required: true,
                                 autocomplete: "current-password" })),
    field("新密码", h("input", { name: "new_password", type: "password", required: true,
                                 minlength: 8, autocomplete: "new-password" })),
    h("button", { type: "submit" }, "修改密码"), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", "/api/v1/auth/password", formData(form));
      showOk(status, "密码已修改，请重新登录");
      setTimeout(hooks.onLogout, 1200);
    } catch (err) { showError(status, err); }
  });
  const address = addressText(u.address);
  return h("section", { class: "card" }, h("h1", {}, "我的账号"),
    h("dl", { class: "facts" },
      h("dt", {}, "姓名"), h("dd", {}, u.name),
      h("dt", {}, "手机号"), h("dd", {}, u.phone || ""),
      h("dt", {}, "身份"), h("dd", {}, (ROLE[u.role] || u.role) + (u.party_member ? " · 党员" : "")),
      h("dt", {}, "状态"), h("dd", {}, USER_STATUS[u.status] || u.status),
      address ? [h("dt", {}, "住址"), h("dd", {}, address)] : null),
    h("h2", {}, "修改密码"), form,
    h("button", { type: "button", class: "secondary", onclick: () => hooks.onLogout() }, "退出登录"));
}
