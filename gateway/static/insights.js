/* The staff page: one request for the report (/insights/api/report), then a plot per table
 * (ECharts, vendored at setup) with its CSV link, the gap groups and the answers most often
 * marked 没帮助 as tables. Every text comes from users or the documents: set as text, never
 * as HTML. */
(function () {
  "use strict";

  var COLOURS = { "已回答": "#1d6b34", "部分回答": "#c77700", "未覆盖": "#a4161a",
                  "有帮助": "#1d6b34", "没帮助": "#a4161a" };
  var PALETTE = ["#0b5cad", "#c77700", "#1d6b34", "#a4161a", "#6a3d9a", "#4a5360", "#2a9d8f"];
  var statusLine = document.getElementById("status");
  var daysSelect = document.getElementById("days");
  var charts = [];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function short(text, n) { return text.length > n ? text.slice(0, n) + "…" : text; }
  function column(table, name) { return table.columns.indexOf(name); }
  function values(table, name) {
    var i = column(table, name);
    return table.rows.map(function (row) { return row[i]; });
  }
  function colour(name, i) { return COLOURS[name] || PALETTE[i % PALETTE.length]; }

  /* Bars of one or more value columns against a category built from the row. */
  function bars(table, category, series, options) {
    options = options || {};
    var horizontal = options.horizontal;
    var categories = table.rows.map(category);
    var axisCategory = { type: "category", data: categories,
                         axisLabel: { interval: 0, width: horizontal ? 180 : 90, overflow: "truncate" },
                         inverse: !!horizontal };
    var axisValue = { type: "value", minInterval: 1 };
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: horizontal ? 190 : 40, right: 20, top: 30, bottom: horizontal ? 20 : 60 },
      xAxis: horizontal ? axisValue : axisCategory,
      yAxis: horizontal ? axisCategory : axisValue,
      series: series.map(function (name, i) {
        return { name: name, type: "bar", stack: options.stack ? "all" : undefined, barMaxWidth: 40,
                 data: values(table, name), itemStyle: { color: colour(name, i) } };
      })
    };
  }

  var PLOTS = {
    daily: function (t) {
      return bars(t, function (row) { return row[0]; }, ["已回答", "部分回答", "未覆盖"], { stack: true });
    },
    status: function (t) {
      return {
        tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
        legend: { top: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], top: 20, label: { formatter: "{b}\n{d}%" },
                   data: t.rows.map(function (row) {
                     return { name: row[0], value: row[1], itemStyle: { color: colour(row[0]) } };
                   }) }]
      };
    },
    gaps: function (t) {
      var top = { columns: t.columns, rows: t.rows.slice(0, 12) };
      return bars(top, function (row) {
        return "第" + row[0] + "组：" + short(String(row[2]).split("；")[0], 16);
      }, ["提问次数"], { horizontal: true });
    },
    funnel: function (t) {
      var programs = [];
      t.rows.forEach(function (row) { if (programs.indexOf(row[0]) < 0) programs.push(row[0]); });
      var width = 90 / Math.max(programs.length, 1);
      return {
        tooltip: { trigger: "item", formatter: "{a}<br>{b}：{c}" },
        title: programs.map(function (p, i) {
          return { text: p, left: (5 + width * i + width / 2) + "%", textAlign: "center",
                   top: 0, textStyle: { fontSize: 13 } };
        }),
        series: programs.map(function (p, i) {
          return { name: p, type: "funnel", sort: "none", left: (5 + width * i) + "%",
                   width: (width - 4) + "%", top: 30, bottom: 10, minSize: "8%",
                   label: { position: "inside", formatter: "{b} {c}", color: "#fff" },
                   data: t.rows.filter(function (row) { return row[0] === p; })
                     .map(function (row, j) {
                       return { name: row[1], value: row[2], itemStyle: { color: PALETTE[j % PALETTE.length] } };
                     }) };
        })
      };
    },
    questions: function (t) {
      return bars(t, function (row) { return short(row[0], 4) + "·" + row[1]; },
                  ["问到的人次", "在此离开的人次"], { horizontal: true });
    },
    outcomes: function (t) {
      var outcomes = [];
      t.rows.forEach(function (row) { if (outcomes.indexOf(row[2]) < 0) outcomes.push(row[2]); });
      var groups = [];
      t.rows.forEach(function (row) {
        var name = short(row[0], 4) + "·" + row[1];
        if (groups.indexOf(name) < 0) groups.push(name);
      });
      return {
        tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 40, right: 20, top: 30, bottom: 60 },
        xAxis: { type: "category", data: groups, axisLabel: { interval: 0, width: 90, overflow: "truncate" } },
        yAxis: { type: "value", minInterval: 1 },
        series: outcomes.map(function (outcome, i) {
          return { name: outcome, type: "bar", stack: "all", barMaxWidth: 40,
                   itemStyle: { color: PALETTE[i % PALETTE.length] },
                   data: groups.map(function (g) {
                     var row = t.rows.filter(function (r) {
                       return short(r[0], 4) + "·" + r[1] === g && r[2] === outcome;
                     })[0];
                     return row ? row[3] : 0;
                   }) };
        })
      };
    },
    endings: function (t) {
      return bars(t, function (row) { return short(row[0], 4) + "·" + row[1]; }, ["人次"],
                  { horizontal: true });
    },
    feedback_daily: function (t) {
      return bars(t, function (row) { return row[0]; }, ["有帮助", "没帮助"], { stack: true });
    }
  };

  function csvLink(name) {
    return "/insights/api/" + name + ".csv?days=" + encodeURIComponent(daysSelect.value);
  }

  function plot(figure, table) {
    var name = figure.dataset.table;
    figure.innerHTML = "";
    var caption = el("figcaption", null, figure.dataset.title + " ");
    var link = el("a", "csv", "下载 CSV");
    link.href = csvLink(name);
    link.setAttribute("aria-label", "下载“" + figure.dataset.title + "”的 CSV 数据");
    caption.appendChild(link);
    figure.appendChild(caption);
    var box = el("div", "chart");
    box.id = "chart-" + name;
    figure.appendChild(box);
    if (!table.rows.length) {
      box.classList.add("empty");
      box.textContent = "暂无数据";
      return;
    }
    if (!window.echarts) {
      box.classList.add("empty");
      box.textContent = "图表库未安装（make setup 会安装 ECharts），请下载 CSV 查看数据。";
      return;
    }
    var chart = window.echarts.init(box, null, { renderer: "canvas", locale: "ZH" });
    var option = PLOTS[name](table);
    option.aria = { enabled: true };
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
  }

  function showTotals(totals) {
    var list = document.getElementById("totals");
    list.innerHTML = "";
    var share = totals.answered_share == null ? "—" : Math.round(totals.answered_share * 100) + "%";
    [["对话", totals.conversations], ["提问", totals.questions], ["已回答占比", share],
     ["资格评估", totals.assessments], ["得出结论", totals.decided],
     ["反馈", totals.feedback], ["其中没帮助", totals.unhelpful]].forEach(function (pair) {
      var item = el("div", "total");
      item.appendChild(el("dt", null, pair[0]));
      var value = el("dd", null, String(pair[1]));
      value.dataset.total = pair[0];
      item.appendChild(value);
      list.appendChild(item);
    });
  }

  function emptyRow(body, text) {
    var row = el("tr");
    var cell = el("td", "empty", text);
    cell.colSpan = body.parentNode.querySelectorAll("thead th").length;
    row.appendChild(cell);
    body.appendChild(row);
  }

  function showGaps(groups) {
    var body = document.querySelector("#gap-table tbody");
    body.innerHTML = "";
    if (!groups.length) return emptyRow(body, "这段时间内没有未能解答的问题。");
    groups.forEach(function (group) {
      var row = el("tr", "gap");
      row.dataset.group = group.group;
      row.appendChild(el("td", null, String(group.group)));
      row.appendChild(el("td", "count", String(group.count)));
      var examples = el("td");
      var list = el("ul", "examples");
      group.examples.forEach(function (text) { list.appendChild(el("li", null, text)); });
      examples.appendChild(list);
      row.appendChild(examples);
      row.appendChild(el("td", null, Object.keys(group.statuses).map(function (k) {
        return k + " " + group.statuses[k];
      }).join("，")));
      var clause = group.nearest_clause;
      var near = el("td", "clause");
      near.appendChild(el("span", "path", "《" + clause.doc_title + "》" + clause.path));
      near.appendChild(el("blockquote", null, clause.text));
      near.appendChild(el("span", "cid", clause.clause_id + " · 相似度 " + Number(clause.score).toFixed(2)));
      row.appendChild(near);
      body.appendChild(row);
    });
  }

  function showUnhelpful(table) {
    var body = document.querySelector("#unhelpful-table tbody");
    body.innerHTML = "";
    if (!table.rows.length) return emptyRow(body, "这段时间内没有被标为“没帮助”的回答。");
    table.rows.forEach(function (r) {
      var row = el("tr");
      row.appendChild(el("td", "answer", r[0]));
      row.appendChild(el("td", "count", String(r[1])));
      row.appendChild(el("td", "count", String(r[2])));
      row.appendChild(el("td", null, r[3]));
      row.appendChild(el("td", null, r[4]));
      body.appendChild(row);
    });
  }

  function load() {
    statusLine.className = "status";
    statusLine.textContent = "加载中…";
    charts.forEach(function (chart) { chart.dispose(); });
    charts = [];
    fetch("/insights/api/report?days=" + encodeURIComponent(daysSelect.value), {
      credentials: "same-origin"
    }).then(function (response) {
      if (response.status === 401) { location.reload(); throw new Error("登录已过期"); }
      return response.json().catch(function () { return null; }).then(function (body) {
        if (!response.ok) {
          throw new Error(body && body.detail ? body.detail : "加载失败（HTTP " + response.status + "）");
        }
        return body;
      });
    }).then(function (report) {
      showTotals(report.totals);
      document.querySelectorAll("figure.plot").forEach(function (figure) {
        plot(figure, report.tables[figure.dataset.table]);
      });
      showGaps(report.gaps);
      showUnhelpful(report.tables.unhelpful);
      document.querySelectorAll("a[data-csv]").forEach(function (link) {
        link.href = csvLink(link.dataset.csv);
      });
      statusLine.textContent = "最近 " + report.days + " 天，统计至 " + report.generated_at + "。";
      document.body.dataset.loaded = "true";
    }).catch(function (error) {
      statusLine.className = "status error";
      statusLine.textContent = error.message;
    });
  }

  var days = new URLSearchParams(location.search).get("days");
  if (days && daysSelect.querySelector('option[value="' + days.replace(/\D/g, "") + '"]')) {
    daysSelect.value = days;
  }
  daysSelect.addEventListener("change", function () {
    history.replaceState(null, "", "?days=" + daysSelect.value);
    load();
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  load();
})();
