package io.fedge.hub.broker.external;

import io.fedge.provisioning.CertificateAuthority;
import io.fedge.provisioning.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Writes the device CA's revocation list (PEM) for an external broker, atomically, so a broker
 * rereading it never sees half a file.
 */
public final class RevocationList {
  private final CertificateAuthority ca;
  private final Path file;
  private final Duration validity;
  private final Supplier<Collection<String>> revokedSerialsHex;

  /**
   * @param revokedSerialsHex serials (hex) of the certificates to list: those of revoked devices
   */
  public RevocationList(
      CertificateAuthority ca, Path file, Duration validity, Supplier<Collection<String>> revokedSerialsHex) {
    this.ca = Objects.requireNonNull(ca);
    this.file = Objects.requireNonNull(file);
    this.validity = Objects.requireNonNull(validity);
    this.revokedSerialsHex = Objects.requireNonNull(revokedSerialsHex);
  }

  public Path file() {
    return file;
  }

  /** Signs and writes a fresh list; returns how many certificates it lists. */
  public synchronized int write() throws IOException {
    List<BigInteger> serials =
        revokedSerialsHex.get().stream().filter(Objects::nonNull).map(h -> new BigInteger(h, 16)).distinct().toList();
    String pem = Pem.crl(ca.issueCrl(serials, validity));
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".crl", ".tmp");
    try {
      Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
      // Public data: the broker (another user) must be able to read it.
      tmp.toFile().setReadable(true, false);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return serials.size();
  }
}
