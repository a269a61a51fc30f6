package io.fedge.agent.ota;

import io.fedge.ota.download.ResumableDownload;
import io.fedge.ota.tuf.MetadataSource;
import io.fedge.ota.tuf.TufException;
import io.fedge.provisioning.DeviceCredentials;
import io.fedge.provisioning.TlsContexts;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hub's OTA endpoints as the device sees them: {@code GET /ota/v1/metadata/{name}} and
 * {@code GET /ota/v1/targets/{name}} with a Range header, over mutual TLS with the device
 * certificate (the hub serves enrolled, unrevoked devices only). Nothing here is trusted: the TUF
 * client and the target check verify every byte.
 */
final class HubOtaClient implements MetadataSource {
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes ([0-9]+)-([0-9]+)/([0-9]+|\\*)");

  private final String base;
  private final HttpClient http;

  HubOtaClient(DeviceCredentials creds) {
    String hub = creds.hubUrl();
    this.base = hub.endsWith("/") ? hub.substring(0, hub.length() - 1) : hub;
    this.http = HttpClient.newBuilder()
        .sslContext(TlsContexts.mutual(creds.privateKey(), creds.chain(), creds.root()))
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  @Override
  public Optional<byte[]> fetch(String name, long maxBytes) throws IOException, TufException {
    HttpResponse<InputStream> r = send(HttpRequest.newBuilder(URI.create(base + "/ota/v1/metadata/" + name))
        .timeout(Duration.ofSeconds(30)).GET().build());
    try (InputStream in = r.body()) {
      if (r.statusCode() == 404) {
        return Optional.empty();
      }
      if (r.statusCode() != 200) {
        throw new IOException("hub answered " + r.statusCode() + " for metadata " + name);
      }
      return Optional.of(MetadataSource.readAtMost(in, maxBytes, name));
    }
  }

  /** A Range request source for one target. */
  ResumableDownload.RangeSource target(String name) {
    return offset -> {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/ota/v1/targets/" + name))
          .timeout(Duration.ofMinutes(30)).GET();
      if (offset > 0) {
        b.header("Range", "bytes=" + offset + "-");
      }
      HttpResponse<InputStream> r = send(b.build());
      long first = 0;
      if (r.statusCode() == 206) {
        Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
        if (!m.matches()) {
          r.body().close();
          throw new IOException("hub sent 206 without a valid Content-Range");
        }
        first = Long.parseLong(m.group(1));
      }
      return new ResumableDownload.Response(r.statusCode(), first, r.body());
    };
  }

  private HttpResponse<InputStream> send(HttpRequest req) throws IOException {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
