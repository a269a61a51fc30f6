// Model registry: published models grouped by job with their versions, final metrics, lineage
// (the job, the last round and its digest, the devices whose updates went in) and the download of
// the parameters.
import { api, onLeave, badge, card, el, empty, errorBox, fmt, pageStyles, poll, pretty, table } from "./widgets.js";

export default {
  id: "models",
  title: "Model registry",
  roles: ["admin", "operator", "auditor"],
  render(root, ctx) {
    pageStyles();
    const box = el("div", { "data-testid": "models" }, el("p", { class: "ops-muted", text: "Loading models…" }));
    const detail = el("div", { "data-testid": "model-detail" });
    let selected = null;
    root.replaceChildren(el("div", { class: "ops-page" }, el("h1", { text: "Model registry" }), card("Models", box), detail));

    async function draw() {
      let models;
      try {
        models = (await api(ctx, "GET", "/models")).models;
      } catch (e) {
        box.replaceChildren(errorBox("models-error", e, "list the models"));
        return;
      }
      if (models.length === 0) {
        box.replaceChildren(empty("models-empty", "No models published yet",
          "A job publishes a model version when its last round completes; it is listed here with its metrics and lineage."));
        return;
      }
      const byJob = new Map();
      models.forEach(m => { if (!byJob.has(m.job)) byJob.set(m.job, []); byJob.get(m.job).push(m); });
      const rows = [];
      for (const [job, versions] of byJob) {
        versions.sort((a, b) => b.version - a.version);
        versions.forEach((m, i) => rows.push(el("tr", {
            class: "ops-click" + (selected === m.id ? " selected" : ""), "data-testid": "model-row", "data-model": m.id, onclick: () => show(m),
          },
          el("td", { class: "mono", text: i === 0 ? job : "" }),
          el("td", {}, "v" + m.version, i === 0 ? " " : "", i === 0 ? badge("latest", "ok") : null),
          el("td", { text: (m.spec && m.spec.model && m.spec.model.type) || "–" }),
          el("td", { class: "num", text: m.metrics && m.metrics.auc !== undefined ? fmt.num(m.metrics.auc) : "–" }),
          el("td", { class: "num", text: m.metrics && m.metrics.trainLoss !== undefined ? fmt.num(m.metrics.trainLoss) : "–" }),
          el("td", { class: "num", text: (m.participants || []).length }),
          el("td", { class: "mono", title: m.sha256, text: fmt.short(m.sha256) }),
          el("td", { text: fmt.time(m.createdAt) }))));
      }
      box.replaceChildren(table("models-table", ["Job", "Version", "Model", { label: "AUC", num: true }, { label: "Train loss", num: true },
        { label: "Devices", num: true }, "SHA-256", "Published"], rows));
      const wanted = ctx.params && ctx.params[0];
      if (!selected) show(models.find(m => m.id === wanted) || models[0]);
    }

    async function show(m) {
      selected = m.id;
      history.replaceState(null, "", "#/models/" + encodeURIComponent(m.id));
      box.querySelectorAll("tr[data-model]").forEach(tr => tr.classList.toggle("selected", tr.dataset.model === m.id));
      let digest = null;
      let lineageError = null;
      try {
        const rounds = (await api(ctx, "GET", "/jobs/" + m.job + "/rounds")).rounds;
        const r = rounds.filter(x => x.round === m.round && x.state === "DONE").pop();
        digest = r ? r.digest : null;
      } catch (e) {
        lineageError = e;
      }
      if (selected !== m.id) return;
      const metrics = Object.entries(m.metrics || {});
      detail.replaceChildren(card("Model " + m.id,
        el("dl", { class: "ops-facts", "data-testid": "model-facts" },
          el("dt", { text: "Job" }), el("dd", { class: "mono", text: m.job }),
          el("dt", { text: "Version" }), el("dd", { text: "v" + m.version }),
          el("dt", { text: "Last round" }), el("dd", { text: m.round }),
          el("dt", { text: "Round digest (aggregate)" }), el("dd", { class: "mono", "data-testid": "model-digest", text: digest ? digest.aggregateSha256 : "–" }),
          el("dt", { text: "Parameters SHA-256" }), el("dd", { class: "mono", text: m.sha256 }),
          el("dt", { text: "Encoding" }), el("dd", { text: (m.spec && m.spec.encoding) || "–" }),
          el("dt", { text: "Devices in the lineage" }), el("dd", { class: "mono", text: (m.participants || []).join(", ") || "–" })),
        metrics.length === 0 ? empty("model-metrics-empty", "No metrics", "The job had no validation set; only the training loss is known per round.")
          : table("model-metrics", ["Metric", { label: "Value", num: true }], metrics.map(([k, v]) =>
            el("tr", {}, el("td", { text: k }), el("td", { class: "num", text: fmt.num(v) })))),
        lineageError ? errorBox("model-lineage-error", lineageError, "read the job's rounds") : null,
        digest ? el("details", {}, el("summary", { text: "Round digest (as anchored in the ledger)" }), el("pre", { class: "ops-pre", text: pretty(digest) })) : null,
        el("div", { class: "ops-actions" },
          el("a", { class: "ops-button", "data-testid": "model-download", href: "/api/v1/models/" + encodeURIComponent(m.id) + "/parameters",
            download: m.id + ".f64" }, "Download parameters"),
          el("span", { class: "ops-muted", text: " big-endian IEEE 754 doubles; check the SHA-256 above" }))));
    }

    draw();
    const stop = poll(root, 10000, draw);
    onLeave(ctx, stop);
    return stop;
  },
};
