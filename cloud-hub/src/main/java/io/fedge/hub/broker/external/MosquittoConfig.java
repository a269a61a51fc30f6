package io.fedge.hub.broker.external;

import io.fedge.federation.wire.Ids;
import java.nio.file.Path;
import java.util.List;

/**
 * The text of a Mosquitto 2.0 configuration that enforces the same rules as the hub's embedded
 * broker (docs/protocol.md, docs/threat-model.md): mutual TLS with certificates of the hub's CA,
 * the certificate CN as user name and as client id, and per-device topic ACLs. Pure; {@link
 * BrokerConfigCli} writes the files.
 *
 * <p>Mosquitto sees only the certificate's CN, not its OU. That is enough because the hub names
 * devices {@code d-<hash>} and its replicas {@code hub-<name>}, so a device can never hold a
 * replica's name.
 *
 * @param bind listener address
 * @param port listener port
 * @param files absolute paths the configuration refers to
 * @param hubIds the hub replicas' ids (each gets the hub's topic rights, and {@code <id>-admin}
 *     the dynamic-security control topic)
 * @param maxQueuedMessages per offline or slow client
 * @param maxPacketBytes largest packet accepted (the embedded broker's limit)
 * @param dynsecPlugin path of {@code mosquitto_dynamic_security.so}, or null to leave it out (then
 *     revoked devices are not disconnected at once)
 * @param runAs the user Mosquitto switches to when started as root ({@code user}); it must be able
 *     to read every file and to write {@code dynamic-security.json} and the persistence directory
 */
public record MosquittoConfig(
    String bind,
    int port,
    Files files,
    List<String> hubIds,
    int maxQueuedMessages,
    int maxPacketBytes,
    Path dynsecPlugin,
    String runAs) {

  /** The files the configuration names. */
  public record Files(
      Path caFile, Path certFile, Path keyFile, Path crlFile, Path aclFile, Path dynsecFile, Path persistenceDir) {}

  /** Suffix of each replica's admin identity, used only for the dynamic-security control topic. */
  public static final String ADMIN_SUFFIX = "-admin";

  public MosquittoConfig {
    hubIds = List.copyOf(hubIds);
    if (hubIds.isEmpty()) {
      throw new IllegalArgumentException("at least one hub replica id is needed");
    }
    for (String id : hubIds) {
      if (!Ids.isValid(id) || !id.startsWith("hub-")) {
        throw new IllegalArgumentException("hub replica ids start with 'hub-' and use [a-z0-9-], got '" + id + "'");
      }
    }
    if (runAs == null || !runAs.matches("[a-z_][a-z0-9_-]{0,31}")) {
      throw new IllegalArgumentException("not a user name: '" + runAs + "'");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
  }

  /** The identity a replica uses to administer the broker (dynamic security). */
  public static String adminId(String hubId) {
    return hubId + ADMIN_SUFFIX;
  }

  /** {@code mosquitto.conf}. */
  public String mosquittoConf() {
    StringBuilder b = new StringBuilder();
    b.append("# Mosquitto 2.0 configuration for a Fedge hub, written by `fedge hub broker-config`.\n");
    b.append("# docs/operations.md \"External MQTT broker\" explains every line; regenerate rather than edit.\n");
    b.append("user ").append(runAs).append('\n');
    b.append("per_listener_settings false\n");
    b.append("allow_anonymous false\n");
    b.append("persistence true\n");
    b.append("persistence_location ").append(dir(files.persistenceDir())).append('\n');
    b.append("autosave_interval 60\n");
    b.append("max_queued_messages ").append(maxQueuedMessages).append('\n');
    b.append("max_inflight_messages 100\n");
    b.append("max_packet_size ").append(maxPacketBytes).append('\n');
    b.append("acl_file ").append(files.aclFile()).append('\n');
    if (dynsecPlugin != null) {
      b.append("plugin ").append(dynsecPlugin).append('\n');
      b.append("plugin_opt_config_file ").append(files.dynsecFile()).append('\n');
    }
    b.append('\n');
    b.append("listener ").append(port).append(' ').append(bind).append('\n');
    b.append("protocol mqtt\n");
    b.append("tls_version tlsv1.2\n");
    b.append("cafile ").append(files.caFile()).append('\n');
    b.append("certfile ").append(files.certFile()).append('\n');
    b.append("keyfile ").append(files.keyFile()).append('\n');
    b.append("crlfile ").append(files.crlFile()).append('\n');
    b.append("require_certificate true\n");
    b.append("use_identity_as_username true\n");
    b.append("use_username_as_clientid true\n");
    return b.toString();
  }

  /**
   * The ACL file. Rules are checked before any plugin, and anything not granted is refused. {@code
   * %u} is the user name, which is the certificate CN, which is the device id.
   */
  public String aclFile() {
    StringBuilder b = new StringBuilder();
    b.append("# Fedge topic rules (docs/protocol.md). %u = certificate CN = device id = client id.\n");
    b.append("pattern write fedge/v1/dev/%u/up/+\n");
    b.append("pattern read fedge/v1/dev/%u/down/#\n");
    b.append("pattern read fedge/v1/all/#\n");
    for (String hub : hubIds) {
      b.append('\n');
      b.append("user ").append(hub).append('\n');
      b.append("topic write fedge/v1/dev/+/down/+\n");
      b.append("topic write fedge/v1/all/+\n");
      b.append("topic read fedge/v1/dev/+/up/#\n");
      if (dynsecPlugin != null) {
        b.append('\n');
        b.append("user ").append(adminId(hub)).append('\n');
        b.append("topic readwrite $CONTROL/dynamic-security/#\n");
      }
    }
    return b.toString();
  }

  /**
   * The dynamic-security plugin's state: no passwords (clients authenticate by certificate), the
   * replicas' admin identities in an {@code admin} role, and every default denied (the ACL file
   * decides topics first).
   */
  public String dynsecJson() {
    StringBuilder clients = new StringBuilder();
    for (int i = 0; i < hubIds.size(); i++) {
      clients.append(i == 0 ? "" : ",\n")
          .append("    {\"username\": \"").append(adminId(hubIds.get(i)))
          .append("\", \"textname\": \"Fedge hub replica admin\", \"roles\": [{\"rolename\": \"fedge-admin\"}]}");
    }
    return "{\n"
        + "  \"defaultACLAccess\": {\"publishClientSend\": false, \"publishClientReceive\": false,"
        + " \"subscribe\": false, \"unsubscribe\": true},\n"
        + "  \"clients\": [\n" + clients + "\n  ],\n"
        + "  \"groups\": [],\n"
        + "  \"roles\": [\n"
        + "    {\"rolename\": \"fedge-admin\", \"acls\": [\n"
        + "      {\"acltype\": \"publishClientSend\", \"topic\": \"$CONTROL/dynamic-security/#\", \"allow\": true},\n"
        + "      {\"acltype\": \"publishClientReceive\", \"topic\": \"$CONTROL/dynamic-security/#\", \"allow\": true},\n"
        + "      {\"acltype\": \"subscribePattern\", \"topic\": \"$CONTROL/dynamic-security/#\", \"allow\": true}\n"
        + "    ]}\n"
        + "  ]\n"
        + "}\n";
  }

  private static String dir(Path p) {
    String s = p.toString();
    return s.endsWith("/") ? s : s + "/";
  }
}
