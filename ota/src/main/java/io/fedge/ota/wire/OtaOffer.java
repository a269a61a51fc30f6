package io.fedge.ota.wire;

/**
 * Hub to device, kind {@code ota-offer}: "install target {@code target} (agent version
 * {@code version}) for campaign {@code campaignId}". The device trusts nothing in it: it refreshes
 * the signed metadata and installs only a target listed there with this name.
 */
public record OtaOffer(String campaignId, String target, String version) {}
