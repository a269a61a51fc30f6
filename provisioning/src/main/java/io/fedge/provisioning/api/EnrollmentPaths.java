package io.fedge.provisioning.api;

/** HTTP paths of the hub's enrollment API (HTTPS only). */
public final class EnrollmentPaths {
  /** First enrollment: body {@link EnrollRequest}, answer {@link EnrollResponse}. Server-authenticated TLS. */
  public static final String ENROLL = "/enroll/v1/device";
  /** Renewal: body {@link RenewRequest}, answer {@link EnrollResponse}. Mutual TLS with the current device certificate. */
  public static final String RENEW = "/enroll/v1/renew";
  public static final String CONTENT_TYPE = "application/json";

  private EnrollmentPaths() {}
}
