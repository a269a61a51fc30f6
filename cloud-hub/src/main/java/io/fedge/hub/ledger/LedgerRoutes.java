package io.fedge.hub.ledger;

import io.fedge.federation.ledger.LedgerAlarmClear;
import io.fedge.federation.ledger.LedgerReceipt;
import io.fedge.federation.wire.Ids;
import io.fedge.hub.api.ApiError;
import io.fedge.hub.api.ApiRoutes;
import io.fedge.hub.api.HttpApi;
import io.fedge.provisioning.Identity;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The ledger over HTTPS. Two audiences, two prefixes (docs/ledger.md):
 *
 * <ul>
 *   <li>{@code /api/v1/ledger/...} with the ops token: everything, including the entries themselves
 *       (they name devices), publishing a checkpoint on demand, the alarms devices raised and
 *       clearing them.
 *   <li>{@code /ledger/v1/...} for devices over mutual TLS with their current (unrevoked)
 *       certificate: checkpoint, inclusion and consistency proofs, and an entry only if the device
 *       is one of its recipients. {@code /ledger/v1/public-key} needs no credentials: it is public.
 * </ul>
 */
public final class LedgerRoutes implements ApiRoutes {
  private final HubLedger ledger;
  private final Predicate<String> activeDevice;
  private final BiConsumer<String, LedgerAlarmClear> clearSender;
  private final Clock clock;

  /**
   * @param activeDevice whether a device id is enrolled and not revoked
   * @param clearSender tells a device its alarm was cleared (the MQTT downlink)
   */
  public LedgerRoutes(HubLedger ledger, Predicate<String> activeDevice, BiConsumer<String, LedgerAlarmClear> clearSender, Clock clock) {
    this.ledger = ledger;
    this.activeDevice = activeDevice;
    this.clearSender = clearSender;
    this.clock = clock;
  }

  @Override
  public void mount(Router r, HttpApi api) {
    r.get("/api/v1/ledger/public-key").handler(ctx -> api.blocking(ctx, 200, this::publicKey));
    r.get("/api/v1/ledger/checkpoint").handler(ctx -> api.blocking(ctx, 200, this::checkpoint));
    r.post("/api/v1/ledger/checkpoint").handler(ctx -> api.blocking(ctx, 200, this::publishNow));
    r.get("/api/v1/ledger/proof/inclusion").handler(ctx -> api.blocking(ctx, 200, () -> inclusion(ctx)));
    r.get("/api/v1/ledger/proof/consistency").handler(ctx -> api.blocking(ctx, 200, () -> consistency(ctx)));
    r.get("/api/v1/ledger/entries").handler(ctx -> api.blocking(ctx, 200, () -> entries(ctx)));
    r.get("/api/v1/ledger/checkpoints").handler(ctx -> api.blocking(ctx, 200, () -> checkpoints(ctx)));
    r.get("/api/v1/ledger/alarms").handler(ctx -> api.blocking(ctx, 200, () -> alarms(ctx)));
    r.post("/api/v1/ledger/alarms/:id/clear").handler(ctx -> api.blocking(ctx, 200, () -> clear(ctx)));

    r.get("/ledger/v1/public-key").handler(ctx -> api.blocking(ctx, 200, this::publicKey));
    r.get("/ledger/v1/checkpoint").handler(ctx -> api.blocking(ctx, 200, () -> {
      device(ctx);
      return checkpoint();
    }));
    r.get("/ledger/v1/proof/inclusion").handler(ctx -> api.blocking(ctx, 200, () -> {
      device(ctx);
      return inclusion(ctx);
    }));
    r.get("/ledger/v1/proof/consistency").handler(ctx -> api.blocking(ctx, 200, () -> {
      device(ctx);
      return consistency(ctx);
    }));
    r.get("/ledger/v1/receipts").handler(ctx -> api.blocking(ctx, 200, () -> {
      String device = device(ctx);
      long after = ctx.queryParams().get("after") == null ? -1 : number(ctx, "after", true);
      return Map.of("receipts", ledger.receiptsFor(device, after, HttpApi.limit(ctx)));
    }));
    r.get("/ledger/v1/entries/:index").handler(ctx -> api.blocking(ctx, 200, () -> ownEntry(ctx, device(ctx))));
  }

  private String device(RoutingContext ctx) {
    X509Certificate cert = HttpApi.clientCertificate(ctx);
    Identity id =
        Identity.fromCertificate(cert)
            .filter(i -> i.role() == Identity.Role.DEVICE)
            .orElseThrow(() -> new ApiError(403, "not_a_device", "only device certificates may use /ledger/v1"));
    if (!activeDevice.test(id.id())) {
      throw new ApiError(403, "device_revoked", "device " + id.id() + " is revoked or unknown");
    }
    return id.id();
  }

  private Object publicKey() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("origin", ledger.origin());
    out.put("key", ledger.publicKey().encode());
    out.put("keyId", HexFormat.of().toHexDigits(ledger.publicKey().keyId()));
    out.put("algorithm", "Ed25519");
    return out;
  }

  private Object checkpoint() {
    return ledger.latestCheckpoint().map(LedgerRoutes::checkpointJson)
        .orElseThrow(() -> new ApiError(404, "no_checkpoint", "no checkpoint signed yet; POST /api/v1/ledger/checkpoint makes one"));
  }

  private Object publishNow() {
    LedgerStore.StoredCheckpoint cp = ledger.checkpoint();
    ledger.sendReceipts();
    return checkpointJson(cp);
  }

  static Map<String, Object> checkpointJson(LedgerStore.StoredCheckpoint cp) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("size", cp.size());
    out.put("rootHash", Base64.getEncoder().encodeToString(cp.rootHash()));
    out.put("signedAt", cp.signedAt().toString());
    out.put("note", cp.note());
    return out;
  }

  private Object inclusion(RoutingContext ctx) {
    long size = number(ctx, "size", true);
    String leafParam = ctx.queryParams().get("leafHash");
    long index;
    if (leafParam != null) {
      byte[] leaf = hash(leafParam);
      index = ledger.store().indexOfLeaf(leaf).orElseThrow(() -> ApiError.notFound("an entry with this leaf hash"));
    } else {
      index = number(ctx, "index", true);
    }
    long stored = ledger.size();
    if (size < 1 || size > stored || index < 0 || index >= size) {
      throw ApiError.badRequest("need 0 <= index < size <= " + stored + " (the log's size); got index " + index + ", size " + size);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("index", index);
    out.put("size", size);
    out.put("hashes", LedgerReceipt.encodeHashes(ledger.inclusionProof(index, size)));
    return out;
  }

  private Object consistency(RoutingContext ctx) {
    long from = number(ctx, "from", true);
    long to = number(ctx, "to", true);
    long stored = ledger.size();
    if (from < 0 || from > to || to > stored) {
      throw ApiError.badRequest("need 0 <= from <= to <= " + stored + " (the log's size); got " + from + " -> " + to);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("from", from);
    out.put("to", to);
    out.put("hashes", LedgerReceipt.encodeHashes(ledger.consistencyProof(from, to)));
    return out;
  }

  private Object entries(RoutingContext ctx) {
    long start = number(ctx, "start", false);
    int limit = HttpApi.limit(ctx);
    String type = ctx.queryParams().get("type");
    if (type != null && !type.matches("[a-z0-9-]{1,32}")) {
      throw ApiError.badRequest("'type' is an entry type: 1-32 characters of [a-z0-9-], e.g. round-digest");
    }
    String subject = ctx.queryParams().get("subject");
    if (subject != null && !Ids.isValid(subject)) {
      throw ApiError.badRequest("'subject' is a device id among the entries' recipients: 3-64 characters of [a-z0-9-]");
    }
    List<Map<String, Object>> list =
        ledger.store().entries(Math.max(0, start), limit, type, subject).stream().map(LedgerRoutes::entryJson).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("size", ledger.size());
    out.put("entries", list);
    return out;
  }

  private Object checkpoints(RoutingContext ctx) {
    long before = ctx.queryParams().get("before") == null ? -1 : number(ctx, "before", true);
    List<Map<String, Object>> list = ledger.store().checkpoints(before, HttpApi.limit(ctx)).stream().map(LedgerRoutes::checkpointJson).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("size", ledger.size());
    out.put("checkpoints", list);
    return out;
  }

  private Object ownEntry(RoutingContext ctx, String deviceId) {
    long index;
    try {
      index = Long.parseLong(ctx.pathParam("index"));
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("the entry index must be a whole number");
    }
    if (!ledger.store().isRecipient(index, deviceId)) {
      throw ApiError.notFound("an entry " + index + " naming device " + deviceId);
    }
    return ledger.store().entry(index).map(LedgerRoutes::entryJson)
        .orElseThrow(() -> ApiError.notFound("entry " + index));
  }

  static Map<String, Object> entryJson(LedgerStore.StoredEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", e.index());
    m.put("type", e.type());
    m.put("entry", e.entry());
    m.put("leafHash", Base64.getEncoder().encodeToString(e.leafHash()));
    m.put("appendedAt", e.appendedAt().toString());
    return m;
  }

  private Object alarms(RoutingContext ctx) {
    boolean all = "true".equals(ctx.queryParams().get("all"));
    List<Map<String, Object>> list = ledger.store().alarms(all, HttpApi.limit(ctx)).stream().map(a -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("deviceId", a.deviceId());
      m.put("messageId", a.messageId());
      m.put("raisedAt", a.raisedAt().toString());
      m.put("check", a.kind());
      m.put("reason", a.reason());
      m.put("clearedAt", a.clearedAt() == null ? null : a.clearedAt().toString());
      m.put("clearedBy", a.clearedBy());
      return m;
    }).toList();
    return Map.of("alarms", list);
  }

  private Object clear(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!Ids.isValid(id)) {
      throw ApiError.badRequest("device id must be 3-64 characters of [a-z0-9-]");
    }
    String note = "";
    if (ctx.body() != null && ctx.body().length() > 0) {
      note = HttpApi.body(ctx).path("note").asText("");
      if (note.length() > 500) {
        throw ApiError.badRequest("'note' must be at most 500 characters");
      }
    }
    int n = ledger.store().clearAlarms(id, HttpApi.actor(ctx), clock.instant());
    // Sent even when the hub has no open alarm on record: the device may have raised one the hub has not received yet.
    clearSender.accept(id, new LedgerAlarmClear(HttpApi.actor(ctx), note, clock.instant().toString()));
    return Map.of("deviceId", id, "cleared", n);
  }

  private static long number(RoutingContext ctx, String name, boolean required) {
    String v = ctx.queryParams().get(name);
    if (v == null) {
      if (required) {
        throw ApiError.badRequest("query parameter '" + name + "' is required");
      }
      return 0;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("'" + name + "' must be a whole number");
    }
  }

  private static byte[] hash(String text) {
    try {
      byte[] h = text.length() == 64 ? HexFormat.of().parseHex(text) : Base64.getUrlDecoder().decode(text.replace(' ', '-').replace('+', '-').replace('/', '_').replace("=", ""));
      if (h.length == 32) {
        return h;
      }
    } catch (IllegalArgumentException e) {
      // fall through
    }
    throw ApiError.badRequest("'leafHash' must be 32 bytes in hex or base64");
  }
}
