package io.fedge.hub;

import io.fedge.hub.ledger.EntryTypes;
import io.fedge.hub.ledger.Ledger;
import io.fedge.hub.ota.OtaListener;
import io.fedge.hub.rounds.RoundDigest;
import io.fedge.hub.rounds.RoundListener;
import io.fedge.hub.rounds.RoundRecords;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes what the rounds and OTA features decide into the Merkle ledger, as canonical entries (see
 * docs/ledger.md, "Entry bodies"): round digests, consent decisions and model publications go to
 * the devices that took part, so each receives a receipt; OTA releases and campaign decisions are
 * logged for auditors. Every append carries a dedupe key, so a retried callback logs once.
 *
 * <p>Canonical JSON has integers only: metrics and contribution scores are written as decimal
 * strings ({@link Double#toString}), and absent values are left out.
 */
final class LedgerBridge implements RoundListener, OtaListener {
  private final Ledger ledger;

  LedgerBridge(Ledger ledger) {
    this.ledger = ledger;
  }

  @Override
  public void roundCompleted(RoundDigest d) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("jobId", d.jobId());
    body.put("round", d.round());
    body.put("attempt", d.attempt());
    body.put("phase", d.phase());
    body.put("participants", List.copyOf(d.participants()));
    body.put("commitments", new TreeMap<>(d.commitments()));
    put(body, "aggregateSha256", d.aggregateSha256());
    body.put("metrics", decimals(d.metrics()));
    body.put("contributions", decimals(d.contributions()));
    body.put("anomalies", new TreeMap<>(d.anomalies()));
    put(body, "completedAt", d.completedAt());
    ledger.appendOnce(
        "round/" + d.jobId() + "/" + d.round() + "/" + d.attempt(), EntryTypes.ROUND_DIGEST, body, d.participants());
  }

  @Override
  public void consentRecorded(
      String jobId, String deviceId, boolean approved, String reason, String decidedBy, Instant decidedAt) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("jobId", jobId);
    body.put("deviceId", deviceId);
    body.put("approved", approved);
    put(body, "reason", reason);
    put(body, "decidedBy", decidedBy);
    put(body, "decidedAt", decidedAt);
    ledger.appendOnce(
        "consent/" + jobId + "/" + deviceId + "/" + decidedAt, EntryTypes.CONSENT_DECISION, body, List.of(deviceId));
  }

  @Override
  public void modelPublished(RoundRecords.ModelRow m) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("modelId", m.modelId());
    body.put("jobId", m.jobId());
    body.put("version", m.version());
    body.put("round", m.round());
    body.put("sha256", m.sha256());
    put(body, "createdAt", m.createdAt());
    List<String> participants = participants(m.participantsJson());
    body.put("participants", participants);
    ledger.appendOnce("model/" + m.modelId(), EntryTypes.MODEL_PUBLICATION, body, participants);
  }

  @Override
  public void releasePublished(ReleasePublished r) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("target", r.target());
    put(body, "version", r.version());
    body.put("length", r.length());
    body.put("sha256", r.sha256());
    body.put("targetsVersion", r.targetsVersion());
    put(body, "publishedAt", r.at());
    ledger.appendOnce("release/" + r.target() + "/" + r.targetsVersion(), EntryTypes.OTA_RELEASE, body, List.of());
  }

  @Override
  public void campaignDecision(CampaignDecision c) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("campaignId", c.campaignId());
    body.put("target", c.target());
    put(body, "version", c.version());
    body.put("decision", c.decision());
    body.put("wave", c.wave());
    put(body, "reason", c.reason());
    body.put("counts", c.counts() == null ? Map.of() : new TreeMap<>(c.counts()));
    put(body, "actor", c.actor());
    put(body, "decidedAt", c.at());
    ledger.appendOnce(
        "campaign/" + c.campaignId() + "/" + c.decision() + "/" + c.wave() + "/" + c.at(),
        EntryTypes.CAMPAIGN_DECISION,
        body,
        List.of());
  }

  private static Map<String, String> decimals(Map<String, Double> values) {
    Map<String, String> out = new TreeMap<>();
    values.forEach((k, v) -> {
      if (v != null && !v.isNaN()) {
        out.put(k, Double.toString(v));
      }
    });
    return out;
  }

  private static void put(Map<String, Object> body, String key, Object value) {
    if (value != null) {
      body.put(key, value instanceof Instant t ? t.toString() : value);
    }
  }

  private static List<String> participants(String json) {
    try {
      return List.of(io.fedge.federation.wire.WireCodec.mapper().readValue(json, String[].class));
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalStateException("model participants are not a JSON list of device ids", e);
    }
  }
}
