package io.fedge.hub.broker;

import io.fedge.provisioning.Identity;

import java.security.cert.X509Certificate;

/**
 * The hub's answer to "may this certificate holder connect right now?", implemented over the fleet
 * database. Called once per CONNECT, for devices and services alike, after the TLS handshake has
 * verified the chain and the MQTT client id has been checked against the certificate. Called on an
 * extension worker thread, never on a network event loop, so a short database query is fine.
 */
public interface DeviceAccess {

  /**
   * True if {@code identity}, presenting {@code certificate}, may connect; false for unknown or
   * revoked devices and for superseded certificates. An exception counts as false.
   */
  boolean mayConnect(Identity identity, X509Certificate certificate);
}
