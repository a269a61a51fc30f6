package io.fedge.federation.vertical.relay;

import io.fedge.federation.crypto.CryptoException;
import io.fedge.federation.crypto.RoundKeyPair;
import io.fedge.federation.wire.WireException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One node's end of the vertical relay (an agent's, or the hub's): numbers, seals and chunks what it
 * sends; reassembles, orders, opens and decodes what it receives, and hands whole messages to its
 * {@link Handler}. Device-to-device messages are sealed ({@link Sealing}) with the receiver's job
 * key from its {@link KeyAnnouncement}; until that key is known, messages to the peer wait (in
 * order), and sealed messages from a peer whose announcement has not arrived wait too.
 * Messages to and from the hub are not sealed (they travel inside MQTT over TLS; the hub is their
 * reader).
 */
public final class VerticalLink {
  /** Receives whole, authenticated, decoded messages, in order per (job, sender). */
  @FunctionalInterface
  public interface Handler {
    void onMessage(String jobId, String from, Object message);
  }

  private record Pending(String to, Object message) {}

  private record PeerKey(byte[] jobKey, PublicKey deviceKey) {}

  private final String self;
  private final PrivateKey deviceKey; // null at the hub
  private final PeerCertificates certificates;
  private final Consumer<VerticalPacket> wire;
  private final Handler handler;
  private final SecureRandom random;
  private final VerticalSender sender;
  private final VerticalReceiver receiver;
  private final Map<String, RoundKeyPair> ownKeys = new HashMap<>();
  private final Map<String, PeerKey> peers = new HashMap<>(); // job \0 party
  private final Map<String, Deque<Pending>> waitingOut = new HashMap<>();
  private final Map<String, Deque<VerticalReceiver.Message>> waitingIn = new HashMap<>();

  /**
   * @param deviceKey this device's certificate key (signs sealed messages), or null at the hub
   * @param certificates checks the chains in key announcements (unused at the hub)
   * @param wire puts one packet on the wire (agent: uplink; hub: downlink)
   * @param maxHeldBytes bound on bytes of incomplete messages held
   */
  public VerticalLink(String self, PrivateKey deviceKey, PeerCertificates certificates, Consumer<VerticalPacket> wire,
      Handler handler, SecureRandom random, long maxHeldBytes) {
    this.self = self;
    this.deviceKey = deviceKey;
    this.certificates = certificates;
    this.wire = wire;
    this.handler = handler;
    this.random = random;
    this.sender = new VerticalSender(self);
    this.receiver = new VerticalReceiver(self, maxHeldBytes);
  }

  public String self() {
    return self;
  }

  /**
   * Makes this device's key for {@code jobId} and sends its announcement to the hub, which
   * forwards it to the other parties.
   */
  public synchronized void announce(String jobId, List<X509Certificate> chain) {
    RoundKeyPair k = ownKeys.computeIfAbsent(jobId, j -> RoundKeyPair.generate(random));
    send(jobId, VerticalPacket.HUB, KeyAnnouncement.sign(jobId, self, k, chain, deviceKey, random));
    for (String peerKey : new ArrayList<>(waitingOut.keySet())) {
      if (peerKey.startsWith(jobId + "\u0000") && peers.containsKey(peerKey)) {
        for (Pending w : waitingOut.remove(peerKey)) {
          transmit(jobId, w.to(), w.message(), true);
        }
      }
    }
  }

  /** Sends one message of {@code jobId} to {@code to} (a party or {@link VerticalPacket#HUB}). */
  public synchronized void send(String jobId, String to, Object message) {
    boolean sealed = !VerticalPacket.HUB.equals(self) && !VerticalPacket.HUB.equals(to);
    if (sealed) {
      String k = key(jobId, to);
      Deque<Pending> q = waitingOut.get(k);
      if (peers.get(k) == null || ownKeys.get(jobId) == null || (q != null && !q.isEmpty())) {
        waitingOut.computeIfAbsent(k, x -> new ArrayDeque<>()).add(new Pending(to, message));
        return;
      }
    }
    transmit(jobId, to, message, sealed);
  }

  private void transmit(String jobId, String to, Object message, boolean sealed) {
    byte[] payload = VerticalCodec.encode(message);
    long seq = sender.nextSeq(jobId, to);
    if (sealed) {
      payload = Sealing.seal(jobId, self, to, seq, payload, peers.get(key(jobId, to)).jobKey(), deviceKey, random);
    }
    for (VerticalPacket p : sender.packets(jobId, to, seq, sealed, payload)) {
      wire.accept(p);
    }
  }

  /**
   * Takes one packet addressed to this node.
   *
   * @throws WireException or {@link CryptoException} for a packet or message that must be refused
   */
  public void onPacket(VerticalPacket p) {
    List<Object[]> ready = new ArrayList<>();
    synchronized (this) {
      if (VerticalPacket.HUB.equals(self) && p.sealed()) {
        throw new WireException(WireException.Reason.INVALID_FIELD, "the hub takes no sealed messages");
      }
      if (!VerticalPacket.HUB.equals(self) && p.betweenDevices() != p.sealed()) {
        throw new WireException(WireException.Reason.INVALID_FIELD,
            "a message from " + p.from() + " must " + (p.betweenDevices() ? "" : "not ") + "be sealed");
      }
      for (VerticalReceiver.Message m : receiver.accept(p)) {
        String k = key(m.jobId(), m.from());
        Deque<VerticalReceiver.Message> q = waitingIn.get(k);
        if (m.sealed() && (peers.get(k) == null || (q != null && !q.isEmpty()))) {
          waitingIn.computeIfAbsent(k, x -> new ArrayDeque<>()).add(m);
          continue;
        }
        open(m, ready);
      }
    }
    for (Object[] r : ready) {
      handler.onMessage((String) r[0], (String) r[1], r[2]);
    }
  }

  private void open(VerticalReceiver.Message m, List<Object[]> ready) {
    byte[] plain = m.payload();
    if (m.sealed()) {
      RoundKeyPair own = ownKeys.get(m.jobId());
      if (own == null) {
        throw new CryptoException("a sealed message for job " + m.jobId() + " arrived before this party made its key");
      }
      plain = Sealing.open(plain, m.jobId(), m.from(), self, m.seq(), own, peers.get(key(m.jobId(), m.from())).deviceKey());
    }
    Object message = VerticalCodec.decode(plain);
    if (message instanceof KeyAnnouncement a && !VerticalPacket.HUB.equals(self)) {
      if (!VerticalPacket.HUB.equals(m.from()) || a.party().equals(self)) {
        throw new WireException(WireException.Reason.INVALID_FIELD, "party keys come only from the hub, about peers");
      }
      PublicKey dk = a.verify(m.jobId(), certificates);
      String k = key(m.jobId(), a.party());
      peers.put(k, new PeerKey(a.publicKey(), dk));
      Deque<VerticalReceiver.Message> in = waitingIn.remove(k);
      if (in != null) {
        for (VerticalReceiver.Message w : in) {
          open(w, ready);
        }
      }
      Deque<Pending> out = waitingOut.remove(k);
      if (out != null && ownKeys.containsKey(m.jobId())) {
        for (Pending w : out) {
          transmit(m.jobId(), w.to(), w.message(), true);
        }
      } else if (out != null) {
        waitingOut.put(k, out);
      }
      ready.add(new Object[] {m.jobId(), m.from(), message});
      return;
    }
    ready.add(new Object[] {m.jobId(), m.from(), message});
  }

  /** Whether this party holds the job key of {@code party} for {@code jobId}. */
  public synchronized boolean knowsPeer(String jobId, String party) {
    return peers.containsKey(key(jobId, party));
  }

  /** Forgets a finished job: keys, counters, held messages. */
  public synchronized void forget(String jobId) {
    ownKeys.remove(jobId);
    String prefix = jobId + "\u0000";
    peers.keySet().removeIf(k -> k.startsWith(prefix));
    waitingOut.keySet().removeIf(k -> k.startsWith(prefix));
    waitingIn.keySet().removeIf(k -> k.startsWith(prefix));
    sender.forget(jobId);
    receiver.forget(jobId);
  }

  private static String key(String jobId, String party) {
    return jobId + "\u0000" + party;
  }
}
