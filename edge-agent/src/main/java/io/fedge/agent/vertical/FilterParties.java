package io.fedge.agent.vertical;

import io.fedge.agent.data.DataException;
import io.fedge.federation.psi.FilterClient;
import io.fedge.federation.psi.FilterServer;
import io.fedge.federation.psi.IdNormalizer;
import io.fedge.federation.psi.PsiCodec;
import io.fedge.federation.psi.PsiException;
import io.fedge.federation.psi.PsiMessage;
import io.fedge.federation.psi.PsiMessages.FilterPublication;
import io.fedge.federation.psi.PsiParty;
import io.fedge.federation.psi.PsiProgress;
import io.fedge.federation.psi.PsiResult;
import io.fedge.federation.psi.PsiSettings;
import io.fedge.federation.psi.PsiTransport;
import io.fedge.federation.vertical.relay.VerticalControl.PsiStage;
import io.fedge.federation.wire.WireCodec;
import io.fedge.provisioning.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unbalanced PSI mode over the relay (docs/psi.md, "Over MQTT"). The large party (the job's
 * host) keeps each filter it publishes, with the filter epoch's key, in
 * {@code <dir>/<filterId>.filter.json} (owner-only, atomic): a later job naming the same filter
 * resumes it and sends the kept filter, without hashing or blinding its set again. The small party
 * (the guest) waits in a {@link ClientSlot} for the filter, then runs a {@link FilterClient}.
 */
final class FilterParties {
  private static final Logger LOG = LoggerFactory.getLogger(FilterParties.class);
  private static final Pattern FILTER = Pattern.compile("[a-z0-9][a-z0-9-]{2,63}");
  /** Fingerprint bits of filters published over MQTT: false-positive rate per lookup <= 8/(2^32-1). */
  static final int FINGERPRINT_BITS = 32;

  private final Path dir;

  FilterParties(Path dir) {
    this.dir = dir;
  }

  /** The party of an UNBALANCED PSI stage: the filter server (host) or a client slot (guest). */
  PsiParty party(String self, PsiStage s, IdNormalizer normalizer, List<String> ids, PsiSettings settings,
      PsiTransport out, PsiProgress progress) {
    if ("guest".equals(s.role())) {
      return new ClientSlot(self, s.hosts().get(0), s.jobId(), normalizer, ids, settings, out, progress);
    }
    return server(self, s.guest(), s.filterId(), normalizer, ids, settings, out, progress);
  }

  private FilterServer server(String self, String guest, String filterId, IdNormalizer normalizer, List<String> ids,
      PsiSettings settings, PsiTransport out, PsiProgress progress) {
    Path file = file(filterId);
    boolean[] kept = {Files.exists(file)};
    FilterServer[] holder = new FilterServer[1];
    PsiTransport t = m -> {
      if (m instanceof FilterPublication fp) {
        if (!kept[0]) {
          keep(file, holder[0].keyBytes(), fp);
          kept[0] = true;
        }
        out.send(new FilterPublication(fp.version(), fp.session(), fp.from(), guest, fp.suite(), fp.normalization(),
            fp.itemCount(), fp.fingerprintBits(), fp.bucketCount(), fp.filter()));
      } else {
        out.send(m);
      }
    };
    if (kept[0]) {
      Kept k = load(file);
      if (!normalizer.spec().equals(k.publication.normalization())) {
        throw new DataException("filter " + filterId + " was built with '" + k.publication.normalization()
            + "' normalisation, this job uses '" + normalizer.spec() + "': name another psi.filterId");
      }
      holder[0] = FilterServer.resume(self, k.publication, k.key, settings, t, progress);
      LOG.info("PSI filter {} reused: kept filter of {} ids, none blinded again", filterId, k.publication.itemCount());
    } else {
      holder[0] = new FilterServer(self, filterId, normalizer, ids, FINGERPRINT_BITS, settings, t, progress,
          new SecureRandom());
      LOG.info("PSI filter {}: building it over {} ids", filterId, ids.size());
    }
    return holder[0];
  }

  /** What the large party reports for its PSI stage (it learns nothing about the small party's ids). */
  static Map<String, Double> serverMetrics(FilterServer s, long items) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("filter_ids_blinded", (double) s.blindedOwnIds());
    m.put("filter_items", (double) items);
    m.put("filter_fingerprint_bits", (double) FINGERPRINT_BITS);
    return m;
  }

  private Path file(String filterId) {
    if (!FILTER.matcher(filterId == null ? "" : filterId).matches()) {
      throw new DataException("the unbalanced PSI stage names no valid filter id");
    }
    return dir.resolve(filterId + ".filter.json");
  }

  private record Kept(byte[] key, FilterPublication publication) {}

  private static void keep(Path file, byte[] key, FilterPublication fp) {
    Map<String, String> json = new LinkedHashMap<>();
    json.put("key", Base64.getEncoder().encodeToString(key));
    json.put("publication", Base64.getEncoder().encodeToString(PsiCodec.encode(fp)));
    try {
      Files.createDirectories(file.getParent());
      Pem.writeSecret(file, WireCodec.mapper().writeValueAsString(json));
    } catch (IOException e) {
      throw new DataException("cannot keep the PSI filter in " + file.getFileName() + ": " + e.getMessage());
    }
  }

  private static Kept load(Path file) {
    try {
      Map<?, ?> json = WireCodec.mapper().readValue(file.toFile(), Map.class);
      PsiMessage m = PsiCodec.decode(Base64.getDecoder().decode((String) json.get("publication")));
      if (!(m instanceof FilterPublication fp)) {
        throw new DataException("the kept filter " + file.getFileName() + " holds no filter publication");
      }
      return new Kept(Base64.getDecoder().decode((String) json.get("key")), fp);
    } catch (IOException | RuntimeException e) {
      if (e instanceof DataException d) {
        throw d;
      }
      throw new DataException("the kept filter " + file.getFileName() + " is unreadable: " + e.getMessage());
    }
  }

  /**
   * The small party until the large party's filter arrives (sealed, from the host), then its
   * {@link FilterClient}: it learns its rows in the large set, up to the stated false-positive rate.
   */
  static final class ClientSlot extends PsiParty {
    private final String server;
    private final String jobId;
    private final IdNormalizer normalizer;
    private final List<String> ids;
    private FilterClient client;

    ClientSlot(String self, String server, String jobId, IdNormalizer normalizer, List<String> ids, PsiSettings settings,
        PsiTransport transport, PsiProgress progress) {
      super(self, transport, settings, progress);
      this.server = server;
      this.jobId = jobId;
      this.normalizer = normalizer;
      this.ids = ids;
    }

    /** Takes the large party's filter and starts the client session. */
    void accept(FilterPublication p) {
      if (client != null) {
        throw new PsiException(PsiException.Code.PROTOCOL_MISMATCH, "the large party sent its filter twice");
      }
      client = new FilterClient(self, server, jobId, p, normalizer, ids, settings, transport, progress, new SecureRandom());
      client.start();
    }

    /** Nothing to send: the large party opens with its filter. */
    @Override
    public void start() {}

    @Override
    public boolean isFinished() {
      return client != null && client.isFinished();
    }

    PsiResult result() {
      return client == null ? null : client.result();
    }

    Map<String, Double> metrics() {
      return Map.of("expected_false_positives_bound", client.expectedFalsePositivesBound());
    }

    @Override
    protected void handle(PsiMessage m) {
      if (client == null) {
        throw unexpected(m, "before the large party's filter");
      }
      client.onMessage(m);
    }

    /** The client already told the server when it stopped. */
    @Override
    protected List<String> peersToAbort(PsiMessage m) {
      return List.of();
    }

    @Override
    public void close() {
      if (client != null) {
        client.close();
      }
    }
  }
}
