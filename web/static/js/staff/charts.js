// Horizontal bar charts in SVG, each with a title for assistive technology and a data table.
import { h, s } from "../dom.js";

const BAR = 22;
const GAP = 10;
const LABEL_W = 96;
const WIDTH = 360;
const VALUE_W = 40;

let chartCounter = 0;

/**
 * barChart("按类别", [["电梯设施", 3], …]) → <figure> with an <svg role="img"> and a table.
 * The SVG scales to its container (viewBox); the table is there for screen readers and for
 * anyone who wants the exact numbers (shown with the "显示数据" disclosure).
 */
export function barChart(title, rows, unit = "件") {
  chartCounter += 1;
  const id = "chart" + chartCounter;
  const max = Math.max(1, ...rows.map(([, n]) => n));
  const height = Math.max(1, rows.length) * (BAR + GAP) + GAP;
  const plot = WIDTH - LABEL_W - VALUE_W;
  const summary = rows.map(([name, n]) => name + " " + n + unit).join("，") || "无数据";
  const svg = s("svg", { viewBox: "0 0 " + WIDTH + " " + height, class: "chart", role: "img",
                         "aria-labelledby": id + "-t " + id + "-d", preserveAspectRatio: "xMinYMin meet" },
    s("title", { id: id + "-t" }, title),
    s("desc", { id: id + "-d" }, summary),
    rows.length ? rows.map(([name, n], i) => {
      const y = GAP + i * (BAR + GAP);
      const w = n > 0 ? Math.max(2, (n / max) * plot) : 0;
      return s("g", { class: "bar" },
        s("text", { x: LABEL_W - 6, y: y + BAR / 2, class: "bar-label", "text-anchor": "end",
                    "dominant-baseline": "middle" }, name),
        s("rect", { x: LABEL_W, y, width: w, height: BAR, rx: 3, class: "bar-rect" }),
        s("text", { x: LABEL_W + w + 6, y: y + BAR / 2, class: "bar-value",
                    "dominant-baseline": "middle" }, String(n)));
    }) : s("text", { x: WIDTH / 2, y: height / 2 + 4, "text-anchor": "middle", class: "bar-label" },
      "暂无数据"));
  const table = h("table", { class: "chart-data" },
    h("caption", {}, title),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "项目"), h("th", { scope: "col" }, "数量"))),
    h("tbody", {}, rows.map(([name, n]) =>
      h("tr", {}, h("th", { scope: "row" }, name), h("td", {}, String(n) + " " + unit)))));
  return h("figure", { class: "card chart-card" },
    h("figcaption", {}, h("h2", {}, title)),
    svg,
    h("details", { class: "chart-table" }, h("summary", {}, "显示数据"), table));
}
