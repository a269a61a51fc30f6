package io.fedge.federation.vertical;

import io.fedge.federation.vertical.relay.ScoreControl.ScoreChunk;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The guest's side of a batch-scoring job, plain Java: it reads its aligned rows a chunk at a time,
 * sends each host the chunk's ids, waits for every host's {@link ChunkPart}, combines them with its
 * own share ({@link BatchScorer}) and hands the probabilities to its {@link Sink}; then the next
 * chunk. One chunk is in flight at a time, so memory is bounded by the chunk size.
 */
public final class BatchScoreGuest {
  /** Rows of the guest's aligned dataset, read in order. */
  public interface Rows {
    /** The next at most {@code max} rows; an empty chunk when every row was read. */
    Chunk next(int max);
  }

  /**
   * Rows of one chunk: ids, raw values of the scorer's features, and per row a value the sink
   * keeps alongside the score (the label, or null).
   */
  public record Chunk(List<String> ids, double[][] rows, Object[] carried) {
    public Chunk {
      if (ids.size() != rows.length || carried.length != rows.length) {
        throw new IllegalArgumentException("a chunk needs one id, row and carried value per row");
      }
    }
  }

  /** Receives each scored chunk (stores it), then the end. */
  public interface Sink {
    void scored(int chunk, Chunk rows, double[] probabilities);

    void finished(long rows, int chunks);
  }

  private final String jobId;
  private final List<String> hosts;
  private final BatchScorer scorer;
  private final Rows source;
  private final int chunkRows;
  private final Outbox outbox;
  private final Sink sink;
  private final Map<String, ChunkPart> parts = new HashMap<>();
  private Chunk current;
  private int chunk = -1;
  private long scored;
  private boolean finished;

  public BatchScoreGuest(String jobId, List<String> hosts, BatchScorer scorer, Rows source, int chunkRows,
      Outbox outbox, Sink sink) {
    if (chunkRows < 1) {
      throw new IllegalArgumentException("chunk rows must be positive");
    }
    this.jobId = jobId;
    this.hosts = List.copyOf(hosts);
    this.scorer = scorer;
    this.source = source;
    this.chunkRows = chunkRows;
    this.outbox = outbox;
    this.sink = sink;
  }

  /** Reads and sends the first chunk. */
  public void start() {
    if (chunk >= 0) {
      return;
    }
    next();
  }

  public boolean finished() {
    return finished;
  }

  public long scored() {
    return scored;
  }

  /** A host's part of the current chunk. */
  public void onPart(String from, ChunkPart part) {
    if (!hosts.contains(from)) {
      throw new VerticalException("a chunk part from " + from + ", which is not a host of job " + jobId);
    }
    if (finished || part.chunk() != chunk) {
      throw new VerticalException("host " + from + " sent a part of chunk " + part.chunk() + " while chunk "
          + chunk + " is in flight");
    }
    if (parts.putIfAbsent(from, part) != null) {
      throw new VerticalException("host " + from + " sent chunk " + chunk + " twice");
    }
    if (parts.size() == hosts.size()) {
      double[] p = scorer.combine(current.rows(), Map.copyOf(parts));
      sink.scored(chunk, current, p);
      scored += p.length;
      next();
    }
  }

  private void next() {
    parts.clear();
    current = source.next(chunkRows);
    if (current.ids().isEmpty()) {
      current = null;
      finished = true;
      sink.finished(scored, chunk + 1);
      return;
    }
    chunk++;
    if (hosts.isEmpty()) {
      double[] p = scorer.combine(current.rows(), Map.of());
      sink.scored(chunk, current, p);
      scored += p.length;
      next();
      return;
    }
    for (String h : hosts) {
      outbox.send(h, new ScoreChunk(jobId, chunk, current.ids()));
    }
  }
}
