// The reviewers' page: ranking, heatmap, map and unit profiles of a scored year, drawn from the year's data
// (/danvan/data/<year>.json, made by danvan_eval.dashboard.site). Moving a weight recomputes, here, what
// scoring.recompose and scoring.classify compute: the composite is the weighted mean of the six area scores
// (a unit lacking an area has none), the level is the first band whose minimum it reaches, the rank is within the
// peer group with ties sharing the best rank. No kernel, nothing fetched from another origin.
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("dv-config").textContent);
  const T = config.texts;
  const lang = config.lang;
  const app = document.getElementById("dv-app");
  const PALETTE = ["#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"];
  const state = { year: null, data: null, group: null, weights: null, search: "", district: "", tab: "ranking",
                  sort: "rank", asc: true, unit: null, measure: "composite", geo: {} };

  function h(tag, attrs, ...children) {
    const svg = ["svg", "path", "g", "title"].includes(tag);
    const el = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.setAttribute("class", v);
      else if (k === "style") Object.assign(el.style, v);
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(el.dataset, v);
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
    return el;
  }
  function fill(text, fields) { return text.replace(/\{(\w+)\}/g, (_, k) => fields[k]); }
  function fmt(x, digits = 1) {
    if (x === null || x === undefined || Number.isNaN(x)) return "—";
    const v = Math.abs(x) < 0.5 * Math.pow(10, -digits) ? 0 : x;
    const [int, dec] = Math.abs(v).toFixed(digits).split(".");
    const sep = lang === "vi" ? "." : ",";
    const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
    const text = dec ? grouped + (lang === "vi" ? "," : ".") + dec : grouped;
    return (v < 0 ? "−" : "") + text;
  }
  function rankText(r) {
    // "3 (đồng hạng)" when another unit of the group has the same rank (equal shown scores)
    if (r.rank === null || r.rank === undefined) return "—";
    return r.tied ? `${r.rank} (${T["label.tied"]})` : String(r.rank);
  }
  function arrow(n) {
    if (n === null || n === undefined) return "—";
    return n === 0 ? "=" : (n > 0 ? "↑" + n : "↓" + (-n));
  }

  // ------------------------------------------------------------------ the computation (scoring.recompose)
  function official() { return state.data.areas.map(a => a.weight); }
  function modified() { return state.weights.some((w, i) => w !== official()[i]); }
  function bandOf(score) {
    if (score === null) return null;
    const shown = Number(score.toFixed(1));  // rated at the precision shown (79,96 reads 80,0), as scoring.classify
    for (const b of state.data.bands) if (shown >= b.min) return b.code;
    return null;
  }
  function computed() {
    // rows of the current group with composite, band and rank for the current weights
    const units = state.data.units.filter(u => u.group === state.group);
    const trial = modified();
    const total = state.weights.reduce((s, w) => s + w, 0);
    const rows = units.map(u => {
      if (!trial) return { u, composite: u.composite, text: u.composite_text, band: u.band, rank: u.rank };
      let composite = null;
      if (total > 0 && u.areas.every(x => x !== null)) {
        let s = 0, t = 0;
        u.areas.forEach((x, i) => { s += x * state.weights[i]; t += state.weights[i]; });
        composite = t > 0 ? s / t : null;
      }
      return { u, composite, text: composite === null ? T["label.insufficient_data"] : fmt(composite), band: bandOf(composite) };
    });
    if (trial) {
      // ranked at the precision shown (83,84 and 83,76 both read 83,8: one rank), as scoring.rank does
      const shown = x => Number(x.toFixed(1));
      const scored = rows.filter(r => r.composite !== null).map(r => shown(r.composite));
      rows.forEach(r => { r.rank = r.composite === null ? null : 1 + scored.filter(c => c > shown(r.composite)).length; });
    }
    rows.forEach(r => { r.tied = r.rank !== null && rows.some(o => o !== r && o.rank === r.rank); });
    rows.forEach(r => { r.shift = (r.rank === null || r.u.rank === null) ? null : r.u.rank - r.rank; });
    return rows;
  }
  function shown(rows) {
    const q = state.search.trim().toLocaleLowerCase(lang);
    return rows.filter(r => (!q || r.u.name.toLocaleLowerCase(lang).includes(q) || r.u.code.includes(q))
                        && (!state.district || r.u.district === state.district));
  }
  function bandLabel(code) {
    const b = state.data.bands.find(b => b.code === code);
    return b ? b.label : T["label.insufficient_data"];
  }
  function bandColour(code) {
    const b = state.data.bands.find(b => b.code === code);
    return b ? b.colour : "#dddddd";
  }

  // ------------------------------------------------------------------ the page
  function header() {
    const years = config.years.slice().reverse().map(y => h("option", { value: y, selected: y === state.year }, y));
    const groups = state.data ? state.data.groups.map(g => h("option", { value: g.id, selected: g.id === state.group },
      `${g.label} (${g.n})`)) : [];
    const other = lang === "vi" ? "en" : "vi";
    return h("header", { class: "dv-header" },
      h("h1", {}, T["dashboard.title"]),
      h("div", { class: "dv-controls" },
        h("label", { class: "dv-year" }, T["page.year"] + " ",
          h("select", { onchange: e => loadYear(+e.target.value) }, years)),
        h("label", { class: "dv-group" }, T["page.group"] + " ",
          h("select", { onchange: e => { state.group = e.target.value; state.district = ""; state.unit = null; draw(); } }, groups)),
        h("a", { class: "dv-lang", href: `?lang=${other}` }, other === "en" ? "English" : "Tiếng Việt"),
        h("a", { class: "dv-widgets", href: "widgets" }, T["page.widgets"]),
        h("button", { class: "dv-print", type: "button", onclick: () => window.print() }, T["page.print"]),
        config.user ? h("a", { class: "dv-signout", href: "logout" }, `${T["page.signout"]} (${config.user})`) : null));
  }

  function weightsPanel() {
    const sliders = state.data.areas.map((a, i) => h("label", { class: `dv-weight dv-weight-${a.id}`, title: a.name },
      h("span", { class: "dv-weight-name" }, a.label),
      h("input", { type: "range", min: 0, max: 3, step: 0.1, value: state.weights[i], "aria-label": a.name,
        disabled: !state.data.recompute,
        oninput: e => { state.weights[i] = +e.target.value; weightsMoved(e.target); } }),
      h("output", { class: "dv-weight-value" }, fmt(state.weights[i]))));
    return h("section", { class: "dv-weights" },
      h("h2", {}, T["dashboard.weights_title"]),
      h("p", { class: "dv-help" }, T["dashboard.weights_help"]),
      h("div", { class: "dv-sliders" }, sliders),
      h("button", { type: "button", class: "dv-weights-reset", onclick: () => { state.weights = official(); draw(); } },
        T["dashboard.weights_reset"]),
      h("p", { class: "dv-weights-status" + (modified() ? " dv-trial" : "") },
        modified() ? T["dashboard.weights_modified"] : T["dashboard.weights_official"]));
  }

  function tabs() {
    const names = [["ranking", T["dashboard.tab_ranking"]], ["areas", T["dashboard.tab_areas"]],
                   ["map", T["page.map"]], ["profile", T["dashboard.tab_profile"]]];
    return h("nav", { class: "dv-tabs", role: "tablist" }, names.map(([id, label]) =>
      h("button", { type: "button", role: "tab", class: "dv-tab-" + id, "aria-selected": String(state.tab === id),
        onclick: () => { state.tab = id; draw(); } }, label)));
  }

  function filters(rows) {
    const districts = [...new Set(rows.map(r => r.u.district).filter(Boolean))].sort();
    return h("div", { class: "dv-filters" },
      h("label", {}, T["page.search"] + " ", h("input", { type: "search", class: "dv-search", value: state.search,
        oninput: e => { state.search = e.target.value; drawBody(); } })),
      districts.length ? h("label", {}, T["page.district"] + " ", h("select", { class: "dv-district",
        onchange: e => { state.district = e.target.value; drawBody(); } },
        h("option", { value: "" }, T["page.all"]),
        districts.map(d => h("option", { value: d, selected: d === state.district }, d)))) : null);
  }

  const COLUMNS = {
    rank: [T["label.rank"], r => rankText(r), r => r.rank ?? Infinity],
    name: [T["label.unit"], r => r.u.name, r => r.u.name],
    composite: [T["label.composite"], r => r.text, r => r.composite === null ? -Infinity : -r.composite],
    band: [T["label.band"], r => bandLabel(r.band), r => r.composite === null ? -Infinity : -r.composite],
    stability: [T["report.level_certainty"], r => r.u.stable_text, r => r.u.stable === null ? Infinity : (r.u.stable ? 1 : 0)],
    interval: [T["page.rank_range"], r => r.u.p05 === null ? "—" : (r.u.p05 === r.u.p95 ? String(r.u.p05)
      : `${r.u.p05}–${r.u.p95}`), r => r.u.p05 ?? Infinity],
    shift: [T["dashboard.rank_shift"], r => arrow(r.shift), r => -(r.shift ?? -Infinity)],
    change: [T["dashboard.composite_change"], r => r.u.change, r => r.u.change],
    rank_change: [T["dashboard.rank_change_year"], r => arrow(r.u.rank_change), r => -(r.u.rank_change ?? -Infinity)],
    on_time: [T["dashboard.on_time"], r => r.u.on_time, r => r.u.on_time],
    report: [T["dashboard.report"], null, null],
  };
  function columns() {
    // trial weights: only what they change; the official intervals and year-on-year changes would mix two worlds
    const trial = modified();
    // the stability of a level is the official level's: with trial weights the level is another one
    const levels = state.data.units.some(u => u.stable !== null);
    return Object.keys(COLUMNS).filter(c => (c !== "stability" || levels) &&
      (trial ? !["stability", "interval", "change", "rank_change"].includes(c) : c !== "shift"));
  }
  function sorted(rows) {
    const key = COLUMNS[state.sort] && COLUMNS[state.sort][2] || COLUMNS.rank[2];
    const dir = state.asc ? 1 : -1;
    return rows.slice().sort((a, b) => {
      const x = key(a), y = key(b);
      const c = typeof x === "string" ? x.localeCompare(y, lang) : (x - y);
      return c !== 0 && !Number.isNaN(c) ? dir * c : a.u.code.localeCompare(b.u.code);
    });
  }

  function rankingTable(rows) {
    if (!state.weights.some(w => w > 0)) return h("p", { class: "dv-notice dv-zero" }, T["dashboard.weights_zero"]);
    const cols = columns();
    if (!cols.includes(state.sort)) state.sort = "rank";
    const head = cols.map(c => h("th", { "data-col": c, scope: "col", class: state.sort === c ? "dv-sorted" : null,
      onclick: COLUMNS[c][2] ? () => { state.asc = state.sort === c ? !state.asc : true; state.sort = c; drawBody(); } : null },
      COLUMNS[c][0], state.sort === c ? (state.asc ? " ▲" : " ▼") : ""));
    const body = sorted(rows).map(r => h("tr", { "data-unit": r.u.code }, cols.map(c => {
      if (c === "report") {
        return h("td", { "data-col": c }, r.u.report ? h("a", { href: r.u.report, target: "_blank", rel: "noopener",
          class: "dv-report-link" }, T["dashboard.open"]) : "—");
      }
      if (c === "name") {
        return h("td", { "data-col": c }, h("a", { href: "#", class: "dv-unit-link",
          onclick: e => { e.preventDefault(); openProfile(r.u.code); } }, r.u.name));
      }
      if (c === "band" && r.band) {
        return h("td", { "data-col": c }, h("span", { class: "dv-band", style: { background: bandColour(r.band) } },
          bandLabel(r.band)));
      }
      const missing = (c === "composite" || c === "band") && r.composite === null;
      return h("td", { "data-col": c, class: missing ? "dv-missing" : null }, COLUMNS[c][1](r));
    })));
    return h("div", { class: "dv-scroll" }, h("table", { class: "dv-table dv-ranking", "data-year": state.year,
      "data-group": state.group }, h("thead", {}, h("tr", {}, head)), h("tbody", {}, body)));
  }

  function downloads() {
    const w = state.data.areas.map((a, i) => `${a.id}:${state.weights[i]}`).join(",");
    const q = new URLSearchParams({ lang, sort: state.sort === "name" ? "name" : state.sort, order: state.asc ? "asc" : "desc", w });
    const base = `danvan/export/${state.year}/${state.group}`;
    return h("p", { class: "dv-downloads" },
      h("a", { class: "dv-download dv-download-csv", href: `${base}.csv?${q}` }, "⬇ " + T["dashboard.download_csv"]), " ",
      h("a", { class: "dv-download dv-download-xlsx", href: `${base}.xlsx?${q}` }, "⬇ " + T["dashboard.download_excel"]));
  }

  function summary(rows) {
    const g = state.data.groups.find(g => g.id === state.group);
    const ranked = rows.filter(r => r.rank !== null).length;
    return h("p", { class: "dv-summary" }, fill(T["page.summary"], { year: state.year, group: g ? g.label : "",
      n: rows.length, ranked, shown: shown(rows).length }));
  }

  // ------------------------------------------------------------------ colours of values (colour-blind safe)
  function scale(values) {
    const v = values.filter(x => x !== null);
    const lo = Math.floor(Math.min(...v)), hi = Math.ceil(Math.max(...v));
    return { lo, hi, colour: x => x === null ? "#e0e0e0" : PALETTE[Math.max(0, Math.min(PALETTE.length - 1,
      Math.floor((x - lo) / Math.max(hi - lo, 1e-9) * PALETTE.length)))] };
  }
  function ink(colour) { return ["#a0da39", "#fde725", "#4ac16d", "#e0e0e0"].includes(colour) ? "#000" : "#fff"; }
  function legend(sc) {
    const step = (sc.hi - sc.lo) / PALETTE.length;
    return h("div", { class: "dv-legend" }, h("span", {}, T["page.heat_legend"] + " "), PALETTE.map((c, i) =>
      h("span", { class: "dv-swatch", style: { background: c, color: ink(c) } }, fmt(sc.lo + i * step, 0))));
  }

  function heatmap(rows) {
    const areas = state.data.areas;
    const sc = scale(rows.flatMap(r => r.u.areas));
    const ordered = sorted(rows.map(r => r)).slice().sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9)
      || a.u.name.localeCompare(b.u.name, lang));
    const groups = state.district ? [[state.district, ordered]] : groupBy(ordered);
    return h("div", { class: "dv-scroll" }, legend(sc), h("table", { class: "dv-table dv-heatmap" },
      h("thead", {}, h("tr", {}, h("th", {}, T["label.rank"]), h("th", {}, T["label.unit"]),
        areas.map(a => h("th", { title: a.name }, a.label)), h("th", {}, T["label.composite"]))),
      groups.map(([title, rs]) => h("tbody", {},
        title ? h("tr", { class: "dv-heat-group" }, h("th", { colspan: areas.length + 3 }, title)) : null,
        rs.map(r => h("tr", { "data-unit": r.u.code }, h("td", {}, rankText(r)), h("td", {}, r.u.name),
          r.u.areas.map(x => { const c = sc.colour(x); return h("td", { class: "dv-heat", style: { background: c, color: ink(c) } }, fmt(x)); }),
          h("td", {}, r.text)))))));
  }
  function groupBy(rows) {
    const districts = [...new Set(rows.map(r => r.u.district))];
    if (districts.length <= 1) return [[null, rows]];
    return districts.sort().map(d => [d || "—", rows.filter(r => r.u.district === d)]);
  }

  // ------------------------------------------------------------------ the map
  async function geo(layer) {
    if (!state.geo[layer]) {
      const r = await fetch(`danvan/geo/${layer}.json?lang=${lang}`, { credentials: "same-origin" });
      if (!r.ok) throw new Error(r.status);
      state.geo[layer] = await r.json();
    }
    return state.geo[layer];
  }
  function mapView(rows) {
    const box = h("div", { class: "dv-map" });
    const layer = state.data.map;
    const inGroup = new Map(rows.map(r => [r.u.code, r]));
    const measures = [["composite", T["label.composite"]], ["band", T["label.band"]],
                      ...state.data.areas.map((a, i) => ["area" + i, a.label])];
    box.append(h("label", {}, T["page.map_measure"] + " ", h("select", { class: "dv-map-measure",
      onchange: e => { state.measure = e.target.value; drawBody(); } },
      measures.map(([id, label]) => h("option", { value: id, selected: id === state.measure }, label)))));
    if (!layer || ![...inGroup.keys()].length) { box.append(h("p", { class: "dv-notice" }, T["page.map_none"])); return box; }
    geo(layer).then(g => {
      const value = r => state.measure === "composite" ? r.composite
        : state.measure === "band" ? null : r.u.areas[+state.measure.slice(4)];
      // the colours span the official values: moving a weight recolours the map against a steady legend
      const reference = state.measure === "composite" ? rows.map(r => r.u.composite) : rows.map(value);
      const sc = state.measure === "band" ? null : scale(reference);
      const shapes = g.shapes.filter(s => inGroup.has(s.code));
      if (!shapes.length) { box.append(h("p", { class: "dv-notice" }, T["page.map_none"])); return; }
      const svg = h("svg", { class: "dv-map-svg", viewBox: `0 0 ${g.width} ${g.height}`, role: "img",
        "aria-label": T["page.map"] }, g.shapes.map(s => {
        const r = inGroup.get(s.code);
        const colour = !r ? "#f2f2f2" : state.measure === "band" ? bandColour(r.band) : sc.colour(value(r));
        const label = r ? `${r.u.name}: ${state.measure === "band" ? bandLabel(r.band) : fmt(value(r))}` : s.name;
        return h("path", { d: s.d, fill: colour, "data-unit": s.code, class: r ? "dv-shape" : "dv-shape dv-shape-out",
          onclick: r ? () => openProfile(s.code) : null }, h("title", {}, label));
      }));
      box.append(sc ? legend(sc) : h("div", { class: "dv-legend" }, state.data.bands.map(b =>
        h("span", { class: "dv-swatch", style: { background: b.colour } }, b.label))), svg,
        h("p", { class: "dv-credit" }, g.credit));
    }).catch(() => box.append(h("p", { class: "dv-notice" }, T["page.busy"])));
    return box;
  }

  // ------------------------------------------------------------------ a unit's profile
  function openProfile(code) { state.unit = code; state.tab = "profile"; draw(); }
  function mean(xs) {
    // the group statistic of every report (comparison.STATISTIC): the mean of the scored units
    const v = xs.filter(x => x !== null);
    return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
  }
  function profile(rows) {
    const unitSelect = h("select", { class: "dv-profile-unit", onchange: e => { state.unit = e.target.value; drawBody(); } },
      rows.slice().sort((a, b) => a.u.name.localeCompare(b.u.name, lang)).map(r =>
        h("option", { value: r.u.code, selected: r.u.code === state.unit }, r.u.name)));
    const r = rows.find(r => r.u.code === state.unit) || rows[0];
    if (!r) return h("div", {});
    state.unit = r.u.code;
    const areas = state.data.areas;
    const medians = areas.map((a, i) => mean(rows.map(x => x.u.areas[i])));
    const gaps = areas.map((a, i) => r.u.areas[i] === null || medians[i] === null ? null : r.u.areas[i] - medians[i]);
    const present = gaps.map((g, i) => [g, i]).filter(([g]) => g !== null).sort((a, b) => b[0] - a[0]);
    const strong = present.length ? areas[present[0][1]].label : "—";
    const weak = present.length ? areas[present[present.length - 1][1]].label : "—";
    const n = rows.filter(x => x.rank !== null).length;
    const bars = h("table", { class: "dv-bars" }, areas.map((a, i) => h("tr", {},
      h("th", { scope: "row", title: a.name }, a.label),
      h("td", { class: "dv-bar-cell" }, h("span", { class: "dv-bar", style: { width: `${r.u.areas[i] ?? 0}%` } }),
        medians[i] === null ? null : h("span", { class: "dv-median", style: { left: `${medians[i]}%` }, title: T["page.median"] })),
      h("td", { class: "dv-num" }, fmt(r.u.areas[i])), h("td", { class: "dv-num dv-muted" }, fmt(medians[i])))));
    const values = state.data.values[r.u.code] || [];
    const indicators = h("table", { class: "dv-table dv-indicators" },
      h("thead", {}, h("tr", {}, [T["label.area"], T["label.indicator"], T["label.raw"], T["label.score"],
        T["label.status"], T["label.clause"]].map(t => h("th", {}, t)))),
      h("tbody", {}, state.data.indicators.map((ind, k) => {
        const v = values[k];
        if (!v) return null;
        const area = areas.find(a => a.id === ind.area);
        return h("tr", { "data-indicator": ind.id, class: "dv-status-" + v[3] }, h("td", {}, area ? area.label : ind.area),
          h("td", {}, ind.label), h("td", { class: "dv-num" }, v[0]), h("td", { class: "dv-num" }, fmt(v[1])),
          h("td", {}, v[2]), h("td", {}, ind.clause));
      })));
    return h("section", { class: `dv-profile dv-shows-${r.u.code}` },
      h("label", {}, T["label.unit"] + " ", unitSelect),
      h("div", { class: "dv-profile-header" }, h("h2", {}, r.u.name),
        h("p", {}, fill(T["page.rank_of"], { rank: r.rank ?? "—", n }) + (r.tied ? ` (${T["label.tied"]})` : ""), " · ", T["label.composite"], ": ", r.text,
          " · ", h("span", { class: "dv-band", style: { background: bandColour(r.band) } }, bandLabel(r.band))),
        h("p", { class: "dv-strength" }, fill(T["page.strong"], { area: strong }), " · ", fill(T["page.weak"], { area: weak })),
        (r.u.figures || []).map(t => h("p", { class: "dv-figure" }, "⚠ " + t))),
      bars,
      r.u.trend.length ? h("p", { class: "dv-trend" }, T["page.trend"] + ": ",
        r.u.trend.map(([y, c]) => `${y}: ${fmt(c)}`).join(" · ")) : null,
      r.u.report ? h("p", {}, h("a", { href: r.u.report, target: "_blank", rel: "noopener" }, T["dashboard.open_report"]))
        : h("p", { class: "dv-muted" }, T["dashboard.no_report"]),
      h("h3", {}, T["dashboard.indicators_title"]), indicators);
  }

  // ------------------------------------------------------------------ drawing
  let body = null;
  function drawBody() {
    const rows = computed();
    const view = shown(rows);
    const content = state.tab === "ranking" ? [filters(rows), summary(rows), rankingTable(view), downloads()]
      : state.tab === "areas" ? [filters(rows), heatmap(view)]
      : state.tab === "map" ? [mapView(rows)]
      : [profile(rows)];
    body.replaceChildren(...content.filter(Boolean));
    const focused = body.querySelector(".dv-search");
    if (focused && document.activeElement && document.activeElement.classList.contains("dv-search")) focused.focus();
  }
  function weightsMoved(slider) {
    // the slider being dragged stays in place: only its readout, the status and the body are redrawn
    slider.parentNode.querySelector("output").textContent = fmt(+slider.value);
    const status = app.querySelector(".dv-weights-status");
    status.textContent = modified() ? T["dashboard.weights_modified"] : T["dashboard.weights_official"];
    status.classList.toggle("dv-trial", modified());
    drawBody();
  }
  function draw() {
    body = h("main", { class: "dv-body dv-tab-" + state.tab });
    // a year made from synthetic data says so above everything else
    const banner = state.data.synthetic ? h("p", { class: "dv-synthetic", role: "alert" }, "⚠ " + T["synthetic.banner"]) : null;
    app.replaceChildren(...[banner, header(), weightsPanel(), tabs(), body].filter(Boolean));
    drawBody();
    app.setAttribute("aria-busy", "false");
  }
  function busy(message) {
    app.replaceChildren(header(), h("p", { class: "dv-notice dv-busy", role: "alert" }, message,
      " ", h("button", { type: "button", onclick: () => loadYear(state.year) }, "↻")));
    app.setAttribute("aria-busy", "false");
  }
  async function loadYear(year) {
    state.year = year;
    let response;
    try {
      response = await fetch(`danvan/data/${year}.json?lang=${lang}`, { credentials: "same-origin" });
    } catch (e) { busy(T["page.busy"]); return; }
    if (response.status === 401 || response.status === 403 || response.redirected) { location.reload(); return; }
    if (!response.ok) { busy(T["page.busy"]); return; }
    state.data = await response.json();
    if (!state.data.groups.some(g => g.id === state.group)) state.group = state.data.groups[0] && state.data.groups[0].id;
    state.weights = official();
    state.unit = null;
    if (!state.data.units.some(u => u.district === state.district)) state.district = "";
    draw();
  }
  if (!config.years.length) { app.replaceChildren(h("p", { class: "dv-notice" }, T["page.no_outputs"])); return; }
  loadYear(config.years[config.years.length - 1]);
})();
