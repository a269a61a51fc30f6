// Ledger explorer: entries (paged, filtered by type and by the device they name), signed
// checkpoints, and a proof check done in this browser: the entry's leaf hash, its inclusion proof
// up to a checkpoint's root (drawn as a picture), and the checkpoint's Ed25519 signature.
import { api, onLeave, badge, card, canOperate, el, empty, errorBox, fmt, pageStyles, poll, pretty, svg, table } from "./widgets.js";
import { b64decode, b64encode, ed25519Supported, hex, leafHash, parseNote, parseVerifierKey, verifyInclusion, verifyNote } from "./merkle.js";

const PAGE = 25;
const TYPES = ["", "enrollment", "revocation", "consent-decision", "round-digest", "model-publication", "ota-release", "campaign-decision"];

export default {
  id: "ledger",
  title: "Ledger",
  roles: ["admin", "operator", "auditor"],
  render(root, ctx) {
    pageStyles();
    const q = { start: 0, type: "", subject: "" };
    const cpBox = el("div", { "data-testid": "checkpoints" }, el("p", { class: "ops-muted", text: "Loading checkpoints…" }));
    const entriesBox = el("div", { "data-testid": "entries" }, el("p", { class: "ops-muted", text: "Loading entries…" }));
    const proofBox = el("div", { "data-testid": "proof" });
    const typeSel = el("select", { "data-testid": "filter-type", "aria-label": "entry type" },
      TYPES.map(t => el("option", { value: t, text: t || "any type" })));
    const subject = el("input", { "data-testid": "filter-subject", placeholder: "device id", "aria-label": "device named by the entry", size: 24 });
    const form = el("form", { class: "ops-filter", "data-testid": "entries-filter" },
      el("label", {}, "Type ", typeSel), el("label", {}, "Names device ", subject),
      el("button", { class: "ops-button", type: "submit" }, "Filter"));
    form.addEventListener("submit", ev => {
      ev.preventDefault();
      const s = subject.value.trim();
      if (s && !/^[a-z0-9-]{3,64}$/.test(s)) {
        entriesBox.replaceChildren(errorBox("entries-error", new Error("a device id is 3-64 characters of a-z, 0-9 and '-'"), "filter"));
        return;
      }
      Object.assign(q, { start: 0, type: typeSel.value, subject: s });
      drawEntries();
    });
    root.replaceChildren(el("div", { class: "ops-page" }, el("h1", { text: "Ledger" }),
      card("Signed checkpoints", cpBox), card("Entries", form, entriesBox), proofBox));

    async function drawCheckpoints() {
      let list;
      try {
        list = await api(ctx, "GET", "/ledger/checkpoints?limit=10");
      } catch (e) {
        cpBox.replaceChildren(errorBox("checkpoints-error", e, "list the checkpoints"));
        return;
      }
      const sign = canOperate(ctx, "POST", "/ledger/checkpoint") ? el("button", { class: "ops-button", "data-testid": "checkpoint-sign", onclick: async ev => {
        ev.target.disabled = true;
        try { await api(ctx, "POST", "/ledger/checkpoint", {}); } catch (e) { cpBox.prepend(errorBox("checkpoint-sign-error", e, "sign a checkpoint")); }
        drawCheckpoints();
      } }, "Sign a checkpoint now") : null;
      const covered = list.checkpoints.length ? list.checkpoints[0].size : 0;
      cpBox.replaceChildren(
        el("p", { "data-testid": "ledger-size" }, "The log holds ", el("strong", { text: fmt.int(list.size) }), " entries; the newest checkpoint covers ",
          el("strong", { text: fmt.int(covered) }), ". ", sign),
        list.checkpoints.length === 0 ? empty("checkpoints-empty", "No checkpoint signed yet",
          "The hub signs one every ledger.checkpoint.interval when the log grew.")
          : table("checkpoints-table", [{ label: "Size", num: true }, "Root (base64)", "Signed", "Note"], list.checkpoints.map(c =>
            el("tr", { "data-testid": "checkpoint-row", "data-size": c.size }, el("td", { class: "num", text: fmt.int(c.size) }),
              el("td", { class: "mono", text: c.rootHash }), el("td", { text: fmt.time(c.signedAt) }),
              el("td", {}, el("details", {}, el("summary", { text: "signed note" }), el("pre", { class: "ops-pre", text: c.note })))))));
    }

    async function drawEntries() {
      const params = new URLSearchParams({ start: q.start, limit: PAGE });
      if (q.type) params.set("type", q.type);
      if (q.subject) params.set("subject", q.subject);
      let page;
      try {
        page = await api(ctx, "GET", "/ledger/entries?" + params);
      } catch (e) {
        entriesBox.replaceChildren(errorBox("entries-error", e, "list the entries"));
        return;
      }
      if (page.entries.length === 0) {
        entriesBox.replaceChildren(empty("entries-empty", q.start > 0 || q.type || q.subject ? "No entries match" : "The ledger is empty",
          q.type || q.subject ? "No entry from index " + q.start + " on matches this filter." : "Enrollments, consents, round digests and releases are logged here as they happen."),
          ...(q.start > 0 ? [pager(page, [])] : []));
        return;
      }
      entriesBox.replaceChildren(table("entries-table", [{ label: "Index", num: true }, "Type", "Names", "Leaf hash", "Appended", ""],
        page.entries.map(e => {
          let recipients = [];
          try { recipients = JSON.parse(e.entry).recipients || []; } catch (x) { /* shown as is */ }
          return el("tr", { "data-testid": "entry-row", "data-index": e.index, "data-type": e.type },
            el("td", { class: "num", text: e.index }), el("td", {}, badge(e.type, "neutral")),
            el("td", { class: "mono", text: recipients.join(", ") || "–" }),
            el("td", { class: "mono", title: e.leafHash, text: fmt.short(e.leafHash) }), el("td", { text: fmt.time(e.appendedAt) }),
            el("td", {}, el("button", { class: "ops-button small", "data-testid": "entry-prove", onclick: () => prove(e) }, "Check proof")));
        })), pager(page, page.entries));
    }

    function pager(page, entries) {
      const prev = el("button", { class: "ops-button small", "data-testid": "entries-prev", disabled: q.start === 0 ? true : null,
        onclick: () => { q.start = Math.max(0, q.start - PAGE); drawEntries(); } }, "← Earlier");
      const last = entries.length ? entries[entries.length - 1].index : q.start;
      const next = el("button", { class: "ops-button small", "data-testid": "entries-next", disabled: entries.length < PAGE ? true : null,
        onclick: () => { q.start = last + 1; drawEntries(); } }, "Later →");
      return el("div", { class: "ops-pager" }, prev, " from index " + q.start + " · " + entries.length + " shown · log size " + fmt.int(page.size) + " ", next);
    }

    // ---- proof check ----

    async function prove(e) {
      proofBox.replaceChildren(card("Proof check for entry " + e.index, el("p", { class: "ops-muted", text: "Fetching the proof…" })));
      let cp, key, proof;
      try {
        [cp, key] = await Promise.all([api(ctx, "GET", "/ledger/checkpoint"), api(ctx, "GET", "/ledger/public-key")]);
        if (e.index >= cp.size) {
          proofBox.replaceChildren(card("Proof check for entry " + e.index, empty("proof-not-covered", "Not covered by a checkpoint yet",
            "The newest checkpoint covers " + cp.size + " entries. Sign a checkpoint (above) or wait for the next one, then check again.")));
          return;
        }
        proof = await api(ctx, "GET", "/ledger/proof/inclusion?index=" + e.index + "&size=" + cp.size);
      } catch (err) {
        proofBox.replaceChildren(card("Proof check for entry " + e.index, errorBox("proof-error", err, "fetch the proof")));
        return;
      }
      const entryText = el("textarea", { class: "ops-code", rows: 4, "data-testid": "proof-entry", spellcheck: "false" });
      entryText.value = e.entry;
      const proofText = el("textarea", { class: "ops-code", rows: 8, "data-testid": "proof-json", spellcheck: "false" });
      proofText.value = JSON.stringify(proof, null, 2);
      const noteText = el("textarea", { class: "ops-code", rows: 6, "data-testid": "proof-checkpoint", spellcheck: "false" });
      noteText.value = cp.note;
      const keyText = el("input", { class: "ops-code", size: 80, "data-testid": "proof-key", spellcheck: "false" });
      keyText.value = key.key;
      const result = el("div", { "data-testid": "proof-result", "aria-live": "polite" });
      const picture = el("div", { class: "ops-merkle", "data-testid": "merkle-path" });
      const run = el("button", { class: "ops-button", "data-testid": "proof-verify", onclick: () => check() }, "Verify in this browser");
      proofBox.replaceChildren(card("Proof check for entry " + e.index,
        el("p", { class: "ops-muted", text: "Everything below is checked here with Web Crypto (SHA-256, Ed25519), not by the hub. "
          + "The key is the one the hub serves: compare its id with the key you were given out of band (docs/ledger.md), or paste that key. "
          + "You can also paste a receipt's entry, proof and checkpoint to check them." }),
        el("label", { class: "ops-field" }, "Entry (canonical JSON, the exact bytes hashed)", entryText),
        el("label", { class: "ops-field" }, "Inclusion proof {index, size, hashes}", proofText),
        el("label", { class: "ops-field" }, "Signed checkpoint", noteText),
        el("label", { class: "ops-field" }, "Ledger public key (name+keyid+key)", keyText),
        el("div", { class: "ops-actions" }, run), result, picture));

      async function check() {
        result.replaceChildren(el("p", { class: "ops-muted", text: "Checking…" }));
        picture.replaceChildren();
        const checks = [];
        const add = (ok, what, detail) => checks.push({ ok, what, detail });
        let verdict = false;
        try {
          const p = JSON.parse(proofText.value);
          if (!Array.isArray(p.hashes) || typeof p.index !== "number" || typeof p.size !== "number") throw new Error("the proof must be {index, size, hashes: [base64...]}");
          const leaf = await leafHash(entryText.value);
          add(b64encode(leaf) === e.leafHash, "leaf hash of the entry text", hex(leaf) + (b64encode(leaf) === e.leafHash ? " (as stored)" : " differs from the stored leaf " + hex(b64decode(e.leafHash))));
          const note = parseNote(noteText.value);
          add(note.size === p.size, "checkpoint size equals the proof's tree size", note.size + " / " + p.size);
          let sigOk = null;
          if (await ed25519Supported()) {
            const vkey = await parseVerifierKey(keyText.value);
            add(note.origin === vkey.name, "checkpoint origin is the key's name", note.origin);
            const s = await verifyNote(note, vkey);
            sigOk = s.ok;
            add(s.ok, "Ed25519 signature on the checkpoint (key id " + vkey.keyId + ")", s.ok ? "valid" : s.reason);
          } else {
            add(null, "Ed25519 signature", "NOT CHECKED: this browser's Web Crypto has no Ed25519. Check the signature with ./fedge ledger verify (docs/ledger.md).");
          }
          const hashes = p.hashes.map(h => b64decode(h));
          const inc = await verifyInclusion(p.index, p.size, leaf, hashes, note.root);
          add(inc.ok, "inclusion path from leaf " + p.index + " to the root of " + p.size, inc.ok ? "reaches " + hex(note.root) : inc.reason);
          picture.replaceChildren(drawPath(p.index, leaf, inc, note.root));
          verdict = checks.every(c => c.ok === true) || (sigOk === null && checks.every(c => c.ok !== false));
        } catch (err) {
          add(false, "reading the inputs", err.message);
        }
        result.replaceChildren(
          el("div", { class: verdict ? "ops-ok" : "ops-error", role: "status", "data-testid": "proof-verdict", "data-ok": String(verdict),
            text: verdict ? "Verified: entry " + e.index + " is in the log the checkpoint commits to." : "NOT verified: see the failed check below." }),
          el("ul", { class: "ops-checks" }, checks.map(c => el("li", { "data-testid": "proof-check", "data-ok": String(c.ok) },
            c.ok === true ? "✓ " : c.ok === false ? "✗ " : "? ", el("strong", { text: c.what }), ": ", el("span", { class: "mono", text: c.detail })))));
      }
      check();
    }

    /** The path as a tree: the leaf at the bottom, each proof hash beside the node it joins, the root on top. */
    function drawPath(index, leaf, inc, root) {
      const steps = inc.steps;
      const rowH = 64, boxW = 150, boxH = 26, cx = 330, off = 190;
      const h = (steps.length + 1) * rowH + 30;
      const g = svg("svg", { width: 660, height: h, viewBox: "0 0 660 " + h, role: "img", "data-testid": "merkle-svg",
        "aria-label": "Merkle path of " + steps.length + " hashes from leaf " + index + " to the root" });
      const y = i => h - 30 - i * rowH;
      const box = (x, yy, label, cls, title) => svg("g", { class: "ops-node " + cls },
        svg("title", { text: title }), svg("rect", { x: x - boxW / 2, y: yy - boxH / 2, width: boxW, height: boxH, rx: 5 }),
        svg("text", { x, y: yy + 4, "text-anchor": "middle", text: label }));
      const line = (x1, y1, x2, y2) => svg("line", { x1, y1, x2, y2, class: "ops-edge" });
      g.append(box(cx, y(0), "leaf " + index + " " + hex(leaf).slice(0, 8), "path", hex(leaf)));
      steps.forEach((s, i) => {
        const sx = s.side === "left" ? cx - off : cx + off;
        g.append(line(cx, y(i) - boxH / 2, cx, y(i + 1) + boxH / 2), line(sx, y(i) - boxH / 2, cx, y(i + 1) + boxH / 2));
        g.append(box(sx, y(i), "proof " + (i + 1) + " " + hex(s.sibling).slice(0, 8), "sibling", hex(s.sibling) + " (" + s.side + " child)"));
        const top = i === steps.length - 1;
        const cls = top ? (inc.ok ? "root ok" : "root bad") : "path";
        g.append(box(cx, y(i + 1), (top ? "root " : "node ") + hex(s.node).slice(0, 8), cls, hex(s.node)));
      });
      if (steps.length === 0) {
        g.append(svg("text", { x: cx, y: y(0) - 24, "text-anchor": "middle", text: inc.ok ? "a one-entry tree: the leaf is the root" : "" }));
      }
      return el("figure", {}, g, el("figcaption", { class: "ops-muted", "data-testid": "merkle-caption",
        text: inc.ok ? "The path reaches the checkpoint's root " + hex(root).slice(0, 16) + "…"
          : "The path ends at " + (inc.root ? hex(inc.root).slice(0, 16) + "…" : "nothing") + ", not at the checkpoint's root " + hex(root).slice(0, 16) + "… (" + inc.reason + ")" }));
    }

    drawCheckpoints();
    drawEntries();
    const stop = poll(root, 10000, drawCheckpoints);
    onLeave(ctx, stop);
    return stop;
  },
};
