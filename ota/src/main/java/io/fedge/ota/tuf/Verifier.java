package io.fedge.ota.tuf;

import io.fedge.ota.tuf.Roles.Key;
import io.fedge.ota.tuf.Roles.Role;
import io.fedge.ota.tuf.Roles.RoleKeys;
import io.fedge.ota.tuf.Roles.Root;
import io.fedge.ota.tuf.Roles.Sig;
import io.fedge.ota.tuf.Roles.Signed;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/** The checks every metadata file passes: signatures against a threshold, expiry, structure of root. */
public final class Verifier {
  private Verifier() {}

  /**
   * Counts distinct keys of {@code role} in {@code root} with a valid signature over {@code m}'s
   * signed part, and refuses fewer than the role's threshold. A key counts once however often it
   * signs; signatures by keys the role does not list are ignored.
   */
  public static void requireThreshold(Signed<?> m, Root root, String role) throws TufException {
    RoleKeys rk = root.roles().get(role);
    if (rk == null) {
      throw new TufException(TufException.Reason.MALFORMED, "root version " + root.version() + " defines no " + role + " role");
    }
    byte[] msg = MetadataCodec.signedBytes(m.signed());
    Set<String> valid = new HashSet<>();
    for (Sig s : m.signatures()) {
      if (!rk.keyids().contains(s.keyid()) || valid.contains(s.keyid())) {
        continue;
      }
      Key k = root.keys().get(s.keyid());
      if (k == null || !"ed25519".equals(k.scheme())) {
        continue;
      }
      byte[] sig;
      byte[] pub;
      try {
        sig = HexFormat.of().parseHex(s.sig());
        pub = HexFormat.of().parseHex(k.publicKey());
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (Ed25519.keyIdOfRaw(pub).equals(s.keyid()) && Ed25519.verify(pub, msg, sig)) {
        valid.add(s.keyid());
      }
    }
    if (valid.size() < rk.threshold()) {
      throw new TufException(
          TufException.Reason.SIGNATURES,
          role + " metadata version " + m.signed().version() + " has " + valid.size() + " valid signature(s) of the "
              + rk.threshold() + " that root version " + root.version() + " requires");
    }
  }

  public static void requireNotExpired(Role role, Instant now) throws TufException {
    Instant exp = MetadataCodec.expires(role);
    if (!now.isBefore(exp)) {
      throw new TufException(
          TufException.Reason.EXPIRED,
          role.type() + " metadata version " + role.version() + " expired at " + exp
              + "; the release operator must re-sign it (or the device clock is wrong)");
    }
  }

  /** A root must define all four roles with a threshold of at least 1 and enough listed keys. */
  public static void requireWellFormedRoot(Root root) throws TufException {
    for (String r : Roles.ALL) {
      RoleKeys rk = root.roles().get(r);
      if (rk == null) {
        throw new TufException(TufException.Reason.MALFORMED, "root defines no " + r + " role");
      }
      if (rk.threshold() < 1) {
        throw new TufException(TufException.Reason.MALFORMED, r + " threshold must be at least 1");
      }
      long known = rk.keyids().stream().distinct().filter(root.keys()::containsKey).count();
      if (known < rk.threshold()) {
        throw new TufException(TufException.Reason.MALFORMED, r + " lists fewer keys than its threshold");
      }
    }
    if (root.roles().size() != Roles.ALL.size()) {
      throw new TufException(TufException.Reason.MALFORMED, "root defines roles other than " + Roles.ALL);
    }
  }
}
