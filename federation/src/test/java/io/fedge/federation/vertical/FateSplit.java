package io.fedge.federation.vertical;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A FATE hetero pair from examples/data/fate, aligned by id (as PSI would leave it: the guest's id
 * order) and split into train and test by a seeded shuffle. Each side's tables are built from its own
 * file only, so a party object given them holds nothing of the other side.
 */
public record FateSplit(GuestTable guestTrain, PartyTable hostTrain, GuestTable guestTest, PartyTable hostTest) {

  public static FateSplit load(String name, double testFraction, long seed) throws IOException {
    Path dir = locate();
    List<String[]> guest = read(dir.resolve(name + "_hetero_guest.csv"));
    List<String[]> host = read(dir.resolve(name + "_hetero_host.csv"));
    String[] gHeader = guest.remove(0);
    String[] hHeader = host.remove(0);
    // FATE's hetero files: id column first ("id", or "idx" for motor), the guest's label second
    if (!gHeader[0].startsWith("id") || !hHeader[0].equals(gHeader[0]) || gHeader.length < 3) {
      throw new IOException("unexpected FATE header in " + name);
    }
    Map<String, String[]> hostById = new HashMap<>();
    for (String[] r : host) {
      hostById.put(r[0], r);
    }
    List<String> ids = new ArrayList<>();
    for (String[] r : guest) {
      if (hostById.containsKey(r[0])) {
        ids.add(r[0]);
      }
    }
    Map<String, String[]> guestById = new HashMap<>();
    for (String[] r : guest) {
      guestById.put(r[0], r);
    }
    List<String> shuffled = new ArrayList<>(ids);
    Collections.shuffle(shuffled, new Random(seed));
    int test = (int) Math.round(shuffled.size() * testFraction);
    List<String> testIds = shuffled.subList(0, test);
    List<String> trainIds = shuffled.subList(test, shuffled.size());
    List<String> gFeatures = Arrays.asList(gHeader).subList(2, gHeader.length);
    List<String> hFeatures = Arrays.asList(hHeader).subList(1, hHeader.length);
    return new FateSplit(guestTable(trainIds, guestById, gFeatures), hostTable(trainIds, hostById, hFeatures),
        guestTable(testIds, guestById, gFeatures), hostTable(testIds, hostById, hFeatures));
  }

  private static GuestTable guestTable(List<String> ids, Map<String, String[]> byId, List<String> features) {
    double[][] rows = new double[ids.size()][];
    double[] labels = new double[ids.size()];
    for (int i = 0; i < rows.length; i++) {
      String[] r = byId.get(ids.get(i));
      labels[i] = Double.parseDouble(r[1]);
      rows[i] = new double[features.size()];
      for (int j = 0; j < features.size(); j++) {
        rows[i][j] = Double.parseDouble(r[2 + j]);
      }
    }
    return new GuestTable(new PartyTable(ids, features, rows), labels);
  }

  private static PartyTable hostTable(List<String> ids, Map<String, String[]> byId, List<String> features) {
    double[][] rows = new double[ids.size()][];
    for (int i = 0; i < rows.length; i++) {
      String[] r = byId.get(ids.get(i));
      rows[i] = new double[features.size()];
      for (int j = 0; j < features.size(); j++) {
        rows[i][j] = Double.parseDouble(r[1 + j]);
      }
    }
    return new PartyTable(ids, features, rows);
  }

  /** Joined features (guest columns then host columns) of the train or test rows: the central view. */
  public static double[][] joined(GuestTable g, PartyTable h) {
    int n = g.features().rowCount();
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      double[] a = g.features().row(i);
      double[] b = h.row(i);
      out[i] = new double[a.length + b.length];
      System.arraycopy(a, 0, out[i], 0, a.length);
      System.arraycopy(b, 0, out[i], a.length, b.length);
    }
    return out;
  }

  private static List<String[]> read(Path file) throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        rows.add(line.trim().split(","));
      }
    }
    return rows;
  }

  private static Path locate() throws IOException {
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      Path candidate = p.resolve("examples/data/fate");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
      p = p.getParent();
    }
    throw new IOException("examples/data/fate not found above the working directory");
  }
}
