package io.fedge.ota.slots;

import java.io.IOException;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * The A/B pointer: which slot boots, which one it replaced, and whether the active slot is still
 * on trial. Stored as {@code <home>/boot.properties}, replaced atomically (write, fsync, rename) and
 * changed only under an exclusive lock on {@code <home>/boot.lock}, because the launcher and the
 * agent both write it. JDK only: the launcher reads it.
 *
 * @param active slot that boots: {@code a} or {@code b}
 * @param previous slot to roll back to (null before the first update)
 * @param state {@link State#STABLE} or {@link State#TRIAL}
 * @param trialBoots how many times the launcher started the trial slot
 * @param outcome result of the last update for the agent to report: none, updated, rolled-back
 * @param outcomeVersion version the outcome is about
 * @param outcomeDetail why (for a rollback), free text
 * @param reported whether the agent has queued its report of the outcome
 */
public record BootPointer(
    String active,
    String previous,
    State state,
    int trialBoots,
    String outcome,
    String outcomeVersion,
    String outcomeDetail,
    boolean reported) {

  public enum State {
    STABLE,
    TRIAL
  }

  public static final String FILE = "boot.properties";

  public static BootPointer initial(String slot) {
    return new BootPointer(slot, null, State.STABLE, 0, "none", null, null, true);
  }

  public static String other(String slot) {
    return "a".equals(slot) ? "b" : "a";
  }

  public BootPointer trial(String newSlot) {
    return new BootPointer(newSlot, active, State.TRIAL, 0, "none", null, null, true);
  }

  public BootPointer withTrialBoot() {
    return new BootPointer(active, previous, state, trialBoots + 1, outcome, outcomeVersion, outcomeDetail, reported);
  }

  public BootPointer confirmed(String version) {
    return new BootPointer(active, previous, State.STABLE, 0, "updated", version, null, false);
  }

  public BootPointer rolledBack(String failedVersion, String why) {
    return new BootPointer(previous, active, State.STABLE, 0, "rolled-back", failedVersion, why, false);
  }

  public BootPointer markReported() {
    return new BootPointer(active, previous, state, trialBoots, outcome, outcomeVersion, outcomeDetail, true);
  }

  /** The pointer in {@code home}, or empty if nothing was ever installed. */
  public static java.util.Optional<BootPointer> read(Path home) throws IOException {
    Path f = home.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      return java.util.Optional.empty();
    }
    Properties p = new Properties();
    p.load(new StringReader(Files.readString(f, StandardCharsets.UTF_8)));
    String active = p.getProperty("active");
    if (!"a".equals(active) && !"b".equals(active)) {
      throw new IOException(f + " names no valid active slot (a or b)");
    }
    return java.util.Optional.of(new BootPointer(
        active,
        p.getProperty("previous"),
        State.valueOf(p.getProperty("state", "STABLE")),
        Integer.parseInt(p.getProperty("trialBoots", "0")),
        p.getProperty("outcome", "none"),
        p.getProperty("outcomeVersion"),
        p.getProperty("outcomeDetail"),
        Boolean.parseBoolean(p.getProperty("reported", "true"))));
  }

  public void write(Path home) throws IOException {
    StringBuilder sb = new StringBuilder("# Fedge A/B boot pointer: written atomically, do not edit while running\n");
    put(sb, "active", active);
    put(sb, "previous", previous);
    put(sb, "state", state.name());
    put(sb, "trialBoots", Integer.toString(trialBoots));
    put(sb, "outcome", outcome);
    put(sb, "outcomeVersion", outcomeVersion);
    put(sb, "outcomeDetail", outcomeDetail);
    put(sb, "reported", Boolean.toString(reported));
    AtomicFiles.write(home.resolve(FILE), sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void put(StringBuilder sb, String k, String v) {
    if (v != null) {
      Properties one = new Properties();
      one.setProperty(k, v.replace('\n', ' '));
      java.io.StringWriter w = new java.io.StringWriter();
      try {
        one.store(w, null);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      w.toString().lines().filter(l -> !l.startsWith("#")).forEach(l -> sb.append(l).append('\n'));
    }
  }

  /**
   * Reads, changes and writes the pointer under the cross-process lock; returns what was written.
   * {@code change} may return its argument unchanged to write nothing.
   */
  public static BootPointer update(Path home, UnaryOperator<BootPointer> change) throws IOException {
    Files.createDirectories(home);
    try (FileChannel ch = FileChannel.open(home.resolve("boot.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      BootPointer cur = read(home).orElseThrow(() -> new IOException("no boot pointer in " + home + "; install a first bundle"));
      BootPointer next = change.apply(cur);
      if (!next.equals(cur)) {
        next.write(home);
      }
      return next;
    }
  }
}
