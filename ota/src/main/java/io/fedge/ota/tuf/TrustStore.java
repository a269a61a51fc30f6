package io.fedge.ota.tuf;

import java.io.IOException;
import java.util.Optional;

/**
 * The client's trusted metadata: {@code root.json}, {@code timestamp.json}, {@code snapshot.json},
 * {@code targets.json}. Each save must be atomic (a crash leaves the old or the new file).
 */
public interface TrustStore {
  Optional<byte[]> load(String name) throws IOException;

  void save(String name, byte[] bytes) throws IOException;

  void delete(String name) throws IOException;
}
