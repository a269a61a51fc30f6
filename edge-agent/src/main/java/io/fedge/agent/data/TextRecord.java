package io.fedge.agent.data;

/**
 * One record read from a text source: the physical line it starts on (1-based), its values as text
 * ({@code null} for a missing value), and, when the record could not be read correctly, why.
 * A record with an error is quarantined; its values are then the best-effort decoding, for display.
 */
public record TextRecord(long line, String[] values, String error) {
  public boolean ok() {
    return error == null;
  }
}
