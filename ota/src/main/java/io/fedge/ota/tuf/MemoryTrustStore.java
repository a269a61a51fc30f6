package io.fedge.ota.tuf;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Trusted metadata in memory: the hub stages a publish here, seeded from its database, and
 * commits the changed files in one transaction once the whole set verified.
 */
public final class MemoryTrustStore implements TrustStore {
  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private final Map<String, byte[]> changed = new LinkedHashMap<>();

  public MemoryTrustStore(Map<String, byte[]> initial) {
    files.putAll(initial);
  }

  @Override
  public Optional<byte[]> load(String name) {
    return Optional.ofNullable(files.get(name));
  }

  @Override
  public void save(String name, byte[] bytes) {
    files.put(name, bytes.clone());
    changed.put(name, bytes.clone());
  }

  @Override
  public void delete(String name) {
    files.remove(name);
    changed.put(name, null);
  }

  /** Files saved (value) or deleted (null value) since construction. */
  public Map<String, byte[]> changes() {
    return java.util.Collections.unmodifiableMap(changed);
  }
}
