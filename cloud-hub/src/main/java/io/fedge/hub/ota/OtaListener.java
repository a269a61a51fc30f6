package io.fedge.hub.ota;

import java.time.Instant;
import java.util.Map;

/**
 * Records the OTA feature emits for the ledger (connected by the lead): a release was published,
 * and every campaign decision (created, wave opened, paused, resumed, cancelled, completed).
 * Called after the change is committed, on the thread that made it; must not throw.
 */
public interface OtaListener {
  OtaListener NONE = new OtaListener() {};

  record ReleasePublished(String target, String version, long length, String sha256, long targetsVersion,
      Instant at) {}

  record CampaignDecision(String campaignId, String target, String version, String decision, int wave, String reason,
      Map<String, Integer> counts, String actor, Instant at) {}

  default void releasePublished(ReleasePublished record) {}

  default void campaignDecision(CampaignDecision record) {}
}
