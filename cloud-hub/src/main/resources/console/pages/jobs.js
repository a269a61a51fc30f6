// Jobs and rounds: every federated job with its state; pick one to see its rounds, the live
// progress of its open round (polled every 2 s), its metrics per round as charts, and the round
// digests the ledger anchors.
import { api, onLeave, badge, card, canOperate, chartLib, el, empty, errorBox, fmt, poll, pageStyles, pretty, stateKind, table } from "./widgets.js";

const LIST_MS = 5000;
const LIVE_MS = 2000;

export default {
  id: "jobs",
  title: "Jobs and rounds",
  roles: ["admin", "operator", "auditor"],
  render(root, ctx) {
    pageStyles();
    const wanted = ctx.params && ctx.params[0] ? ctx.params[0] : null;
    const state = { selected: null, charts: {}, metricsKey: null };
    const listBox = el("div", { "data-testid": "jobs-list" }, el("p", { class: "ops-muted", text: "Loading jobs…" }));
    const detail = el("div", { "data-testid": "job-detail" });
    root.replaceChildren(
      el("div", { class: "ops-page" },
        el("h1", { text: "Jobs and rounds" }),
        card("Jobs", listBox),
        detail));

    async function drawList() {
      let jobs;
      try {
        jobs = (await api(ctx, "GET", "/jobs")).jobs;
      } catch (e) {
        listBox.replaceChildren(errorBox("jobs-error", e, "list the jobs"));
        return;
      }
      if (jobs.length === 0) {
        listBox.replaceChildren(empty("jobs-empty", "No jobs yet",
          "Submit a federated job with POST /api/v1/jobs (see docs/rounds.md); it appears here with its rounds."));
        return;
      }
      listBox.replaceChildren(table("jobs-table",
        ["Job", "Kind", "State", { label: "Next round", num: true }, "Model", "Updated"],
        jobs.map(j => el("tr", {
            class: "ops-click" + (state.selected === j.id ? " selected" : ""), "data-testid": "job-row", "data-job": j.id,
            tabindex: 0, onclick: () => select(j.id),
          },
          el("td", { class: "mono", text: j.id }),
          el("td", { text: j.kind || "horizontal" }),
          el("td", {}, badge(j.state, stateKind(j.state))),
          el("td", { class: "num", text: j.nextRound }),
          el("td", { class: "mono", text: j.modelId || "–" }),
          el("td", { text: fmt.time(j.updatedAt) })))));
      if (!state.selected) select(wanted && jobs.some(j => j.id === wanted) ? wanted : jobs[0].id);
    }

    function select(id) {
      state.selected = id;
      history.replaceState(null, "", "#/jobs/" + encodeURIComponent(id));
      listBox.querySelectorAll("tr[data-job]").forEach(tr => tr.classList.toggle("selected", tr.dataset.job === id));
      Object.values(state.charts).forEach(c => c.destroy());
      state.charts = {};
      state.metricsKey = null;
      detail.replaceChildren(el("p", { class: "ops-muted", text: "Loading job " + id + "…" }));
      drawDetail(id);
    }

    async function drawDetail(id) {
      let job, rounds, progress, metrics;
      try {
        [job, rounds, progress, metrics] = await Promise.all([
          api(ctx, "GET", "/jobs/" + id),
          api(ctx, "GET", "/jobs/" + id + "/rounds"),
          api(ctx, "GET", "/jobs/" + id + "/progress"),
          api(ctx, "GET", "/jobs/" + id + "/metrics"),
        ]);
      } catch (e) {
        if (state.selected === id) detail.replaceChildren(errorBox("job-error", e, "load job " + id));
        return;
      }
      if (state.selected !== id) return;
      const live = detail.querySelector("[data-testid=job-live]");
      const sections = {
        head: jobHead(job),
        live: liveRound(progress),
        charts: detail.querySelector("[data-testid=job-charts]") || el("div", { "data-testid": "job-charts" }),
        rounds: roundsTable(rounds.rounds),
        participants: participants(job),
      };
      if (!live) {
        detail.replaceChildren(sections.head, sections.live, sections.charts, sections.rounds, sections.participants);
      } else {
        detail.querySelector("[data-testid=job-head]").replaceWith(sections.head);
        live.replaceWith(sections.live);
        detail.querySelector("[data-testid=job-rounds]").replaceWith(sections.rounds);
        detail.querySelector("[data-testid=job-participants]").replaceWith(sections.participants);
      }
      await drawCharts(sections.charts, metrics);
    }

    function jobHead(j) {
      const actions = [];
      if (canOperate(ctx, "POST", "/jobs/" + j.id + "/cancel") && !["DONE", "FAILED", "CANCELLED"].includes(j.state)) {
        actions.push(el("button", { class: "ops-button danger", "data-testid": "job-cancel", onclick: async ev => {
          if (!window.confirm("Cancel job " + j.id + "? Its open round attempt fails.")) return;
          ev.target.disabled = true;
          try { await api(ctx, "POST", "/jobs/" + j.id + "/cancel", {}); } catch (e) { window.alert(e.message); }
          drawDetail(j.id);
        } }, "Cancel job"));
      }
      const doc = j.document || {};
      return card("Job " + j.id,
        el("dl", { class: "ops-facts", "data-testid": "job-head" },
          el("dt", { text: "State" }), el("dd", {}, badge(j.state, stateKind(j.state)), j.reason ? " " + j.reason : ""),
          el("dt", { text: "Purpose" }), el("dd", { text: doc.purpose || "–" }),
          el("dt", { text: "Model" }), el("dd", { text: (doc.model && doc.model.type) || "–" }),
          el("dt", { text: "Rounds" }), el("dd", { text: (j.nextRound > 0 ? j.nextRound - 1 : 0) + " done of " + (doc.rounds ?? "?") }),
          el("dt", { text: "Secure aggregation" }), el("dd", { text: doc.secureAggregation && doc.secureAggregation.enabled ? "on" : "off" }),
          el("dt", { text: "Published model" }), el("dd", { class: "mono", text: j.modelId || "not yet" }),
          el("dt", { text: "Created" }), el("dd", { text: fmt.time(j.createdAt) })),
        actions.length ? el("div", { class: "ops-actions" }, actions) : null);
    }

    function liveRound(p) {
      const o = p.open;
      if (!o) {
        const text = p.state === "CONSENT" ? "Waiting for the dealers' consent; the first round starts when enough have approved."
          : ["DONE", "FAILED", "CANCELLED"].includes(p.state) ? "The job is over (" + p.state + "); no round is open."
          : "No round attempt is open on this hub right now; the next one starts shortly.";
        return el("div", { "data-testid": "job-live" }, card("Current round", empty("job-live-none", "No open round", text)));
      }
      const n = o.invited.length || 1;
      const declined = Object.keys(o.declined);
      const seg = (count, cls, label) => count > 0
        ? el("div", { class: "ops-seg " + cls, style: { width: (100 * count / n) + "%" }, title: label + ": " + count, text: count }) : null;
      const devices = o.invited.map(d => {
        const st = o.uploaded.includes(d) ? ["uploaded", "ok"] : o.declined[d] ? ["declined", "bad"] : ["waiting", "live"];
        return el("li", { "data-testid": "live-device", "data-device": d, "data-status": st[0] },
          el("span", { class: "mono", text: d }), " ", badge(st[0], st[1]),
          o.declined[d] ? el("span", { class: "ops-muted", text: " " + o.declined[d] }) : null);
      });
      return el("div", { "data-testid": "job-live" }, card("Current round",
        el("p", {},
          el("strong", { "data-testid": "live-round", text: "Round " + o.round }), " attempt " + o.attempt + " · " + o.phase + " · ",
          badge(o.state, "live"), " · deadline ", el("span", { "data-testid": "live-deadline", title: fmt.time(o.deadline), text: fmt.until(o.deadline) }),
          o.secure ? " · secure aggregation (" + o.advertised.length + " advertised, " + o.shared.length + " shared, " + o.unmasked.length + " unmasked)" : ""),
        el("div", { class: "ops-stack", role: "img", "data-testid": "live-bar",
            "aria-label": o.uploaded.length + " of " + o.invited.length + " uploaded, " + declined.length + " declined" },
          seg(o.uploaded.length, "ok", "uploaded"), seg(declined.length, "bad", "declined"), seg(o.waiting.length, "live", "waiting")),
        el("p", { class: "ops-legend" },
          el("span", { "data-testid": "live-counts", text: o.invited.length + " invited · " + o.uploaded.length + " uploaded · "
            + declined.length + " declined · " + o.waiting.length + " waiting" })),
        el("ul", { class: "ops-devices" }, devices)));
    }

    async function drawCharts(box, m) {
      const key = JSON.stringify(m);
      if (key === state.metricsKey) return;
      state.metricsKey = key;
      if (m.rounds.length === 0) {
        Object.values(state.charts).forEach(c => c.destroy());
        state.charts = {};
        box.replaceChildren(card("Metrics per round", empty("metrics-empty", "No metrics yet",
          "Training loss and validation metrics appear here after the first training round completes.")));
        return;
      }
      let Chart;
      try { Chart = await chartLib(ctx); } catch (e) { box.replaceChildren(errorBox("metrics-error", e, "draw the charts")); return; }
      if (!box.querySelector("canvas")) {
        box.replaceChildren(el("div", { class: "ops-charts" },
          card("Loss per round", el("div", { class: "ops-chart" }, el("canvas", { id: "chart-loss", "data-testid": "chart-loss", role: "img", "aria-label": "Training and validation loss per round" }))),
          card("Validation quality per round", el("div", { class: "ops-chart" }, el("canvas", { id: "chart-quality", "data-testid": "chart-quality", role: "img", "aria-label": "Validation AUC, KS and accuracy per round" })))));
      }
      const labels = m.rounds.map(r => "round " + r);
      const ds = (name, label, color) => m.series[name] ? [{ label, data: m.series[name], borderColor: color, backgroundColor: color, spanGaps: true, tension: 0.2 }] : [];
      chart("chart-loss", box, Chart, labels, [...ds("trainLoss", "train loss", "#2563eb"), ...ds("logLoss", "validation log loss", "#dc2626")]);
      chart("chart-quality", box, Chart, labels, [...ds("auc", "validation AUC", "#16a34a"), ...ds("ks", "KS", "#9333ea"), ...ds("accuracy", "accuracy", "#ea580c")]);
      box.dataset.points = String(m.rounds.length);
    }

    function chart(id, box, Chart, labels, datasets) {
      const canvas = box.querySelector("#" + id);
      canvas.dataset.points = String(datasets.reduce((a, d) => a + d.data.filter(v => v !== null).length, 0));
      if (state.charts[id]) {
        state.charts[id].data.labels = labels;
        state.charts[id].data.datasets = datasets;
        state.charts[id].update();
        return;
      }
      state.charts[id] = new Chart(canvas, {
        type: "line",
        data: { labels, datasets },
        options: { animation: false, maintainAspectRatio: false, plugins: { legend: { position: "bottom" } } },
      });
    }

    function roundsTable(rounds) {
      if (rounds.length === 0) {
        return el("div", { "data-testid": "job-rounds" }, card("Rounds", empty("rounds-empty", "No rounds yet",
          "Rounds start once enough participants have consented.")));
      }
      const rows = [];
      for (const r of rounds) {
        const d = r.digest;
        rows.push(el("tr", { "data-testid": "round-row", "data-round": r.round, "data-state": r.state },
          el("td", { class: "num", text: r.round }), el("td", { class: "num", text: r.attempt }), el("td", { text: r.phase }),
          el("td", {}, badge(r.state, stateKind(r.state))),
          el("td", { text: fmt.time(r.startedAt) }), el("td", { text: fmt.time(r.endedAt) }),
          el("td", { class: "num", text: d ? d.participants.length : "–" }),
          el("td", { class: "num", text: d && d.metrics && d.metrics.trainLoss !== undefined ? fmt.num(d.metrics.trainLoss) : "–" }),
          el("td", { class: "num", text: d && d.metrics && d.metrics.auc !== undefined ? fmt.num(d.metrics.auc) : "–" }),
          el("td", {}, d ? el("details", { "data-testid": "round-digest" },
              el("summary", { class: "mono", text: fmt.short(r.aggregateSha256) }),
              el("pre", { class: "ops-pre", text: pretty(d) }))
            : el("span", { class: "ops-muted", text: r.reason || "–" }))));
      }
      return el("div", { "data-testid": "job-rounds" }, card("Rounds",
        table("rounds-table", [{ label: "Round", num: true }, { label: "Attempt", num: true }, "Phase", "State", "Started", "Ended",
          { label: "Participants", num: true }, { label: "Train loss", num: true }, { label: "AUC", num: true }, "Digest (aggregate hash)"], rows)));
    }

    function participants(j) {
      const ps = j.participants || [];
      return el("div", { "data-testid": "job-participants" }, card("Participants and consent", ps.length === 0
        ? empty("participants-empty", "No participants", "The job names no devices or groups that exist.")
        : table("participants-table", ["Device", "Consent", "Reason", "Decided by", "When"], ps.map(p =>
          el("tr", {}, el("td", { class: "mono", text: p.deviceId }),
            el("td", {}, badge(p.consent, p.consent === "approved" ? "ok" : p.consent === "refused" ? "bad" : "warn")),
            el("td", { text: p.reason || "" }), el("td", { text: p.decidedBy || "" }), el("td", { text: fmt.time(p.decidedAt) }))))));
    }

    drawList();
    const stops = [
      poll(root, LIST_MS, drawList),
      poll(root, LIVE_MS, async () => { if (state.selected) await drawDetail(state.selected); }),
    ];
    const stop = () => { stops.forEach(s => s()); Object.values(state.charts).forEach(c => c.destroy()); state.charts = {}; };
    onLeave(ctx, stop);
    return stop;
  },
};
