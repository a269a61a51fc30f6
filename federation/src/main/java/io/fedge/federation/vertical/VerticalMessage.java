package io.fedge.federation.vertical;

/**
 * A message of a vertical-learning job between guest, hosts and the arbiter (the hub). Every message
 * names its job; the transport supplies the authenticated sender. The records are the wire bodies
 * (JSON through the federation wire codec, arrays of longs and bytes as JSON arrays and base64); see
 * docs/vertical.md.
 */
public interface VerticalMessage {
  /** The job this message belongs to. */
  String jobId();
}
