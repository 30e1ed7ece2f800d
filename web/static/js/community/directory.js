// 办事指南: search the community's service directory; admins manage entries and import a CSV.
import { api, query } from "../api.js";
import { confirmDialog, errorMessage, field, h, replace, select, showError, showOk,
  statusLine, toast } from "../dom.js";
import { session } from "../session.js";
import { DIRECTORY_CATEGORIES, notAllowed } from "./common.js";

const SEARCH_DELAY_MS = 300;

function directoryPath() {
  return "/api/v1/communities/" + encodeURIComponent(session.user.community_id) + "/directory";
}

function telHref(phone) {
  return "tel:" + phone.replace(/[\s-]/g, "");
}

function entryFacts(entry) {
  const facts = [];
  const add = (term, value) => { if (value) facts.push(h("dt", {}, term), h("dd", {}, value)); };
  add("地址", entry.address);
  add("时间", entry.hours);
  if (entry.phone) {
    facts.push(h("dt", {}, "电话"), h("dd", {}, h("a", { href: telHref(entry.phone),
      "aria-label": "拨打 " + entry.name + " 电话 " + entry.phone }, entry.phone)));
  }
  return facts.length ? h("dl", { class: "facts" }, facts) : null;
}

function entryCard(entry, tools) {
  return h("li", { class: "cm-entry", dataset: { entryId: entry.id } },
    h("div", { class: "cm-entry-head" }, h("h2", {}, entry.name),
      h("span", { class: "tag blue" }, entry.category)),
    entry.description ? h("p", { class: "cm-entry-desc" }, entry.description) : null,
    entryFacts(entry), tools || null);
}

function categorySelect(allLabel) {
  const choices = [["", allLabel], ...DIRECTORY_CATEGORIES.map((c) => [c, c])];
  return select("category", choices, "");
}

export function directoryView() {
  if (!session.user.community_id) return notAllowed("办事指南");
  const results = h("ul", { class: "list cm-entries", "aria-label": "办事指南条目" });
  const summary = h("p", { class: "cm-meta", role: "status", "aria-live": "polite" });
  const search = h("input", { name: "q", type: "search", maxlength: 200,
    placeholder: "例如：社保、老年证、法律咨询", autocomplete: "off" });
  const category = categorySelect("全部类别");
  const form = h("form", { class: "cm-search", role: "search", "aria-label": "搜索办事指南" },
    h("div", { class: "row" }, field("搜索", search), field("类别", category),
      h("button", { type: "submit" }, "搜索")));
  let timer = null;
  let latest = 0;

  async function load() {
    clearTimeout(timer);
    const mine = ++latest;
    const q = search.value.trim();
    try {
      const data = await api("GET", directoryPath() + query({ q, category: category.value,
        limit: 50 }));
      if (mine !== latest) return;
      replace(results, data.entries.map((e) => entryCard(e)));
      summary.textContent = data.entries.length
        ? (q ? "找到 " + data.entries.length + " 条相关结果" : "共 " + data.entries.length + " 条")
        : "";
      if (!data.entries.length) {
        results.append(h("li", { class: "empty" }, q ? "没有找到相关服务，换个说法试试" : "暂无条目"));
      }
    } catch (err) {
      if (mine !== latest) return;
      summary.textContent = "";
      replace(results, h("li", { class: "error", role: "alert" }, errorMessage(err)));
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(load, SEARCH_DELAY_MS);
  });
  category.addEventListener("change", load);
  load();
  return h("section", { class: "cm-directory" },
    h("h1", {}, "办事指南"), h("p", { class: "sub" }, "社区各类服务的地点、时间和电话"),
    form, summary, results);
}

// ---- administration ------------------------------------------------------------------------

function entryForm(onSaved) {
  const status = statusLine();
  const category = select("category", DIRECTORY_CATEGORIES.map((c) => [c, c]),
    DIRECTORY_CATEGORIES[0]);
  const heading = h("h2", { tabindex: "-1" }, "新增条目");
  const cancel = h("button", { type: "button", class: "secondary", hidden: true,
    onclick: () => reset() }, "取消编辑");
  const submit = h("button", { type: "submit" }, "保存");
  const form = h("form", { class: "stack", "aria-label": "办事指南条目" },
    h("div", { class: "row" }, field("名称", h("input", { name: "name", required: true,
      maxlength: 50 })), field("类别", category)),
    field("说明", h("textarea", { name: "description", maxlength: 500, rows: 3 })),
    field("地址", h("input", { name: "address", maxlength: 100 })),
    h("div", { class: "row" },
      field("办理时间", h("input", { name: "hours", maxlength: 100 })),
      field("电话", h("input", { name: "phone", maxlength: 30, type: "tel",
        pattern: "[0-9\\- ]*" }), "只能包含数字、“-”和空格")),
    field("关键词", h("input", { name: "keywords", maxlength: 440 }),
      "用逗号或空格分隔，例如：社保，医保，养老保险"),
    h("div", { class: "actions" }, cancel, submit), status);
  let editing = null;

  function reset() {
    editing = null;
    form.reset();
    heading.textContent = "新增条目";
    cancel.hidden = true;
  }

  function edit(entry) {
    editing = entry;
    heading.textContent = "编辑：" + entry.name;
    cancel.hidden = false;
    for (const name of ["name", "category", "description", "address", "hours", "phone"]) {
      form.elements[name].value = entry[name] || "";
    }
    form.elements.keywords.value = (entry.keywords || []).join("，");
    showOk(status, "");
    heading.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const el = form.elements;
    const body = {
      name: el.name.value.trim(), category: el.category.value,
      description: el.description.value.trim(), address: el.address.value.trim(),
      hours: el.hours.value.trim(), phone: el.phone.value.trim(),
      keywords: el.keywords.value.split(/[,，、\s]+/).map((k) => k.trim()).filter(Boolean),
    };
    submit.disabled = true;
    try {
      if (editing) {
        await api("PUT", "/api/v1/directory/" + encodeURIComponent(editing.id), body);
        showOk(status, "已保存：" + body.name);
      } else {
        await api("POST", directoryPath(), body);
        showOk(status, "已新增：" + body.name);
      }
      reset();
      await onSaved();
    } catch (err) {
      showError(status, err);
    } finally {
      submit.disabled = false;
    }
  });
  return { el: h("section", { class: "card" }, heading, form), edit };
}

function importForm(onDone) {
  const status = statusLine();
  const rejected = h("div", { class: "cm-import-result" });
  const file = h("input", { name: "file", type: "file", accept: ".csv,text/csv", required: true });
  const submit = h("button", { type: "submit" }, "导入");
  const form = h("form", { class: "stack", "aria-label": "导入 CSV" },
    field("CSV 文件", file, "表头：name,category,description,address,hours,phone[,keywords]；" +
      "UTF-8 编码；同名条目会被更新；最大 2MB"),
    h("div", { class: "actions" }, submit), status, rejected);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = file.files[0];
    if (!chosen) return;
    submit.disabled = true;
    replace(rejected);
    try {
      const text = await chosen.text();
      const result = await api("POST", directoryPath() + "/import", text);
      showOk(status, "导入完成：新增 " + result.created + " 条，更新 " + result.updated + " 条" +
        (result.rejected.length ? "，" + result.rejected.length + " 行未导入" : ""));
      if (result.rejected.length) {
        replace(rejected, h("h3", {}, "未导入的行"), h("ul", { class: "cm-rejected" },
          result.rejected.map((r) => h("li", {}, "第 " + r.line + " 行：" +
            errorMessage({ message: r.reason })))));
      }
      form.reset();
      await onDone();
    } catch (err) {
      showError(status, err);
    } finally {
      submit.disabled = false;
    }
  });
  return h("section", { class: "card" }, h("h2", {}, "导入 CSV"), form);
}

export function directoryAdminView() {
  if (!session.isAdmin) return notAllowed("办事指南管理");
  const list = h("ul", { class: "list cm-entries", "aria-label": "全部条目" });
  const count = h("p", { class: "cm-meta", role: "status", "aria-live": "polite" });
  const filter = categorySelect("全部类别");

  async function load() {
    try {
      const data = await api("GET", directoryPath() + query({ category: filter.value }));
      count.textContent = "共 " + data.entries.length + " 条";
      replace(list, data.entries.length ? data.entries.map((e) => entryCard(e,
        h("div", { class: "actions" },
          h("button", { type: "button", class: "small secondary",
            "aria-label": "编辑 " + e.name, onclick: () => form.edit(e) }, "编辑"),
          h("button", { type: "button", class: "small secondary",
            "aria-label": "删除 " + e.name, onclick: () => remove(e) }, "删除"))))
        : h("li", { class: "empty" }, "暂无条目"));
    } catch (err) {
      replace(list, h("li", { class: "error", role: "alert" }, errorMessage(err)));
    }
  }

  async function remove(entry) {
    if (!(await confirmDialog("删除「" + entry.name + "」？"))) return;
    try {
      await api("DELETE", "/api/v1/directory/" + encodeURIComponent(entry.id));
      toast("已删除：" + entry.name);
      await load();
    } catch (err) {
      toast(errorMessage(err));
    }
  }

  const form = entryForm(load);
  filter.addEventListener("change", load);
  load();
  return h("section", { class: "cm-directory-admin" },
    h("div", { class: "page-head" }, h("h1", {}, "办事指南管理"),
      h("a", { href: "#/directory" }, "查看居民看到的页面")),
    form.el, importForm(load),
    h("section", {}, h("div", { class: "page-head" }, h("h2", {}, "全部条目"),
      field("按类别筛选", filter)), count, list));
}
