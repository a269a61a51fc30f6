package io.fedge.federation.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's readiness: every named check must pass (the hub: database reachable, broker running,
 * its own MQTT client connected; the agent: enrolled, connected, store answering). A check that
 * throws counts as failed. A change of the outcome is logged once with the failing checks, so an
 * operator sees why {@code /readyz} is 503.
 */
public final class Readiness implements BooleanSupplier {
  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);
  private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
  private volatile boolean last = true;

  /** Adds a check; {@code name} appears in the log when it fails. */
  public Readiness check(String name, BooleanSupplier check) {
    checks.put(name, check);
    return this;
  }

  /** Each check by name: true if it passes now. */
  public Map<String, Boolean> results() {
    Map<String, Boolean> out = new LinkedHashMap<>();
    checks.forEach((name, c) -> {
      boolean ok;
      try {
        ok = c.getAsBoolean();
      } catch (RuntimeException e) {
        ok = false;
      }
      out.put(name, ok);
    });
    return out;
  }

  @Override
  public boolean getAsBoolean() {
    Map<String, Boolean> r = results();
    boolean ok = !r.containsValue(false);
    if (ok != last) {
      last = ok;
      if (ok) {
        LOG.info("ready again");
      } else {
        LOG.warn("not ready: failing checks {}", r.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList());
      }
    }
    return ok;
  }
}
