package io.fedge.hub.ledger;

import io.fedge.federation.ledger.HashSource;
import io.fedge.federation.ledger.Proofs;
import io.fedge.federation.ledger.SubtreeCache;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * The stored tree seen through one open transaction: leaf hashes from {@code ledger_entries},
 * perfect subtree roots (level {@value LedgerStore#CACHE_MIN_LEVEL} and up) from {@code
 * ledger_subtrees}. Reading a whole proof inside one transaction gives a consistent snapshot.
 * Roots that {@link Proofs} offers back are not written: appends already store every one.
 */
final class JdbcTreeReader implements HashSource, SubtreeCache {
  private static final HexFormat HEX = HexFormat.of();

  private final Connection c;
  private final long size;

  JdbcTreeReader(Connection c, long size) {
    this.c = c;
    this.size = size;
  }

  Proofs proofs() {
    return new Proofs(this, this);
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public byte[] leafHash(long index) {
    try (PreparedStatement ps = c.prepareStatement("SELECT leaf_hash FROM ledger_entries WHERE idx = ?")) {
      ps.setLong(1, index);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new LedgerIntegrityException("leaf " + index + " is missing from the stored log");
        }
        return decode(rs.getString(1), "leaf " + index);
      }
    } catch (SQLException e) {
      throw new LedgerStoreException("cannot read leaf " + index, e);
    }
  }

  @Override
  public byte[][] leafHashes(long start, int count) {
    byte[][] out = new byte[count][];
    try (PreparedStatement ps =
        c.prepareStatement("SELECT idx, leaf_hash FROM ledger_entries WHERE idx >= ? AND idx < ? ORDER BY idx")) {
      ps.setLong(1, start);
      ps.setLong(2, start + count);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long idx = rs.getLong(1);
          out[(int) (idx - start)] = decode(rs.getString(2), "leaf " + idx);
        }
      }
    } catch (SQLException e) {
      throw new LedgerStoreException("cannot read leaves from " + start, e);
    }
    for (int i = 0; i < count; i++) {
      if (out[i] == null) {
        throw new LedgerIntegrityException("leaf " + (start + i) + " is missing from the stored log");
      }
    }
    return out;
  }

  @Override
  public byte[] get(int level, long index) {
    if (level < LedgerStore.CACHE_MIN_LEVEL) {
      return null;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM ledger_subtrees WHERE level = ? AND idx = ?")) {
      ps.setInt(1, level);
      ps.setLong(2, index);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? decode(rs.getString(1), "subtree " + level + "/" + index) : null;
      }
    } catch (SQLException e) {
      throw new LedgerStoreException("cannot read subtree " + level + "/" + index, e);
    }
  }

  @Override
  public void put(int level, long index, byte[] root) {
    // Appends store every root at CACHE_MIN_LEVEL and above; reads write nothing.
  }

  private static byte[] decode(String hex, String what) {
    if (hex == null || hex.length() != 64) {
      throw new LedgerIntegrityException(what + " has a malformed stored hash");
    }
    try {
      return HEX.parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new LedgerIntegrityException(what + " has a malformed stored hash");
    }
  }
}
