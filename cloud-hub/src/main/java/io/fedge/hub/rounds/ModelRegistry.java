package io.fedge.hub.rounds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.rounds.RoundRecords.JobRow;
import io.fedge.hub.rounds.RoundRecords.ModelRow;
import io.fedge.hub.rounds.RoundRecords.RoundRow;
import io.fedge.hub.rounds.RoundRecords.RoundState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Published models: a version per job, the SHA-256 of the parameters (big-endian IEEE 754
 * doubles, the download's bytes), the final metrics and the lineage (job, last round, every device
 * whose update was aggregated in any round).
 */
public final class ModelRegistry {
  private ModelRegistry() {}

  static ModelRow publish(RoundStore store, JobSpec spec, JobRow job, Map<String, Double> metrics, Instant at) {
    int version = store.nextModelVersion(spec.id());
    TreeSet<String> participants = new TreeSet<>();
    int lastRound = 0;
    for (RoundRow r : store.rounds(spec.id())) {
      if (r.state() == RoundState.DONE && r.digestJson() != null) {
        RoundDigest d = Coordinator.read(r.digestJson(), RoundDigest.class);
        participants.addAll(d.participants());
        lastRound = Math.max(lastRound, r.round());
      }
    }
    ObjectNode meta = WireCodec.mapper().createObjectNode();
    meta.set("model", spec.model());
    meta.set("features", WireCodec.mapper().valueToTree(spec.features()));
    meta.put("label", spec.label());
    if (job.scalerJson() != null) {
      meta.set("scaler", Coordinator.read(job.scalerJson(), com.fasterxml.jackson.databind.JsonNode.class));
    }
    meta.put("encoding", "float64-be");
    ModelRow m = new ModelRow(spec.id() + "-v" + version, spec.id(), version, lastRound,
        Aggregation.sha256(job.globalParams()), meta.toString(), Coordinator.json(metrics),
        Coordinator.json(List.copyOf(participants)), at, job.globalParams());
    store.publishModel(m, at);
    return m;
  }
}
