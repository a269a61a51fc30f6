// Shared helpers of the dashboard's pages. Data is only ever inserted with textContent (never as
// HTML), so nothing from a dataset, a job or the hub can run as script.
"use strict";
const Fedge = (() => {
  let csrfToken = null;

  function setCsrf(token) { csrfToken = token; }

  /** fetch with JSON, the CSRF token on writes, and a clear error for the page to show. */
  async function api(path, { method = "GET", body, background = false } = {}) {
    const headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
    if (background) headers["X-Fedge-Background"] = "1";
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin", cache: "no-store" });
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (res.status === 401 && !path.startsWith("/api/login") && !path.startsWith("/api/pair")) {
      window.location.assign("/login");
      throw new Error("session ended");
    }
    if (!res.ok) {
      const err = new Error((data && data.error) || ("The appliance answered " + res.status + "."));
      err.status = res.status; err.data = data;
      throw err;
    }
    return data;
  }

  /** el("td", {class: "num", "data-testid": "x"}, "text", childNode, ...) */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") e.textContent = v;
      else if (k === "hidden") e.hidden = true;
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function showError(id, message) {
    const box = document.getElementById(id);
    box.textContent = message || "";
    box.hidden = !message;
  }

  const fmt = {
    int: n => (n === null || n === undefined) ? "–" : Number(n).toLocaleString("en-US"),
    time: iso => {
      if (!iso) return "–";
      const d = new Date(iso);
      return isNaN(d) ? String(iso) : d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
    },
    duration: s => {
      s = Math.max(0, Math.floor(s || 0));
      const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
      return d > 0 ? d + " d " + h + " h" : h > 0 ? h + " h " + m + " min" : m + " min " + (s % 60) + " s";
    },
    bytes: b => {
      if (b === null || b === undefined || b < 0) return "–";
      const u = ["B", "KB", "MB", "GB", "TB"]; let i = 0; let v = b;
      while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
      return (i === 0 ? v : v.toFixed(1)) + " " + u[i];
    },
    num: (x, digits = 4) => (x === null || x === undefined || Number.isNaN(x)) ? "–" : Number(x).toFixed(digits),
  };

  return { api, el, setCsrf, showError, fmt };
})();
