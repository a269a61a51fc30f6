package io.fedge.ota.tuf;

import java.util.List;
import java.util.Map;

/**
 * The signed parts of the four top-level roles, as records. Their canonical JSON encoding
 * ({@link io.fedge.federation.ledger.CanonicalJson}) is what the signatures cover. Times are UTC
 * ISO-8601 instants in strings; sizes are bytes; hashes are lower-case hex.
 */
public final class Roles {
  private Roles() {}

  public static final String ROOT = "root";
  public static final String TARGETS = "targets";
  public static final String SNAPSHOT = "snapshot";
  public static final String TIMESTAMP = "timestamp";
  public static final List<String> ALL = List.of(ROOT, TARGETS, SNAPSHOT, TIMESTAMP);
  public static final String SPEC_VERSION = "fedge-ota/1";

  /** A public key: {@code keytype} and {@code scheme} are {@code ed25519}; {@code publicKey} is hex. */
  public record Key(String keytype, String scheme, String publicKey) {
    public static Key ed25519(byte[] raw) {
      return new Key("ed25519", "ed25519", java.util.HexFormat.of().formatHex(raw));
    }
  }

  /** Which keys may sign a role, and how many of them must. */
  public record RoleKeys(List<String> keyids, int threshold) {}

  /** The root role: every role's keys and thresholds. */
  public record Root(
      String type, String specVersion, long version, String expires, Map<String, Key> keys, Map<String, RoleKeys> roles)
      implements Role {}

  /** A target file: its exact length, its SHA-256, and free-form string attributes (version, kind). */
  public record TargetFile(long length, Map<String, String> hashes, Map<String, String> custom) {
    public String sha256() {
      return hashes.get("sha256");
    }
  }

  /** The targets role: every file a client may install. */
  public record Targets(String type, String specVersion, long version, String expires, Map<String, TargetFile> targets)
      implements Role {}

  /** A metadata file as named by snapshot or timestamp: version, length and SHA-256 of its bytes. */
  public record MetaFile(long version, long length, Map<String, String> hashes) {
    public String sha256() {
      return hashes.get("sha256");
    }
  }

  /** The snapshot role: the version (and hash) of the targets metadata that goes with it. */
  public record Snapshot(String type, String specVersion, long version, String expires, Map<String, MetaFile> meta)
      implements Role {}

  /** The timestamp role: the current snapshot. Short-lived, re-signed often. */
  public record Timestamp(String type, String specVersion, long version, String expires, Map<String, MetaFile> meta)
      implements Role {}

  /** What every role's signed part has. */
  public interface Role {
    String type();

    String specVersion();

    long version();

    String expires();
  }

  /** A signature over the canonical JSON of the signed part. */
  public record Sig(String keyid, String sig) {}

  /** A metadata file: the signed part and its signatures. */
  public record Signed<T extends Role>(T signed, List<Sig> signatures) {}
}
