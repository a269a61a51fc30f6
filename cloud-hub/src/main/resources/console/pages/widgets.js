// Helpers shared by the jobs, models, campaigns and ledger pages of the ops console.
// Text from the hub (job ids, entry JSON, device ids, reasons) is only ever inserted with
// textContent, never as HTML, so nothing a device or a job document says can run as script.

/** el("td", {class: "num", "data-testid": "x"}, "text", childNode, ...) */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k === "onclick") e.addEventListener("click", v);
    else if (k === "hidden") e.hidden = true;
    else if (k === "style") Object.assign(e.style, v); // CSSOM, which the console's CSP (style-src 'self') allows
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const SVG = "http://www.w3.org/2000/svg";
export function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === "text") e.textContent = v; else e.setAttribute(k, String(v));
  }
  children.flat().forEach(c => c && e.append(c));
  return e;
}

/** Calls the hub's /api/v1 through the shell (session cookie + CSRF); path is relative to /api/v1. */
export function api(ctx, method, path, body) {
  return ctx.api(method, path, body);
}

/** The error text an operator can act on: the hub's message and its error code. */
export function message(err) {
  if (!err) return "unknown error";
  const code = err.code && err.code !== "error" ? " (" + err.code + ")" : "";
  return (err.message || String(err)) + code;
}

export function errorBox(testid, err, what) {
  return el("div", { class: "ops-error", role: "alert", "data-testid": testid },
    el("strong", { text: what ? "Could not " + what + ": " : "Error: " }), message(err));
}

export function empty(testid, title, text) {
  return el("div", { class: "ops-empty", "data-testid": testid }, el("strong", { text: title }), el("p", { text: text }));
}

export function card(title, ...children) {
  return el("section", { class: "ops-card" }, title ? el("h2", { text: title }) : null, ...children);
}

export function badge(text, kind) {
  return el("span", { class: "ops-badge " + (kind || "neutral"), text });
}

/** A table; columns are labels or {label, num: true}. */
export function table(testid, columns, rows) {
  return el("table", { class: "ops-table", "data-testid": testid },
    el("thead", {}, el("tr", {}, columns.map(c => el("th", { class: c.num ? "num" : null, text: c.label || c })))),
    el("tbody", {}, rows));
}

export const fmt = {
  int: n => (n === null || n === undefined) ? "–" : Number(n).toLocaleString("en-US"),
  num: (n, d = 4) => (n === null || n === undefined || Number.isNaN(n)) ? "–" : Number(n).toFixed(d),
  time: iso => {
    if (!iso) return "–";
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  },
  short: h => !h ? "–" : (h.length > 16 ? h.slice(0, 12) + "…" : h),
  /** "in 12 s", "3 s ago" */
  until: iso => {
    if (!iso) return "–";
    const s = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
    if (s >= 0) return "in " + (s >= 120 ? Math.round(s / 60) + " min" : s + " s");
    return (-s >= 120 ? Math.round(-s / 60) + " min" : -s + " s") + " ago";
  },
};

export function stateKind(state) {
  const s = String(state || "").toUpperCase();
  if (["DONE", "COMPLETED", "UPDATED", "SUCCEEDED", "OK", "VERIFIED"].includes(s)) return "ok";
  if (["FAILED", "CANCELLED", "REFUSED", "ROLLED-BACK"].includes(s)) return "bad";
  if (["PAUSED", "CONSENT", "PENDING"].includes(s)) return "warn";
  return "live";
}

/** Whether the signed-in user may make this call (operators and admins act; auditors only look). */
export function canOperate(ctx, method, path) {
  if (ctx.can) return ctx.can(method, path);
  const role = ctx.me && ctx.me.role;
  return role === "admin" || role === "operator";
}

/** Stops the page's timers when the shell leaves the page (and, failing that, when root leaves the document). */
export function onLeave(ctx, fn) {
  if (ctx.onLeave) ctx.onLeave(fn);
}

/**
 * Repeats fn every ms while root is in the document (so a page left behind stops polling by
 * itself); returns a stop function. fn's errors are passed to onError and polling goes on.
 */
export function poll(root, ms, fn, onError) {
  let timer = null;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    if (!root.isConnected) { stopped = true; return; }
    try { await fn(); } catch (e) { if (onError) onError(e); }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  timer = setTimeout(tick, ms);
  return () => { stopped = true; clearTimeout(timer); };
}

let chartLoading = null;
/** Chart.js (from its WebJar, loaded by the shell or here once). */
export function chartLib(ctx) {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!chartLoading) {
    chartLoading = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = (ctx && ctx.chartJsUrl) || "/console/vendor/chart.umd.js";
      s.onload = () => resolve(window.Chart);
      s.onerror = () => { chartLoading = null; reject(new Error("the chart library did not load from " + s.src)); };
      document.head.append(s);
    });
  }
  return chartLoading;
}

let cssAdded = false;
/** The pages' own stylesheet, added once. */
export function pageStyles() {
  if (cssAdded) return;
  cssAdded = true;
  document.head.append(el("link", { rel: "stylesheet", href: new URL("./pages.css", import.meta.url).href }));
}

export function pretty(json) {
  try { return JSON.stringify(typeof json === "string" ? JSON.parse(json) : json, null, 2); } catch (e) { return String(json); }
}
