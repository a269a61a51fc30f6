package io.fedge.provisioning.api;

/**
 * Body of {@code POST /enroll/v1/device}.
 *
 * @param v protocol version ({@code ProtocolVersion.CURRENT})
 * @param token the claim token {@code fct_<id>.<secret>}
 * @param csr PEM PKCS#10 request for the device's new key
 */
public record EnrollRequest(int v, String token, String csr) {
  @Override
  public String toString() {
    return "EnrollRequest[v=" + v + ", token=<redacted>, csr=" + (csr == null ? 0 : csr.length()) + " chars]";
  }
}
