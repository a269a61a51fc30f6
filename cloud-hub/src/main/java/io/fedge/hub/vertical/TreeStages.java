package io.fedge.hub.vertical;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.vertical.BoostMessages;
import io.fedge.federation.vertical.TreeConfig;
import io.fedge.federation.vertical.relay.VerticalControl.TreeStage;
import io.fedge.federation.wire.WireCodec;
import java.util.List;

/**
 * The hub's part in a vertical tree job (model type {@code sbt}, docs/vertical.md "Trees over
 * MQTT"): it only starts the stage, relays, and asks the guest for scores. It holds no key and
 * sees no gradient: the guest's Paillier ciphertexts travel sealed between the parties.
 */
final class TreeStages {
  /** The registry's model kind and the ledger phase of a tree job. */
  static final String MODEL = "vertical-sbt";

  private TreeStages() {}

  /** The stage message for {@code device}: the guest gets the configuration and starts the protocol. */
  static TreeStage stage(VerticalSpec s, String device) {
    VerticalSpec.Party p = s.party(device);
    boolean guest = device.equals(s.guest().device());
    List<String> hosts = s.hosts().stream().map(VerticalSpec.Party::device).toList();
    return new TreeStage(s.id(), guest ? "guest" : "host", s.guest().device(), hosts, s.aligned(), p.features(),
        p.label(), s.testFraction(), s.seed(), guest ? s.trees() : null);
  }

  /** An online score request to the guest, answered to the hub. */
  static BoostMessages.ScoreRequest scoreRequest(String jobId, String requestId, List<String> ids) {
    return new BoostMessages.ScoreRequest(jobId, requestId, ids, true);
  }

  /** The hyper-parameters as recorded in the registry's model spec. */
  static ObjectNode describe(TreeConfig c) {
    ObjectNode n = WireCodec.mapper().createObjectNode();
    n.put("trees", c.trees());
    n.put("maxDepth", c.maxDepth());
    n.put("learningRate", c.learningRate());
    n.put("bins", c.bins());
    n.put("lambda", c.lambda());
    n.put("minChildWeight", c.minChildWeight());
    n.put("keyBits", c.keyBits());
    n.put("fractionBits", c.fractionBits());
    n.put("noise", c.noise());
    return n;
  }
}
