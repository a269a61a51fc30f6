package io.fedge.federation.wire;

import java.time.Instant;
import java.util.List;

/**
 * Body of a {@link Kinds#JOB_OFFER} (hub -> device): a federated job asks to read these datasets and
 * columns. The agent reads nothing for the job until the dealer, or a standing policy of theirs,
 * approves exactly this list; the answer goes back as a {@link ConsentDecision}.
 *
 * @param jobId the job's id ({@link Ids} alphabet)
 * @param title a short human title shown to the dealer
 * @param requester who runs the job (an organisation name shown to the dealer and matched by policies)
 * @param purpose what the job is for, in plain words
 * @param reads the datasets and columns the job will read
 * @param expiresAt after this the offer can no longer be accepted
 */
public record JobOffer(
    String jobId, String title, String requester, String purpose, List<DatasetColumns> reads, Instant expiresAt) {
  public JobOffer {
    reads = reads == null ? List.of() : List.copyOf(reads);
  }
}
