// OTA: published releases and campaigns; each campaign shows a bar per wave (pending, in progress,
// succeeded, failed, rolled back) refreshed every 3 s, and operators can pause, resume or cancel.
import { api, onLeave, badge, card, canOperate, el, empty, errorBox, fmt, pageStyles, poll, stateKind, table } from "./widgets.js";

const OUTCOMES = [
  ["succeeded", "ok", "succeeded"],
  ["inProgress", "live", "in progress"],
  ["failed", "bad", "failed"],
  ["rolledBack", "rolled", "rolled back"],
  ["skipped", "neutral", "skipped"],
  ["pending", "pending", "pending"],
];
const MAX_DETAILED = 20;

export default {
  id: "campaigns",
  title: "OTA campaigns",
  roles: ["admin", "operator", "auditor"],
  render(root, ctx) {
    pageStyles();
    const releasesBox = el("div", { "data-testid": "releases" }, el("p", { class: "ops-muted", text: "Loading releases…" }));
    const campaignsBox = el("div", { "data-testid": "campaigns" }, el("p", { class: "ops-muted", text: "Loading campaigns…" }));
    const flash = el("div", { "data-testid": "campaign-flash" });
    root.replaceChildren(el("div", { class: "ops-page" }, el("h1", { text: "OTA campaigns" }), flash,
      card("Campaigns", campaignsBox), card("Releases", releasesBox)));

    async function drawReleases() {
      try {
        const rs = (await api(ctx, "GET", "/releases")).releases;
        releasesBox.replaceChildren(rs.length === 0
          ? empty("releases-empty", "No releases", "Publish a signed release with ./fedge ota publish (docs/ota.md); campaigns roll it out.")
          : table("releases-table", ["Target", "Version", { label: "Bytes", num: true }, "SHA-256", "Published"], rs.map(r =>
            el("tr", { "data-testid": "release-row" }, el("td", { class: "mono", text: r.target }), el("td", { text: r.version }),
              el("td", { class: "num", text: fmt.int(r.length) }), el("td", { class: "mono", title: r.sha256, text: fmt.short(r.sha256) }),
              el("td", { text: fmt.time(r.publishedAt) })))));
      } catch (e) {
        releasesBox.replaceChildren(errorBox("releases-error", e, "list the releases"));
      }
    }

    async function drawCampaigns() {
      let list;
      try {
        list = (await api(ctx, "GET", "/campaigns")).campaigns;
      } catch (e) {
        campaignsBox.replaceChildren(errorBox("campaigns-error", e, "list the campaigns"));
        return;
      }
      if (list.length === 0) {
        campaignsBox.replaceChildren(empty("campaigns-empty", "No campaigns",
          "Start one with POST /api/v1/campaigns naming a published release; its waves show here as it rolls out."));
        return;
      }
      const views = await Promise.all(list.slice(0, MAX_DETAILED).map(c =>
        api(ctx, "GET", "/campaigns/" + encodeURIComponent(c.id)).catch(e => ({ ...c, error: e }))));
      campaignsBox.replaceChildren(...views.map(campaign));
      if (list.length > MAX_DETAILED) {
        campaignsBox.append(el("p", { class: "ops-muted", text: (list.length - MAX_DETAILED) + " older campaign(s) not shown" }));
      }
    }

    function campaign(v) {
      const total = (v.devices || []).length;
      const actions = [];
      if (canOperate(ctx, "POST", "/campaigns/" + v.id + "/pause") && !v.error) {
        const act = (verb, label, cls) => el("button", { class: "ops-button " + (cls || ""), "data-testid": "campaign-" + verb,
          onclick: async ev => {
            if (verb === "cancel" && !window.confirm("Cancel campaign " + v.id + "? Devices not yet offered stay on their version.")) return;
            ev.target.disabled = true;
            try {
              await api(ctx, "POST", "/campaigns/" + encodeURIComponent(v.id) + "/" + verb, {});
              flash.replaceChildren(el("div", { class: "ops-ok", role: "status", text: "Campaign " + v.id + ": " + label.toLowerCase() + " done." }));
            } catch (e) {
              flash.replaceChildren(errorBox("campaign-action-error", e, label.toLowerCase() + " campaign " + v.id));
            }
            drawCampaigns();
          } }, label);
        if (v.state === "RUNNING") actions.push(act("pause", "Pause"));
        if (v.state === "PAUSED") actions.push(act("resume", "Resume"));
        if (v.state === "RUNNING" || v.state === "PAUSED") actions.push(act("cancel", "Cancel", "danger"));
      }
      return el("article", { class: "ops-campaign", "data-testid": "campaign", "data-campaign": v.id, "data-state": v.state },
        el("header", {},
          el("strong", { class: "mono", text: v.id }), " ", badge(v.state, stateKind(v.state)),
          " " + v.target + " → " + v.version + " · " + total + " device(s) · created " + fmt.time(v.createdAt),
          v.reason ? el("div", { class: "ops-muted", "data-testid": "campaign-reason", text: v.reason }) : null,
          actions.length ? el("span", { class: "ops-actions" }, actions) : null),
        v.error ? errorBox("campaign-error", v.error, "load campaign " + v.id) : waves(v));
    }

    function waves(v) {
      const ws = v.waves || [];
      if (ws.length === 0 || (v.devices || []).length === 0) {
        return empty("campaign-no-devices", "No devices selected", "The campaign's selector matched no enrolled device.");
      }
      return el("div", { class: "ops-waves" }, ws.map(w => {
        const size = w.to - w.from;
        const segs = OUTCOMES.map(([k, cls, label]) => w.outcomes[k] > 0
          ? el("div", { class: "ops-seg " + cls, style: { width: (100 * w.outcomes[k] / Math.max(1, size)) + "%" },
            title: label + ": " + w.outcomes[k], "data-outcome": k, text: w.outcomes[k] }) : null);
        const summary = OUTCOMES.filter(([k]) => w.outcomes[k] > 0).map(([k, , label]) => w.outcomes[k] + " " + label).join(", ") || "no devices in this wave";
        return el("div", { class: "ops-wave" + (w.open ? "" : " closed"), "data-testid": "wave", "data-wave": w.wave, "data-size": size },
          el("div", { class: "ops-wave-label", text: "Wave " + (w.wave + 1) + " · up to " + w.percent + " % · " + size + " device(s)" + (w.open ? "" : " · not opened") }),
          el("div", { class: "ops-stack", role: "img", "aria-label": "wave " + (w.wave + 1) + ": " + summary }, segs),
          el("div", { class: "ops-legend", "data-testid": "wave-summary", text: summary }));
      }),
      el("p", { class: "ops-legend" }, OUTCOMES.map(([, cls, label]) => el("span", { class: "ops-key" }, el("i", { class: "ops-seg " + cls }), label))));
    }

    drawReleases();
    drawCampaigns();
    const stops = [poll(root, 3000, drawCampaigns), poll(root, 15000, drawReleases)];
    const stop = () => stops.forEach(s => s());
    onLeave(ctx, stop);
    return stop;
  },
};
