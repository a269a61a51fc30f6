package io.fedge.hub.vertical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.rounds.Chunk;
import io.fedge.federation.rounds.Chunks;
import io.fedge.federation.vertical.LrMessages;
import io.fedge.federation.vertical.relay.VerticalLink;
import io.fedge.federation.vertical.relay.VerticalPacket;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireException;
import io.fedge.hub.rounds.CaDeviceKeys;
import io.fedge.provisioning.CertificateAuthority;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerticalRelayTest {
  @TempDir Path dir;

  private final List<Object[]> forwarded = new ArrayList<>();
  private final List<VerticalPacket> toHub = new ArrayList<>();
  private final VerticalRelay relay = new VerticalRelay(
      job -> job.equals("job-1") ? Optional.of(Set.of("dev-a", "dev-b")) : Optional.empty(),
      (device, kind, body) -> forwarded.add(new Object[] {device, kind, body}), toHub::add);

  private static VerticalPacket packet(String from, String to, boolean sealed) {
    Chunk c = Chunks.split(VerticalPacket.transferId("job-1", from, to, 0), new byte[] {1, 2}).get(0);
    return new VerticalPacket("job-1", from, to, 0, sealed, c);
  }

  @Test
  void relayForwardsSealedPacketsBetweenPartiesAndKeepsHubPackets() {
    relay.onPacket("dev-a", packet("dev-a", "dev-b", true));
    relay.onPacket("dev-b", packet("dev-b", "hub", false));
    assertThat(forwarded).hasSize(1);
    assertThat(forwarded.get(0)[0]).isEqualTo("dev-b");
    assertThat(forwarded.get(0)[1]).isEqualTo(Kinds.VERTICAL);
    assertThat(toHub).hasSize(1);
  }

  @Test
  void relayRefusesWrongSenderNonPartiesUnknownJobsAndPlaintext() {
    assertThatThrownBy(() -> relay.onPacket("dev-b", packet("dev-a", "dev-b", true)))
        .isInstanceOf(WireException.class).hasMessageContaining("sent by dev-b");
    assertThatThrownBy(() -> relay.onPacket("dev-x", packet("dev-x", "dev-b", true)))
        .hasMessageContaining("dev-x is not a party");
    assertThatThrownBy(() -> relay.onPacket("dev-a", packet("dev-a", "dev-x", true)))
        .hasMessageContaining("dev-x is not a party");
    assertThatThrownBy(() -> relay.onPacket("dev-a", packet("dev-a", "dev-b", false)))
        .hasMessageContaining("must be sealed");
    Chunk c = Chunks.split(VerticalPacket.transferId("job-2", "dev-a", "dev-b", 0), new byte[] {1}).get(0);
    assertThatThrownBy(() -> relay.onPacket("dev-a", new VerticalPacket("job-2", "dev-a", "dev-b", 0, true, c)))
        .hasMessageContaining("no running vertical job");
    assertThat(forwarded).isEmpty();
  }

  @Test
  void packetsWithBadChunksOrOversizeAreRefusedBeforeTheRelay() {
    byte[] data = {1, 2, 3};
    String t = VerticalPacket.transferId("job-1", "dev-a", "dev-b", 0);
    String sha = Chunks.sha256Hex(data);
    assertThatThrownBy(() -> new Chunk(t, 0, 1, 3, sha, sha, new byte[] {1, 2, 4}))
        .isInstanceOf(WireException.class).hasMessageContaining("damaged");
    Chunk many = new Chunk(t, 0, VerticalPacket.MAX_CHUNKS + 1, 3, sha, sha, data);
    assertThatThrownBy(() -> new VerticalPacket("job-1", "dev-a", "dev-b", 0, true, many))
        .hasMessageContaining("at most");
  }

  /**
   * Two devices and the hub, each with a {@link VerticalLink}, over this relay: party keys are
   * announced through the hub, a large message between the devices is chunked, sealed, relayed and
   * opened; the hub saw only sealed bytes.
   */
  @Test
  void devicesExchangeSealedChunkedMessagesThroughTheRelayThatCannotReadThem() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), Clock.systemUTC());
    CaDeviceKeys caKeys = new CaDeviceKeys(ca.root(), id -> true);
    io.fedge.federation.vertical.relay.PeerCertificates certs = caKeys::verifiedKey;
    Deque<Object[]> wire = new ArrayDeque<>(); // {fromDevice or null (hub), packet}
    Map<String, List<Object[]>> got = new HashMap<>();
    Map<String, VerticalLink> links = new HashMap<>();
    List<byte[]> relayedBetweenDevices = new ArrayList<>();
    VerticalLink hub = new VerticalLink("hub", null, certs, p -> wire.add(new Object[] {null, p}),
        (job, from, m) -> {
          // the hub forwards each announcement to the other party
          String other = from.equals("dev-a") ? "dev-b" : "dev-a";
          links.get("hub").send(job, other, m);
        }, new SecureRandom(), 1 << 26);
    links.put("hub", hub);
    VerticalRelay r = new VerticalRelay(job -> Optional.of(Set.of("dev-a", "dev-b")),
        (device, kind, body) -> {
          VerticalPacket p = (VerticalPacket) body;
          relayedBetweenDevices.add(p.chunk().data());
          wire.add(new Object[] {null, p});
        }, hub::onPacket);
    Map<String, List<X509Certificate>> chains = new HashMap<>();
    for (String id : List.of("dev-a", "dev-b")) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      chains.put(id, ca.chainFor(ca.issueDevice(kp.getPublic(), id, "dealers", Duration.ofDays(1))));
      links.put(id, new VerticalLink(id, kp.getPrivate(), certs, p -> wire.add(new Object[] {id, p}),
          (job, from, m) -> got.computeIfAbsent(id, k -> new ArrayList<>()).add(new Object[] {from, m}),
          new SecureRandom(), 1 << 26));
    }
    long[] values = new Random(3).longs(60_000).toArray(); // 480 KB: three chunks
    // dev-a sends before any key is known: the message waits, then goes sealed
    links.get("dev-a").send("job-1", "dev-b", new LrMessages.MaskedFeatures("job-1", 6, values));
    links.get("dev-a").announce("job-1", chains.get("dev-a"));
    links.get("dev-b").announce("job-1", chains.get("dev-b"));
    Object[] w;
    while ((w = wire.poll()) != null) {
      VerticalPacket p = (VerticalPacket) w[1];
      if (w[0] != null) {
        r.onPacket((String) w[0], p);
      } else {
        links.get(p.to()).onPacket(p);
      }
    }
    List<Object[]> atB = got.get("dev-b");
    Object last = atB.get(atB.size() - 1)[1];
    assertThat(last).isInstanceOf(LrMessages.MaskedFeatures.class);
    assertThat(((LrMessages.MaskedFeatures) last).values()).isEqualTo(values);
    assertThat(relayedBetweenDevices.size()).isGreaterThanOrEqualTo(3);
    // the hub's copy contains no 8-byte run of the plaintext values in either byte order
    byte[] all = concat(relayedBetweenDevices);
    assertThat(containsLong(all, values[12345])).isFalse();
  }

  private static byte[] concat(List<byte[]> parts) {
    int n = parts.stream().mapToInt(b -> b.length).sum();
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] b : parts) {
      System.arraycopy(b, 0, out, o, b.length);
      o += b.length;
    }
    return out;
  }

  private static boolean containsLong(byte[] hay, long v) {
    String text = Long.toString(v);
    if (new String(hay, java.nio.charset.StandardCharsets.ISO_8859_1).contains(text)) {
      return true;
    }
    for (int i = 0; i + 8 <= hay.length; i++) {
      if (java.nio.ByteBuffer.wrap(hay, i, 8).getLong() == v
          || java.nio.ByteBuffer.wrap(hay, i, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong() == v) {
        return true;
      }
    }
    return false;
  }
}
