package io.fedge.federation.horizontal;

import java.util.Objects;

/**
 * One participant's model after local training in one round.
 *
 * @param clientId who sent it (the device id)
 * @param parameters the full trained parameter vector (not a delta); not copied
 * @param samples number of local training examples, the FedAvg weight; at least 1
 */
public record ClientUpdate(String clientId, double[] parameters, long samples) {
  public ClientUpdate {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(parameters, "parameters");
    if (clientId.isBlank()) {
      throw new IllegalArgumentException("clientId must not be blank");
    }
    if (samples < 1) {
      throw new IllegalArgumentException(
          "update from " + clientId + " claims " + samples + " samples; must be at least 1");
    }
  }
}
