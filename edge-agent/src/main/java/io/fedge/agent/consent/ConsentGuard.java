package io.fedge.agent.consent;

import io.fedge.agent.data.DataStore;

/**
 * The only way federated-training code reaches local data: {@link #access(String)} hands out a
 * {@link JobDataAccess} for an approved job, and that object re-checks the consent on every read.
 */
public final class ConsentGuard {
  private final ConsentService consent;
  private final DataStore data;

  public ConsentGuard(ConsentService consent, DataStore data) {
    this.consent = consent;
    this.data = data;
  }

  /**
   * Read access for {@code jobId}.
   *
   * @throws ConsentException when the job is unknown or not approved (pending, refused, expired, revoked)
   */
  public JobDataAccess access(String jobId) {
    JobDataAccess a = new JobDataAccess(jobId, consent, data);
    a.approved(); // fail now rather than at the first read
    return a;
  }
}
