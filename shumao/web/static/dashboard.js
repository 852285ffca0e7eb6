// 仪表盘: draws the charts from <script type="application/json" id="dashboard-data"> with
// ECharts (served by the app). Each chart's numbers are also in the table below it, so the
// page is complete without JavaScript; the chart boxes stay hidden until drawn.
"use strict";

(function () {
  const BLUE = "#1f4e79", GREY = "#a6a6a6", ORANGE = "#c55a11", TEAL = "#3a8a84";
  const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  let drawn = [];

  function num(v) { return v === null || v === undefined ? null : Number(v); }
  // a value as staff read it: thousands separators, two decimals as the tables (19,663.90)
  const MONEY = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const AXIS = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });
  function money(v) { return v === null || v === undefined ? "—" : MONEY.format(v); }

  function option(spec) {
    // this period against last year: grey then blue (as the report's charts); parts of a
    // whole (enterprise natures): distinct colours
    const colours = spec.parts ? [BLUE, ORANGE, TEAL] : [GREY, BLUE];
    const horizontal = spec.kind === "hbar";
    const series = spec.series.map((s, i) => ({
      name: s.name,
      type: spec.kind === "line" ? "line" : "bar",
      data: s.data.map(num),
      itemStyle: { color: colours[i % colours.length] },
      lineStyle: spec.kind === "line" && i === 0 ? { type: "dashed" } : undefined,
      symbolSize: 6,
      barMaxWidth: 28,
      // a value label on this period's bars only (parts side by side would collide; the
      // table below gives every value)
      label: spec.kind !== "line" && !spec.parts && i === spec.series.length - 1
        ? { show: true, position: horizontal ? "right" : "top", fontSize: 11, formatter: (p) => money(p.value) }
        : { show: false },
    }));
    const category = { type: "category", data: spec.labels, axisTick: { show: false },
      // every category of a bar chart; months thinned out when they do not fit (a phone)
      axisLabel: { fontSize: 12, interval: spec.kind === "line" ? "auto" : 0, lineHeight: 16, hideOverlap: true } };
    const value = { type: "value", name: "万美元", nameTextStyle: { fontSize: 12 },
      axisLabel: { fontSize: 11, formatter: (v) => AXIS.format(v) }, splitLine: { lineStyle: { color: "#e5e5e5" } } };
    if (horizontal) Object.assign(value, { nameLocation: "middle", nameGap: 26 });
    if (horizontal) category.inverse = true;
    return {
      textStyle: { fontFamily: FONT },
      color: colours,
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: (v) => (v === null ? "—" : money(v) + " 万美元") },
      legend: { top: 0, right: 0, itemWidth: 16, textStyle: { fontSize: 12 } },
      grid: { left: 8, right: horizontal ? 48 : 12, top: 40, bottom: horizontal ? 24 : 4, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: series,
    };
  }

  function draw(root) {
    const source = root.querySelector("#dashboard-data");
    if (!source || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    root.querySelectorAll("[data-chart]").forEach((box) => {
      const spec = data[box.dataset.chart];
      if (!spec || !spec.labels.length) return;
      box.hidden = false;
      const chart = echarts.init(box, null, { renderer: "svg" });
      chart.setOption(option(spec));
      drawn.push(chart);
    });
  }

  function clear() {
    drawn.forEach((c) => c.dispose());
    drawn = [];
  }

  document.addEventListener("DOMContentLoaded", () => draw(document));
  window.addEventListener("resize", () => drawn.forEach((c) => c.resize()));

  // htmx: a new period replaces #dash; redraw there. A bad period (400) or a period without
  // data (422) is a page with its message: show it too, instead of htmx's default of nothing.
  document.addEventListener("htmx:beforeSwap", (e) => {
    const status = e.detail.xhr.status;
    if (status === 400 || status === 422) { e.detail.shouldSwap = true; e.detail.isError = false; }
    if (e.detail.shouldSwap) clear();
  });
  document.addEventListener("htmx:afterSettle", () => {
    const root = document.getElementById("dash");
    if (root) draw(root);
  });
})();
