package io.fedge.hub.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.ledger.Checkpoint;
import io.fedge.federation.wire.WireCodec;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * Anchors checkpoints on an EVM chain: one legacy (EIP-155) transaction per checkpoint, from the
 * anchoring account to itself, value 0, whose data field is the UTF-8 checkpoint body
 * ({@code <origin>\n<size>\n<base64 root>\n}). Anyone can read it back with {@code
 * eth_getTransactionByHash} and compare it with a checkpoint they hold ({@link #anchoredBody}).
 *
 * <p>Signing and RLP encoding are web3j's ({@code org.web3j:crypto}); the four JSON-RPC calls
 * ({@code eth_getTransactionCount}, {@code eth_gasPrice}, {@code eth_sendRawTransaction}, {@code
 * eth_getTransactionReceipt}) go over {@code java.net.http}. The anchor waits for the receipt and
 * fails unless its status is 1.
 */
public final class EvmAnchor implements CheckpointAnchor {
  private static final BigInteger BASE_GAS = BigInteger.valueOf(21_000);
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final URI rpc;
  private final Credentials credentials;
  private final long chainId;
  private final Duration receiptWait;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final AtomicLong ids = new AtomicLong();

  /**
   * @param rpc the node's JSON-RPC URL
   * @param privateKeyHex the anchoring account's secp256k1 private key (hex); never logged
   * @param chainId the chain id the transactions are signed for (EIP-155)
   */
  public EvmAnchor(URI rpc, String privateKeyHex, long chainId, Duration receiptWait) {
    this.rpc = rpc;
    this.credentials = Credentials.create(privateKeyHex.trim());
    this.chainId = chainId;
    this.receiptWait = receiptWait;
  }

  /** From the {@code ledger.anchor.evm.*} settings; the key file should be 0600. */
  public static EvmAnchor fromSettings(LedgerSettings s) throws IOException {
    if (s.evmKeyFile() == null) {
      throw new IOException("ledger.anchor.evm.url is set but ledger.anchor.evm.key.file is not");
    }
    String key = Files.readString(Path.of(s.evmKeyFile())).trim();
    return new EvmAnchor(URI.create(s.evmUrl()), key, s.evmChainId(), Duration.ofSeconds(60));
  }

  @Override
  public String name() {
    return "evm";
  }

  /** The anchoring account, 0x-prefixed. */
  public String address() {
    return credentials.getAddress();
  }

  @Override
  public String anchor(Checkpoint checkpoint, String signedNote) throws IOException, InterruptedException {
    byte[] data = checkpoint.toBody().getBytes(StandardCharsets.UTF_8);
    BigInteger nonce = quantity(call("eth_getTransactionCount", List.of(address(), "pending")));
    BigInteger gasPrice = quantity(call("eth_gasPrice", List.of()));
    BigInteger gasLimit = BASE_GAS.add(BigInteger.valueOf(16L * data.length + 5_000));
    RawTransaction tx = RawTransaction.createTransaction(nonce, gasPrice, gasLimit, address(), BigInteger.ZERO, Numeric.toHexString(data));
    String signed = Numeric.toHexString(TransactionEncoder.signMessage(tx, chainId, credentials));
    String hash = call("eth_sendRawTransaction", List.of(signed)).asText();
    long deadline = System.nanoTime() + receiptWait.toNanos();
    while (true) {
      JsonNode receipt = call("eth_getTransactionReceipt", List.of(hash));
      if (receipt != null && !receipt.isNull()) {
        if (!"0x1".equals(receipt.path("status").asText())) {
          throw new IOException("anchoring transaction " + hash + " failed on chain (status " + receipt.path("status").asText() + ")");
        }
        return hash;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("anchoring transaction " + hash + " not mined within " + receiptWait.toSeconds() + " s");
      }
      Thread.sleep(200);
    }
  }

  /** The checkpoint body a transaction anchored (its data field as UTF-8), for auditors. */
  public String anchoredBody(String txHash) throws IOException, InterruptedException {
    JsonNode tx = call("eth_getTransactionByHash", List.of(txHash));
    if (tx == null || tx.isNull()) {
      throw new IOException("no transaction " + txHash + " on the chain");
    }
    return new String(Numeric.hexStringToByteArray(tx.path("input").asText()), StandardCharsets.UTF_8);
  }

  private JsonNode call(String method, List<Object> params) throws IOException, InterruptedException {
    ObjectNode req = WireCodec.mapper().createObjectNode();
    req.put("jsonrpc", "2.0");
    req.put("id", ids.incrementAndGet());
    req.put("method", method);
    req.set("params", WireCodec.mapper().valueToTree(params));
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(rpc).timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(WireCodec.mapper().writeValueAsBytes(req))).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException(method + ": the node answered HTTP " + r.statusCode());
    }
    JsonNode body = WireCodec.mapper().readTree(r.body());
    if (body.hasNonNull("error")) {
      throw new IOException(method + ": " + body.get("error").path("message").asText());
    }
    return body.get("result");
  }

  private static BigInteger quantity(JsonNode n) throws IOException {
    if (n == null || !n.isTextual() || !n.asText().startsWith("0x")) {
      throw new IOException("the node sent a malformed quantity");
    }
    return Numeric.decodeQuantity(n.asText());
  }
}
