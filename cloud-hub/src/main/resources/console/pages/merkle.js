// Checks a ledger entry's inclusion proof and a signed checkpoint in the browser, with nothing but
// Web Crypto: SHA-256 for the RFC 9162 hashes and Ed25519 for the C2SP signed note. The same rules
// as federation/.../ledger (Rfc9162, ProofVerifier, SignedNote, NoteVerifier); docs/ledger.md.

const enc = new TextEncoder();

export function b64decode(s) {
  const bin = atob(String(s).trim());
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
export function b64encode(bytes) {
  let s = "";
  bytes.forEach(b => { s += String.fromCharCode(b); });
  return btoa(s);
}
export function hex(bytes) {
  return Array.from(bytes, b => b.toString(16).padStart(2, "0")).join("");
}
function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  parts.forEach(p => { out.set(p, o); o += p.length; });
  return out;
}
function equal(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/** RFC 9162 §2.1.1: SHA-256(0x00 || entry bytes). */
export function leafHash(entryText) {
  return sha256(concat(Uint8Array.of(0), enc.encode(entryText)));
}
/** RFC 9162 §2.1.1: SHA-256(0x01 || left || right). */
export function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

/**
 * RFC 9162 §2.1.3.2. Returns {ok, reason, root, steps}: steps[i] = {sibling, side ("left" if the
 * proof hash is the left child), node (the hash after this step)} for drawing the path.
 */
export async function verifyInclusion(index, size, leaf, proof, root) {
  const steps = [];
  const fail = (reason, r) => ({ ok: false, reason, root: r || null, steps });
  if (!(size > 0)) return fail("an empty tree has no leaves");
  if (!(index >= 0 && index < size)) return fail("leaf index " + index + " is outside a tree of size " + size);
  if (proof.some(p => p.length !== 32)) return fail("every proof hash must be 32 bytes");
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return fail("the proof is too long: " + proof.length + " hashes", r);
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      steps.push({ sibling: p, side: "left", node: r });
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await nodeHash(r, p);
      steps.push({ sibling: p, side: "right", node: r });
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return fail("the proof is too short: " + proof.length + " hashes", r);
  if (!equal(r, root)) return fail("the path does not lead to the checkpoint's root", r);
  return { ok: true, reason: null, root: r, steps };
}

/** A C2SP verifier key "name+keyid+base64(0x01 || key)", checked against its own key id. */
export async function parseVerifierKey(text) {
  const t = String(text).trim();
  const mid = t.indexOf("+");
  const last = mid <= 0 ? -1 : t.indexOf("+", mid + 1);
  if (last < 0) throw new Error("the key must look like name+keyid+base64key");
  const name = t.slice(0, mid);
  const id = t.slice(mid + 1, last);
  const typed = b64decode(t.slice(last + 1));
  if (!/^[0-9a-f]{8}$/.test(id) || typed.length !== 33 || typed[0] !== 1) throw new Error("not an Ed25519 note verifier key");
  const key = typed.slice(1);
  const computed = hex((await sha256(concat(enc.encode(name + "\n"), typed))).slice(0, 4));
  if (computed !== id) throw new Error("the key id " + id + " does not match the name and key (" + computed + ")");
  return { name, keyId: id, key };
}

/** Splits a signed note into its text (what was signed) and signature lines. */
export function parseNote(note) {
  const at = note.lastIndexOf("\n\n");
  if (at < 0 || !note.endsWith("\n")) throw new Error("not a signed note: no blank line before the signatures");
  const text = note.slice(0, at + 1);
  const sigs = note.slice(at + 2).split("\n").filter(l => l.length > 0).map(l => {
    const m = /^\u2014 (\S+) (\S+)$/.exec(l);
    if (!m) throw new Error("not a signature line: " + l);
    const blob = b64decode(m[2]);
    if (blob.length < 5) throw new Error("a signature is too short");
    return { name: m[1], keyId: hex(blob.slice(0, 4)), signature: blob.slice(4) };
  });
  const lines = text.split("\n");
  if (lines.length < 4) throw new Error("a checkpoint needs origin, size and root");
  if (!/^[0-9]+$/.test(lines[1])) throw new Error("the checkpoint size is not a number");
  return { text, origin: lines[0], size: Number(lines[1]), root: b64decode(lines[2]), signatures: sigs };
}

/** Whether this browser's Web Crypto has Ed25519 (Chromium 137 and later do). */
export async function ed25519Supported() {
  try {
    await crypto.subtle.importKey("raw", new Uint8Array(32), { name: "Ed25519" }, false, ["verify"]);
    return true;
  } catch (e) {
    return !(e && e.name === "NotSupportedError");
  }
}

/** Verifies the note's signature by this key: {ok, reason}. */
export async function verifyNote(parsed, vkey) {
  const sig = parsed.signatures.find(s => s.name === vkey.name && s.keyId === vkey.keyId);
  if (!sig) return { ok: false, reason: "no signature by " + vkey.name + " (key id " + vkey.keyId + ") on this checkpoint" };
  if (sig.signature.length !== 64) return { ok: false, reason: "the signature is not 64 bytes" };
  const key = await crypto.subtle.importKey("raw", vkey.key, { name: "Ed25519" }, false, ["verify"]);
  const ok = await crypto.subtle.verify({ name: "Ed25519" }, key, sig.signature, enc.encode(parsed.text));
  return ok ? { ok: true, reason: null } : { ok: false, reason: "the Ed25519 signature does not match the checkpoint text" };
}
