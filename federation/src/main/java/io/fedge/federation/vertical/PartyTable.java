package io.fedge.federation.vertical;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One party's own columns of the aligned rows: row i of every party's table is the same customer
 * (the order PSI produced). Holds no labels; the guest's labels travel separately in
 * {@link GuestTable}.
 */
public final class PartyTable {
  private final List<String> ids;
  private final List<String> features;
  private final double[][] rows;
  private final Map<String, Integer> index = new HashMap<>();

  public PartyTable(List<String> ids, List<String> features, double[][] rows) {
    if (ids.size() != rows.length) {
      throw new VerticalException("table has " + ids.size() + " ids but " + rows.length + " rows");
    }
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != features.size()) {
        throw new VerticalException("row " + i + " has " + rows[i].length + " values, expected " + features.size());
      }
      for (double v : rows[i]) {
        if (!Double.isFinite(v)) {
          throw new VerticalException("row " + i + " has a non-finite value; clean the data set first");
        }
      }
      if (index.put(ids.get(i), i) != null) {
        throw new VerticalException("duplicate id at row " + i + "; align the data with PSI first");
      }
    }
    this.ids = List.copyOf(ids);
    this.features = List.copyOf(features);
    this.rows = rows;
  }

  public int rowCount() {
    return rows.length;
  }

  public int featureCount() {
    return features.size();
  }

  public List<String> ids() {
    return ids;
  }

  public List<String> features() {
    return features;
  }

  public double[] row(int i) {
    return rows[i];
  }

  public double value(int row, int feature) {
    return rows[row][feature];
  }

  /** Row index of {@code id}, or -1. */
  public int indexOf(String id) {
    return index.getOrDefault(id, -1);
  }

  /**
   * SHA-256 over the ids in order. Parties exchange it through the arbiter to prove they hold the
   * same aligned rows; after PSI every party already knows the intersection, so it reveals nothing
   * new.
   */
  public String idsDigest() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String id : ids) {
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        md.update((byte) (b.length >>> 24));
        md.update((byte) (b.length >>> 16));
        md.update((byte) (b.length >>> 8));
        md.update((byte) b.length);
        md.update(b);
      }
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
