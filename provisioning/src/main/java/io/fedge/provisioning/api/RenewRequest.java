package io.fedge.provisioning.api;

/**
 * Body of {@code POST /enroll/v1/renew}, sent over mutual TLS with the current device certificate.
 *
 * @param v protocol version
 * @param csr PEM PKCS#10 request for the same or a new key
 */
public record RenewRequest(int v, String csr) {}
