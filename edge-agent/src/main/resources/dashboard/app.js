// The dealer dashboard: one page per section (#status, #datasets, #jobs, #training, #updates,
// #receipts), each drawn from the agent's JSON API. Stable data-testid attributes on rows and
// buttons are the browser tests' handles.
"use strict";
const { api, el, fmt } = Fedge;
const PAGES = ["status", "datasets", "jobs", "training", "updates", "receipts"];
const state = { page: "status", dataset: null, qOffset: 0, qTotal: 0, timer: null, stream: null, charts: {} };

function pageError(msg) { Fedge.showError("page-error", msg); }
function setText(id, v) { const e = document.getElementById(id); if (e) e.textContent = (v === null || v === undefined || v === "") ? "–" : String(v); }
function empty(testid, title, ...lines) {
  return el("div", { class: "empty", "data-testid": testid }, el("strong", { text: title }), ...lines.map(l => el("div", {}, l)));
}
function table(testid, headers, rows) {
  const thead = el("thead", {}, el("tr", {}, ...headers.map(h => el("th", { scope: "col", class: h.num ? "num" : null, text: h.label || h }))));
  return el("table", { "data-testid": testid }, thead, el("tbody", {}, ...rows));
}

// ------------------------------------------------------------------ navigation
function show(page) {
  if (!PAGES.includes(page)) page = "status";
  state.page = page;
  for (const p of PAGES) document.getElementById("page-" + p).hidden = (p !== page);
  for (const a of document.querySelectorAll("nav.side a")) {
    if (a.dataset.page === page) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  pageError("");
  refresh(false);
  if (page === "training") { loadCharts().catch(e => pageError(e.message)); openStream(); } else closeStream();
}
window.addEventListener("hashchange", () => show(location.hash.slice(1)));

async function refresh(background) {
  try {
    const status = await api("/api/status", { background });
    drawTopbar(status);
    const pending = await api("/api/consents", { background });
    drawJobsCount(pending);
    if (state.page === "status") drawStatus(status);
    else if (state.page === "datasets") await drawDatasets(background);
    else if (state.page === "jobs") await drawJobs(pending, background);
    else if (state.page === "updates") await drawUpdates(background);
    else if (state.page === "receipts") await drawReceipts(background);
    document.body.dataset.loaded = state.page;
  } catch (e) {
    if (e.message !== "session ended") pageError(e.message);
  }
}

// ------------------------------------------------------------------ status
const HINTS = {
  CONNECTED: "All good: this appliance is enrolled and talking to the hub.",
  CONNECTING: "Connecting to the hub… messages are kept safely on this appliance until it answers.",
  DISCONNECTED: "Not connected to the hub. Messages are kept on this appliance until the connection is back.",
  REFUSED: "The hub refuses this appliance. Contact your Fedge operator.",
  ENROLLING: "Enrolling with the hub. This takes a moment at first start; the dashboard works meanwhile.",
};
function connectionLabel(s) {
  if (s.identity === "ENROLLMENT_REFUSED" || s.identity === "REVOKED") return s.identity;
  if (s.identity === "ENROLLING" || s.identity === "UNENROLLED" || !s.deviceId) return "ENROLLING";
  return s.connection;
}
function drawTopbar(s) { setText("top-device", s.deviceId || "not enrolled yet"); }
function drawStatus(s) {
  const label = connectionLabel(s);
  const conn = document.getElementById("conn");
  conn.textContent = label.replace("_", " ").toLowerCase();
  conn.className = "badge " + (label === "CONNECTED" ? "ok" : ["REFUSED", "REVOKED", "ENROLLMENT_REFUSED"].includes(label) || s.bootStage === "FAILED" ? "bad" : "warn");
  setText("hint", s.bootError || s.identityError || HINTS[label] || "");
  setText("s-deviceId", s.deviceId || "not enrolled yet");
  setText("s-certNotAfter", s.certNotAfter ? fmt.time(s.certNotAfter) : "no certificate yet");
  setText("s-version", s.version);
  setText("s-outboxDepth", fmt.int(s.outboxDepth));
  setText("s-bootStage", s.bootStage);
  setText("s-identity", s.identity);
  setText("s-group", s.group);
  setText("s-hub", s.hub);
  setText("s-renewAfter", s.renewAfter ? fmt.time(s.renewAfter) : null);
  setText("s-uptime", fmt.duration(s.uptimeSeconds));
  setText("s-memory", fmt.bytes(s.heapUsedBytes) + " heap, " + fmt.bytes(s.rssBytes) + " resident");
}

// ------------------------------------------------------------------ datasets
async function drawDatasets(background) {
  const r = await api("/api/datasets", { background });
  const box = document.getElementById("datasets-body");
  if (r.datasets.length === 0) {
    box.replaceChildren(r.dropFolder
      ? empty("datasets-empty", "No datasets yet", "Drop a CSV or JSONL file into ", el("code", { text: r.dropFolder }), " and it appears here within seconds.")
      : empty("datasets-empty", "No datasets yet", "No data source is set up on this appliance. Your Fedge installer sets up the drop folder, database or machine connections."));
    document.getElementById("dataset-detail").hidden = true;
    return;
  }
  const rows = r.datasets.map(d => {
    const progress = d.ingest ? ingestBar(d.ingest) : el("span", { class: "help", text: "idle" });
    const tr = el("tr", { "data-testid": "dataset-row", "data-dataset": d.name, class: d.name === state.dataset ? "selected" : null },
      el("th", { scope: "row" }, el("button", { type: "button", class: "linklike", "data-testid": "dataset-open", "data-dataset": d.name, text: d.name })),
      el("td", { class: "num", "data-testid": "dataset-row-count", text: fmt.int(d.rowCount) }),
      el("td", { class: "num", "data-testid": "dataset-quarantine-count", text: fmt.int(d.quarantineCount) }),
      el("td", { text: d.schema.length + " columns" }),
      el("td", { text: fmt.time(d.lastUpdate) }),
      el("td", { class: "mono", title: d.contentHash || "", text: d.contentHash ? d.contentHash.slice(0, 12) + "…" : "–" }),
      el("td", {}, progress));
    return tr;
  });
  box.replaceChildren(el("div", { class: "table-wrap" }, table("datasets-table",
    ["Dataset", { label: "Rows", num: true }, { label: "Quarantined", num: true }, "Schema", "Last update", "Content hash", "Ingest"], rows)));
  for (const b of box.querySelectorAll("button[data-testid=dataset-open]")) {
    b.addEventListener("click", () => { state.dataset = b.dataset.dataset; state.qOffset = 0; drawDatasets(false); });
  }
  const current = r.datasets.find(d => d.name === state.dataset);
  if (current) await drawDatasetDetail(current, background);
  else document.getElementById("dataset-detail").hidden = true;
}

function ingestBar(p) {
  const pct = p.totalBytes > 0 ? Math.min(100, 100 * p.bytesDone / p.totalBytes) : null;
  const bar = el("progress", { max: 100, "data-testid": "ingest-progress", "aria-label": "Ingest of " + p.source });
  if (pct !== null) bar.value = pct;
  return el("div", {},
    el("div", { class: "progress-label" }, el("span", { text: p.source }), el("span", { text: (pct !== null ? pct.toFixed(0) + " % · " : "") + fmt.int(Math.round(p.rowsPerSecond)) + " rows/s" })),
    bar);
}

async function drawDatasetDetail(d, background) {
  const name = encodeURIComponent(d.name);
  document.getElementById("dataset-detail").hidden = false;
  setText("dataset-detail-title", d.name);
  document.getElementById("schema-rows").replaceChildren(...d.schema.map(c =>
    el("tr", { "data-testid": "schema-column", "data-column": c.name }, el("td", { class: "mono", text: c.name }), el("td", { text: c.type }))));
  const recent = await api("/api/datasets/" + name + "/rows?limit=20", { background });
  document.getElementById("recent-rows").replaceChildren(recent.rows.length === 0
    ? empty("recent-rows-empty", "No rows yet")
    : table("recent-rows-table", recent.columns, recent.rows.map(r => el("tr", { "data-testid": "recent-row" }, ...r.map(v => el("td", { text: v }))))));
  const q = await api("/api/datasets/" + name + "/quarantine?offset=" + state.qOffset + "&limit=25", { background });
  state.qTotal = q.total;
  document.getElementById("quarantine").replaceChildren(q.rows.length === 0
    ? empty("quarantine-empty", "Nothing quarantined", "Every row read so far matched the dataset's columns.")
    : table("quarantine-table", ["File", { label: "Line", num: true }, "Reason", "Row as read", "When"], q.rows.map(r =>
        el("tr", { "data-testid": "quarantine-row", "data-line": r.line, "data-file": r.file },
          el("td", { class: "mono", text: r.file }), el("td", { class: "num", text: r.line }), el("td", { text: r.reason }),
          el("td", { class: "mono", text: r.raw }), el("td", { text: fmt.time(r.at) })))));
  setText("quarantine-range", q.total === 0 ? "" : (q.offset + 1) + "–" + (q.offset + q.rows.length) + " of " + fmt.int(q.total));
  document.getElementById("quarantine-prev").disabled = q.offset === 0;
  document.getElementById("quarantine-next").disabled = q.offset + q.rows.length >= q.total;
  const dl = document.getElementById("quarantine-download");
  dl.href = "/api/datasets/" + name + "/quarantine.csv";
  dl.hidden = q.total === 0;
}
document.getElementById("quarantine-prev").addEventListener("click", () => { state.qOffset = Math.max(0, state.qOffset - 25); drawDatasets(false); });
document.getElementById("quarantine-next").addEventListener("click", () => { if (state.qOffset + 25 < state.qTotal) { state.qOffset += 25; drawDatasets(false); } });

// ------------------------------------------------------------------ jobs and consent
function drawJobsCount(pending) {
  const c = document.getElementById("jobs-count");
  c.textContent = pending.length;
  c.hidden = pending.length === 0;
  c.setAttribute("aria-label", pending.length + " waiting");
}

function readsList(reads) {
  return el("ul", { class: "reads" }, ...reads.map(r => el("li", { "data-testid": "consent-dataset", "data-dataset": r.dataset },
    el("strong", { text: r.dataset }), ": ",
    ...r.columns.map(c => el("span", { class: "chip", "data-testid": "consent-column", "data-dataset": r.dataset, "data-column": c, text: c })))));
}

async function drawJobs(pending, background) {
  const box = document.getElementById("pending");
  // Do not redraw under the dealer's hands while a refusal reason is being typed.
  if (box.querySelector(".refuse-form:not([hidden])")) { await drawHistory(background); return; }
  box.replaceChildren(pending.length === 0
    ? empty("jobs-empty", "No job is waiting for you", "When a partner asks to learn from your data, the request appears here with exactly the columns it would read.")
    : el("div", {}, ...pending.map(requestCard)));
  await drawHistory(background);
}

function requestCard(j) {
  const reason = el("textarea", { id: "reason-" + j.jobId, rows: 2, maxlength: 500, "data-testid": "refuse-reason" });
  const err = el("div", { class: "alert error", role: "alert", hidden: true, "data-testid": "decision-error" });
  const approve = el("button", { type: "button", class: "primary", "data-testid": "approve-button", "data-job": j.jobId, text: "Approve these columns" });
  const refuse = el("button", { type: "button", class: "danger", "data-testid": "refuse-button", "data-job": j.jobId, text: "Refuse" });
  const confirm = el("button", { type: "button", class: "danger", "data-testid": "refuse-confirm", "data-job": j.jobId, text: "Refuse with this reason" });
  const form = el("div", { class: "refuse-form", hidden: true },
    el("label", { for: "reason-" + j.jobId, text: "Why do you refuse? The requester sees this." }), reason, el("div", { class: "actions" }, confirm));
  const decide = async (path, body) => {
    err.hidden = true;
    for (const b of [approve, refuse, confirm]) b.disabled = true;
    try { await api(path, { method: "POST", body }); form.hidden = true; await refresh(false); }
    catch (e) { err.textContent = e.message; err.hidden = false; for (const b of [approve, refuse, confirm]) b.disabled = false; }
  };
  approve.addEventListener("click", () => decide("/api/consents/" + encodeURIComponent(j.jobId) + "/approve", {}));
  refuse.addEventListener("click", () => { form.hidden = false; reason.focus(); });
  confirm.addEventListener("click", () => {
    if (!reason.value.trim()) { err.textContent = "Give a reason for the refusal."; err.hidden = false; return; }
    decide("/api/consents/" + encodeURIComponent(j.jobId) + "/refuse", { reason: reason.value.trim() });
  });
  return el("article", { class: "request", "data-testid": "consent-request", "data-job": j.jobId, "aria-label": j.title },
    el("h3", { text: j.title }),
    el("div", { class: "meta", text: "Asked by " + j.requester + " · received " + fmt.time(j.receivedAt) + (j.expiresAt ? " · answer by " + fmt.time(j.expiresAt) : "") }),
    el("p", { text: j.purpose }),
    el("div", { text: "It would read exactly these columns, and nothing else:" }),
    readsList(j.reads), err, el("div", { class: "actions" }, approve, refuse), form);
}

async function drawHistory(background) {
  const h = await api("/api/consents/history", { background });
  document.getElementById("history").replaceChildren(h.length === 0
    ? empty("history-empty", "No decisions yet", "Approvals and refusals are listed here with who decided, when and why.")
    : table("history-table", ["Job", "Decision", "Columns", "Decided by", "When", "Basis", "Reason"], h.map(d =>
        el("tr", { "data-testid": "consent-history-row", "data-job": d.jobId, "data-decision": d.approved ? "approved" : "refused" },
          el("td", { text: d.title || d.jobId }),
          el("td", {}, el("span", { class: "badge " + (d.approved ? "ok" : "bad"), text: d.approved ? "approved" : "refused" })),
          el("td", {}, readsList(d.reads)),
          el("td", { text: d.decidedBy }), el("td", { text: fmt.time(d.decidedAt) }), el("td", { text: d.basis }), el("td", { text: d.reason || "" })))));
}

// ------------------------------------------------------------------ training (SSE)
const training = { events: [] };
function openStream() {
  if (state.stream) return;
  training.events = [];
  const badge = document.getElementById("stream-state");
  const es = new EventSource("/api/training/stream");
  state.stream = es;
  es.onopen = () => { badge.textContent = "live"; badge.className = "badge ok"; drawTraining(); };
  es.onerror = () => { badge.textContent = "reconnecting…"; badge.className = "badge warn"; };
  es.addEventListener("training", m => { training.events.push(JSON.parse(m.data)); drawTraining(); });
  es.addEventListener("session-ended", () => { es.close(); window.location.assign("/login"); });
}
function closeStream() { if (state.stream) { state.stream.close(); state.stream = null; } }

function drawTraining() {
  const summary = document.getElementById("training-summary");
  const evs = training.events;
  document.body.dataset.trainingEvents = evs.length;
  if (evs.length === 0) {
    summary.replaceChildren(empty("training-empty", "No training running", "When you approve a job, its progress appears here live: rounds, loss and quality curves."));
    document.getElementById("charts").hidden = true;
    document.getElementById("metrics-card").hidden = true;
    return;
  }
  const job = evs[evs.length - 1].jobId;
  const mine = evs.filter(e => e.jobId === job);
  const last = mine[mine.length - 1];
  // round 0 scales the features; rounds 1..rounds train. The bar counts finished training rounds.
  const planned = Math.max(0, ...mine.map(e => e.rounds || 0));
  const overall = planned > 0 ? Math.max(0, Math.min(100, 100 * ((last.round - 1) + Math.max(0, last.progress)) / planned)) : null;
  const bar = el("progress", { max: 100, "data-testid": "training-progress", "aria-label": "Training progress of " + job });
  if (overall !== null) bar.value = overall;
  summary.replaceChildren(el("div", { "data-testid": "training-job", "data-job": job },
    el("h2", { text: "Job " + job }),
    el("div", { class: "progress-label" }, el("span", { "data-testid": "training-round-label", text: (last.round === 0 ? "Preparing (feature scaling)" : "Round " + last.round + (planned > 0 ? " of " + planned : "")) + " · " + last.phase }),
      el("span", { text: overall !== null ? overall.toFixed(0) + " %" : "" })), bar));
  // one point per round: the latest event of each round
  const byRound = new Map();
  for (const e of mine) byRound.set(e.round, e);
  const rounds = [...byRound.values()].sort((a, b) => a.round - b.round);
  document.getElementById("charts").hidden = false;
  const finite = v => typeof v === "number" && Number.isFinite(v);
  const trained = rounds.filter(e => e.round > 0);
  drawChart("loss-chart", {
    type: "line",
    data: { datasets: [
      { label: "training loss (federation)", data: trained.filter(e => finite(e.loss)).map(e => ({ x: e.round, y: e.loss })), borderColor: "#1f5fbf", backgroundColor: "#1f5fbf", tension: 0.2 },
      { label: "loss on this appliance's held-out rows", data: trained.filter(e => finite((e.metrics || {}).evalLoss)).map(e => ({ x: e.round, y: e.metrics.evalLoss })), borderColor: "#15803d", backgroundColor: "#15803d", borderDash: [4, 3], tension: 0.2 } ] },
    options: { animation: false, maintainAspectRatio: false, parsing: false, scales: { x: { type: "linear", title: { display: true, text: "round" }, ticks: { precision: 0 } }, y: { title: { display: true, text: "loss" } } }, plugins: { legend: { display: true, position: "bottom" } } },
  });
  // the ROC curve of the latest round's global model, scored on this appliance's own rows
  const withRoc = [...mine].reverse().find(e => e.roc && e.roc.length > 0);
  const auc = withRoc && finite((withRoc.metrics || {}).auc) ? " (AUC " + withRoc.metrics.auc.toFixed(3) + ")" : "";
  drawChart("roc-chart", {
    type: "scatter",
    data: { datasets: [
      { label: withRoc ? "round " + withRoc.round + auc : "ROC", data: withRoc ? withRoc.roc.map(p => ({ x: p.fpr, y: p.tpr })) : [], showLine: true, borderColor: "#c2410c", backgroundColor: "#c2410c", pointRadius: 0 },
      { label: "chance", data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], showLine: true, borderColor: "#9aa5b1", borderDash: [5, 5], pointRadius: 0 } ] },
    options: { animation: false, maintainAspectRatio: false, parsing: false, scales: { x: { min: 0, max: 1, title: { display: true, text: "false positive rate" } }, y: { min: 0, max: 1, title: { display: true, text: "true positive rate" } } } },
  });
  document.getElementById("roc-note").textContent = withRoc
    ? "Round " + withRoc.round + "'s global model scored on " + withRoc.metrics.evalRows + " of this appliance's "
      + (withRoc.metrics.heldOut === 1 ? "rows held out of training" : "training rows (too few rows to hold some out)") + ". Nothing of this leaves the appliance."
    : "Appears when a round ends: its global model is scored on this appliance's own rows.";
  const metricNames = [...new Set(rounds.flatMap(e => Object.keys(e.metrics || {})))].filter(n => n !== "heldOut").sort();
  document.getElementById("metrics-card").hidden = false;
  document.getElementById("metrics").replaceChildren(table("rounds-table", ["Round", { label: "Loss", num: true }, ...metricNames.map(n => ({ label: n, num: true })), "At"],
    rounds.map(e => el("tr", { "data-testid": "training-round", "data-round": e.round },
      el("td", { text: e.round }), el("td", { class: "num", text: fmt.num(e.loss) }),
      ...metricNames.map(n => el("td", { class: "num", text: fmt.num((e.metrics || {})[n]) })), el("td", { text: fmt.time(e.at) })))));
}

// The chart library (Chart.js from its WebJar, ~200 KB) loads only when the training page needs it.
let chartLib = null;
function loadCharts() {
  if (!chartLib) {
    chartLib = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = "/assets/vendor/chart.umd.js";
      s.onload = resolve;
      s.onerror = () => reject(new Error("The chart library did not load; reload the page."));
      document.head.append(s);
    });
  }
  return chartLib;
}

function drawChart(id, config) {
  if (typeof Chart === "undefined") {
    loadCharts().then(() => drawChart(id, config), e => pageError(e.message));
    return;
  }
  const old = state.charts[id];
  if (old) { old.data = config.data; old.update("none"); return; }
  state.charts[id] = new Chart(document.getElementById(id), config);
}

// ------------------------------------------------------------------ updates and receipts
async function drawUpdates(background) {
  const u = await api("/api/updates", { background });
  document.getElementById("updates").replaceChildren(u.length === 0
    ? empty("updates-empty", "No updates yet", "Signed software releases from the hub will be listed here as they arrive, install and are checked.")
    : table("updates-table", ["Version", "State", "When", "Detail"], u.map(x =>
        el("tr", { "data-testid": "update-row", "data-version": x.version }, el("td", { class: "mono", text: x.version }),
          el("td", {}, el("span", { class: "badge " + (x.state === "installed" ? "ok" : x.state === "rolled-back" || x.state === "refused" ? "bad" : "neutral"), text: x.state })),
          el("td", { text: fmt.time(x.at) }), el("td", { text: x.detail || "" })))));
}

async function drawReceipts(background) {
  const r = await api("/api/receipts", { background });
  document.getElementById("receipts").replaceChildren(r.length === 0
    ? empty("receipts-empty", "No receipts yet", "After each training round this appliance takes part in, the hub's ledger receipt is checked and listed here.")
    : table("receipts-table", ["Job", { label: "Round", num: true }, { label: "Ledger entry", num: true }, { label: "Ledger size", num: true }, "Checkpoint root hash", "Checked", "When"], r.map(x =>
        el("tr", { "data-testid": "receipt-row", "data-job": x.jobId, "data-round": x.round },
          el("td", { text: x.jobId }), el("td", { class: "num", text: x.round }), el("td", { class: "num", text: fmt.int(x.leafIndex) }),
          el("td", { class: "num", text: fmt.int(x.treeSize) }),
          el("td", { class: "mono", "data-testid": "receipt-root-hash", title: x.leafHash ? "entry leaf hash " + x.leafHash : "", text: x.rootHash || "—" }),
          el("td", {}, el("span", { class: "badge " + (x.verified ? "ok" : "bad"), text: x.verified ? "verified" : "not verified" })),
          el("td", { text: fmt.time(x.at) })))));
}

// ------------------------------------------------------------------ start
document.getElementById("logout").addEventListener("click", async () => {
  try { await api("/api/logout", { method: "POST", body: {} }); } catch (e) { /* the session is gone either way */ }
  window.location.assign("/login");
});

(async () => {
  try {
    const s = await api("/api/session");
    Fedge.setCsrf(s.csrfToken);
    setText("user", s.username);
  } catch (e) {
    if (e.message !== "session ended") pageError(e.message);
    return;
  }
  show(location.hash.slice(1) || "status");
  state.timer = setInterval(() => { if (!document.hidden && state.page !== "training") refresh(true); }, 4000);
})();
