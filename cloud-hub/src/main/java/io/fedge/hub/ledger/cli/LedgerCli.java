package io.fedge.hub.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.federation.ledger.Checkpoint;
import io.fedge.federation.ledger.LedgerCheckException;
import io.fedge.federation.ledger.LedgerReceipt;
import io.fedge.federation.ledger.NoteException;
import io.fedge.federation.ledger.NoteVerifier;
import io.fedge.federation.ledger.ProofException;
import io.fedge.federation.ledger.ReceiptVerifier;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.db.Database;
import io.fedge.hub.ledger.LedgerStore;
import io.fedge.provisioning.TlsContexts;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fedge ledger verify} and {@code fedge ledger audit}: offline checks of the hub's ledger
 * with nothing but its public key (docs/ledger.md, "Auditing"). Exit 0: verified; 1: a check
 * failed (each failure printed); 2: bad usage or unreadable input.
 */
@Command(name = "ledger", mixinStandardHelpOptions = true, subcommands = {LedgerCli.Verify.class, LedgerCli.Audit.class},
    description = "Verify entries and audit the whole Fedge ledger with only its public key.")
public final class LedgerCli implements Callable<Integer> {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI and returns its exit code (for tests). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new LedgerCli());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("fedge ledger: " + ex.getMessage());
      return USAGE;
    });
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return USAGE;
  }

  static NoteVerifier readKey(Path file) throws IOException {
    try {
      return NoteVerifier.parse(Files.readString(file).trim());
    } catch (NoteException e) {
      throw new IOException(file + " is not a ledger public key (origin+keyid+base64): " + e.getMessage());
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check that one entry is in the log under a signed checkpoint.")
  static final class Verify implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--entry", required = true, description = "the entry's canonical JSON, exactly as logged")
    Path entry;

    @Option(names = "--proof", required = true,
        description = "inclusion proof JSON {index, size, hashes} (GET /api/v1/ledger/proof/inclusion), or a receipt {index, inclusion, ...}")
    Path proof;

    @Option(names = "--checkpoint", required = true, description = "the signed checkpoint note")
    Path checkpoint;

    @Option(names = "--public-key", required = true, description = "the ledger's public key, obtained out of band")
    Path publicKey;

    @Override
    public Integer call() throws IOException {
      NoteVerifier key = readKey(publicKey);
      JsonNode p = WireCodec.mapper().readTree(Files.readAllBytes(proof));
      List<String> hashes = new ArrayList<>();
      (p.has("hashes") ? p.get("hashes") : p.path("inclusion")).forEach(h -> hashes.add(h.asText()));
      if (!p.path("index").canConvertToLong()) {
        throw new IOException(proof + " has no 'index'");
      }
      long index = p.get("index").asLong();
      String note = Files.readString(checkpoint);
      PrintWriter out = spec.commandLine().getOut();
      try {
        ReceiptVerifier.Verified v =
            ReceiptVerifier.verifyInclusion(index, Files.readAllBytes(entry), LedgerReceipt.decodeHashes(hashes), note, key);
        if (p.has("size") && p.get("size").asLong() != v.checkpoint().size()) {
          spec.commandLine().getErr().println("FAILED: the proof is for size " + p.get("size").asLong()
              + " but the checkpoint is of size " + v.checkpoint().size() + "; fetch the proof for the checkpoint's size");
          return FAILED;
        }
        out.println("OK: entry " + index + " (" + v.entry().type() + ") is in the log " + v.checkpoint().origin()
            + " under the signed checkpoint of size " + v.checkpoint().size() + ", root "
            + Base64.getEncoder().encodeToString(v.checkpoint().rootHash()));
        return OK;
      } catch (LedgerCheckException | ProofException e) {
        spec.commandLine().getErr().println("FAILED: " + e.getMessage());
        return FAILED;
      }
    }
  }

  @Command(name = "audit", mixinStandardHelpOptions = true,
      description = "Replay the whole log: recompute every leaf hash and the root, and check them against the signed checkpoints.")
  static final class Audit implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
      @Option(names = "--hub", description = "hub URL (https://host:port); needs --token-file and --ca-fingerprint") String hub;
      @Option(names = "--db", description = "JDBC URL of the hub database (jdbc:sqlite:... or jdbc:postgresql:...), read only") String db;
    }

    @Option(names = "--token-file", description = "file holding the ops token (with --hub)") Path tokenFile;
    @Option(names = "--ca-fingerprint", description = "SHA-256 of the hub's root CA (with --hub)") String caFingerprint;

    @Option(names = "--public-key", required = true, description = "the ledger's public key, obtained out of band")
    Path publicKey;

    @Option(names = "--known-checkpoint", description = "a signed checkpoint you kept earlier (repeatable): the log must still contain it")
    List<Path> known = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      NoteVerifier key = readKey(publicKey);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<String> problems = new ArrayList<>();
      List<Checkpoint> checkpoints = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      for (Path k : known) {
        notes.add(Files.readString(k));
      }
      EntrySource entries = source.db != null ? new DbSource(source.db) : new HubSource(source.hub, tokenFile, caFingerprint);
      try {
        notes.addAll(entries.checkpointNotes());
        for (String n : notes) {
          try {
            checkpoints.add(ReceiptVerifier.openCheckpoint(n, key));
          } catch (LedgerCheckException e) {
            problems.add(e.getMessage());
          }
        }
        if (checkpoints.isEmpty() && problems.isEmpty()) {
          problems.add("no signed checkpoint to check the log against");
        }
        LogReplay replay = new LogReplay(checkpoints);
        entries.forEach(replay::add);
        problems.addAll(replay.finish());
        if (problems.isEmpty()) {
          long max = checkpoints.stream().mapToLong(Checkpoint::size).max().orElse(0);
          out.println("OK: " + replay.size() + " entries replayed; every leaf hash and the root at each of "
              + checkpoints.size() + " signed checkpoints (largest " + max + ") match; root now "
              + Base64.getEncoder().encodeToString(replay.root()));
          return OK;
        }
        for (String p : problems) {
          err.println("MISMATCH: " + p);
        }
        err.println("FAILED: the ledger does not match its signed checkpoints (" + problems.size() + " problems)");
        return FAILED;
      } finally {
        entries.close();
      }
    }
  }

  /** Where the audit reads entries and checkpoints. */
  interface EntrySource extends AutoCloseable {
    List<String> checkpointNotes() throws Exception;

    void forEach(EntryConsumer c) throws Exception;

    @Override
    void close();
  }

  @FunctionalInterface
  interface EntryConsumer {
    void add(long index, String entry, byte[] storedLeafHash);
  }

  static final class DbSource implements EntrySource {
    private final Database db;
    private final LedgerStore store;

    DbSource(String url) {
      this.db = Database.open(url);
      this.store = new LedgerStore(db);
    }

    @Override
    public List<String> checkpointNotes() {
      return db.inTransaction(c -> {
        List<String> out = new ArrayList<>();
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT note FROM ledger_checkpoints ORDER BY size")) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
        return out;
      });
    }

    @Override
    public void forEach(EntryConsumer c) {
      long next = 0;
      while (true) {
        List<LedgerStore.StoredEntry> page = store.entries(next, 1000);
        if (page.isEmpty()) {
          return;
        }
        for (LedgerStore.StoredEntry e : page) {
          c.add(e.index(), e.entry(), e.leafHash());
        }
        next = page.get(page.size() - 1).index() + 1;
      }
    }

    @Override
    public void close() {
      db.close();
    }
  }

  static final class HubSource implements EntrySource {
    private final String base;
    private final String token;
    private final HttpClient http;

    HubSource(String hub, Path tokenFile, String fingerprint) throws IOException {
      if (tokenFile == null || fingerprint == null) {
        throw new IOException("--hub needs --token-file and --ca-fingerprint");
      }
      this.base = hub.replaceAll("/+$", "");
      this.token = Files.readString(tokenFile).trim();
      this.http = HttpClient.newBuilder().sslContext(TlsContexts.pinnedClient(fingerprint)).build();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
      HttpResponse<byte[]> r = http.send(
          HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IOException("hub answered " + r.statusCode() + " to " + path + ": " + new String(r.body(), StandardCharsets.UTF_8));
      }
      return WireCodec.mapper().readTree(r.body());
    }

    @Override
    public List<String> checkpointNotes() throws IOException, InterruptedException {
      return List.of(get("/api/v1/ledger/checkpoint").path("note").asText());
    }

    @Override
    public void forEach(EntryConsumer c) throws IOException, InterruptedException {
      long next = 0;
      while (true) {
        JsonNode page = get("/api/v1/ledger/entries?start=" + URLEncoder.encode(Long.toString(next), StandardCharsets.UTF_8) + "&limit=1000");
        if (page.path("entries").isEmpty()) {
          return;
        }
        for (JsonNode e : page.path("entries")) {
          // The hub's own leaf hash is not trusted: the replay recomputes it from the entry.
          c.add(e.path("index").asLong(), e.path("entry").asText(), null);
          next = e.path("index").asLong() + 1;
        }
      }
    }

    @Override
    public void close() {}
  }
}
