package io.fedge.agent.dashboard.backend;

import java.time.Instant;

/**
 * A software release as this appliance handled it.
 *
 * @param state e.g. offered, downloading, installed, rolled-back, refused
 * @param detail what happened, in words a dealer understands (or null)
 */
public record UpdateRecord(String version, String state, Instant at, String detail) {}
