package io.fedge.agent.data;

import io.fedge.agent.data.csv.CsvWriter;
import java.io.Closeable;
import java.io.IOException;

/** Records of a file, in order, with the byte offset and line where the next record starts. */
public interface TextSource extends Closeable {
  TextRecord next() throws IOException;

  long position();

  long nextLine();

  /** The record as the dealer should see it in the quarantine (at most a few kilobytes). */
  default String raw(TextRecord r) {
    return CsvWriter.formatRecord(r.values(), 2000);
  }
}
