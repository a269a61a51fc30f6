package io.fedge.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedge.provisioning.ClaimBundle;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityManagerTest {
  @TempDir Path dir;

  @Test
  void theEnrollmentKeyIsKeptPrivatelyAcrossAttemptsAndRestartsWhileTheHubIsUnreachable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Path bundle = dir.resolve("claim.json");
    new ClaimBundle("https://127.0.0.1:" + closedPort, "a".repeat(64), "fct_aaaaaaaaaaaaaaaa." + "b".repeat(43), null)
        .write(bundle);
    Path keyFile = dir.resolve("enrollment-key.pem");

    String first = attemptUntilKeyExists(bundle, keyFile);
    assertThat(Files.getPosixFilePermissions(keyFile))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    // A reboot before the hub ever answered: the same key is used again.
    String second = attemptUntilKeyExists(bundle, keyFile);
    assertThat(second).isEqualTo(first);
    assertThat(first).contains("PRIVATE KEY").doesNotContain(bundle.toString());
    assertThat(Files.exists(bundle)).as("the claim bundle is kept until enrollment succeeds").isTrue();
  }

  private String attemptUntilKeyExists(Path bundle, Path keyFile) throws Exception {
    IdentityManager m =
        new IdentityManager(dir.resolve("identity"), bundle, Clock.systemUTC(), Duration.ofMillis(50), Duration.ofMillis(200));
    Thread t =
        new Thread(
            () -> {
              try {
                m.ensureEnrolled();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    t.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(keyFile) && m.lastError() != null);
    assertThat(m.lastError()).contains("hub unreachable");
    assertThat(m.state()).isNotEqualTo(IdentityManager.State.ENROLLED);
    t.interrupt();
    t.join(5_000);
    return Files.readString(keyFile);
  }
}
