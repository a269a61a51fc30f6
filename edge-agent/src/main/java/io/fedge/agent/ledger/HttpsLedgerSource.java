package io.fedge.agent.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.federation.ledger.LedgerReceipt;
import io.fedge.federation.ledger.ProofException;
import io.fedge.federation.wire.WireCodec;
import io.fedge.provisioning.DeviceCredentials;
import io.fedge.provisioning.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link LedgerSource} over the hub's {@code /ledger/v1} routes: mutual TLS with the device's
 * current certificate, the hub authenticated by the root the device enrolled with.
 */
public final class HttpsLedgerSource implements LedgerSource {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private final Supplier<DeviceCredentials> credentials;

  public HttpsLedgerSource(Supplier<DeviceCredentials> credentials) {
    this.credentials = credentials;
  }

  @Override
  public String publicKey() throws IOException {
    return get("/ledger/v1/public-key").orElseThrow(() -> new IOException("hub has no ledger public key")).path("key").asText();
  }

  @Override
  public String latestCheckpoint() throws IOException {
    return get("/ledger/v1/checkpoint").orElseThrow(() -> new IOException("hub has no checkpoint yet")).path("note").asText();
  }

  @Override
  public List<byte[]> consistency(long from, long to) throws IOException {
    return hashes(get("/ledger/v1/proof/consistency?from=" + from + "&to=" + to).orElseThrow(() -> new IOException("no consistency proof")));
  }

  @Override
  public List<byte[]> inclusion(long index, long size) throws IOException {
    return hashes(get("/ledger/v1/proof/inclusion?index=" + index + "&size=" + size).orElseThrow(() -> new IOException("no inclusion proof")));
  }

  @Override
  public List<LedgerReceipt> receiptsAfter(long after) throws IOException {
    JsonNode n = get("/ledger/v1/receipts?after=" + after).orElseThrow(() -> new IOException("no receipts route"));
    List<LedgerReceipt> out = new ArrayList<>();
    for (JsonNode r : n.path("receipts")) {
      out.add(WireCodec.mapper().treeToValue(r, LedgerReceipt.class));
    }
    return out;
  }

  @Override
  public Optional<String> entry(long index) throws IOException {
    return get("/ledger/v1/entries/" + index).map(n -> n.path("entry").asText());
  }

  private static List<byte[]> hashes(JsonNode n) throws IOException {
    List<String> list = new ArrayList<>();
    n.path("hashes").forEach(h -> list.add(h.asText()));
    try {
      return LedgerReceipt.decodeHashes(list);
    } catch (ProofException e) {
      throw new IOException("hub sent a malformed proof: " + e.getMessage(), e);
    }
  }

  /** The JSON answer, empty on 404, IOException on anything else but 200. */
  private Optional<JsonNode> get(String path) throws IOException {
    DeviceCredentials c = credentials.get();
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(TlsContexts.mutual(c.privateKey(), c.chain(), c.root()))
            .connectTimeout(TIMEOUT)
            .build();
    HttpRequest req = HttpRequest.newBuilder(URI.create(c.hubUrl() + path)).timeout(TIMEOUT).GET().build();
    HttpResponse<byte[]> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (resp.statusCode() == 404) {
      return Optional.empty();
    }
    if (resp.statusCode() != 200) {
      throw new IOException("hub answered " + resp.statusCode() + " to " + path);
    }
    return Optional.of(WireCodec.mapper().readTree(resp.body()));
  }
}
