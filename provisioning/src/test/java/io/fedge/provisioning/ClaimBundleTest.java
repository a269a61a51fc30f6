package io.fedge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaimBundleTest {
  @TempDir Path dir;
  private final String token = new ClaimTokens(Clock.systemUTC()).mint("plant-1", Duration.ofHours(1), "op").token();
  private final String fp = "0123456789abcdef".repeat(4);

  @Test
  void a_bundle_round_trips_through_an_owner_only_json_file() throws Exception {
    ClaimBundle b = new ClaimBundle("https://127.0.0.1:7443", fp.toUpperCase(), token, "site A");
    assertThat(b.caFingerprint()).isEqualTo(fp);
    Path f = dir.resolve("claim.json");
    b.write(f);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    assertThat(ClaimBundle.read(f)).isEqualTo(b);
    assertThat(b.toString()).doesNotContain(token);
  }

  @Test
  void plain_http_urls_with_paths_and_bad_fingerprints_or_tokens_are_refused() {
    assertThatThrownBy(() -> new ClaimBundle("http://hub:7443", fp, token, null)).hasMessageContaining("https");
    assertThatThrownBy(() -> new ClaimBundle("https://user@hub:7443", fp, token, null)).hasMessageContaining("no path");
    assertThatThrownBy(() -> new ClaimBundle("https://hub/x", fp, token, null)).hasMessageContaining("no path");
    assertThatThrownBy(() -> new ClaimBundle("https://hub", "abc", token, null)).hasMessageContaining("64 hex");
    assertThatThrownBy(() -> new ClaimBundle("https://hub", fp, "fct_nope", null)).hasMessageContaining("token");
    assertThat(new ClaimBundle("https://hub.example/", fp, token, null).hubUrl()).isEqualTo("https://hub.example");
  }

  @Test
  void an_invalid_file_is_reported_without_echoing_the_token() throws Exception {
    Path f = dir.resolve("claim.json");
    Files.writeString(f, "{\"hubUrl\":\"http://x\",\"caFingerprint\":\"" + fp + "\",\"token\":\"" + token + "\"}");
    assertThatThrownBy(() -> ClaimBundle.read(f)).isInstanceOf(IOException.class).hasMessageContaining("https")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
    Files.writeString(f, "not json");
    assertThatThrownBy(() -> ClaimBundle.read(f)).isInstanceOf(IOException.class);
  }
}
