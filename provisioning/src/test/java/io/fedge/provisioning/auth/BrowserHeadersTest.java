package io.fedge.provisioning.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrowserHeadersTest {
  private static Map<String, String> headers(boolean tls, String cache) {
    Map<String, String> h = new LinkedHashMap<>();
    BrowserHeaders.apply(h::put, tls, cache);
    return h;
  }

  @Test
  void pagesRunOnlyTheirOwnScriptsCannotBeFramedAndSendNoReferrer() {
    Map<String, String> h = headers(false, "no-store");
    assertThat(h.get("Content-Security-Policy")).contains("script-src 'self'", "frame-ancestors 'none'", "default-src 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(h).containsEntry("X-Frame-Options", "DENY").containsEntry("X-Content-Type-Options", "nosniff")
        .containsEntry("Referrer-Policy", "no-referrer").containsEntry("Cross-Origin-Opener-Policy", "same-origin")
        .containsEntry("Cache-Control", "no-store");
  }

  @Test
  void strictTransportSecurityIsSentOnlyOverTls() {
    assertThat(headers(false, "no-cache")).doesNotContainKey("Strict-Transport-Security");
    assertThat(headers(true, "no-cache")).containsEntry("Strict-Transport-Security", "max-age=31536000")
        .containsEntry("Cache-Control", "no-cache");
  }
}
