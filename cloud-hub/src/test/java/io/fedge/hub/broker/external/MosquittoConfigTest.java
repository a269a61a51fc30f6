package io.fedge.hub.broker.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MosquittoConfigTest {
  static final MosquittoConfig.Files FILES =
      new MosquittoConfig.Files(Path.of("/b/ca.crt"), Path.of("/b/server.crt"), Path.of("/b/server.key"),
          Path.of("/h/crl.pem"), Path.of("/b/acl"), Path.of("/b/dynsec.json"), Path.of("/b/data"));

  static MosquittoConfig config(Path plugin, String... hubs) {
    return new MosquittoConfig("0.0.0.0", 8883, FILES, List.of(hubs), 1000, 262_144, plugin, "mosquitto");
  }

  @Test
  void listenerRequiresHubCaCertificatesAndTakesIdentityAndClientIdFromTheCertificate() {
    String conf = config(Path.of("/lib/dynsec.so"), "hub-1").mosquittoConf();
    assertThat(conf.lines()).contains(
        "allow_anonymous false", "listener 8883 0.0.0.0", "cafile /b/ca.crt", "crlfile /h/crl.pem",
        "require_certificate true", "use_identity_as_username true", "use_username_as_clientid true",
        "acl_file /b/acl", "persistence true", "persistence_location /b/data/", "max_queued_messages 1000",
        "max_packet_size 262144", "plugin /lib/dynsec.so", "plugin_opt_config_file /b/dynsec.json", "user mosquitto");
  }

  @Test
  void aclConfinesDevicesToTheirOwnTopicsAndGivesEachReplicaTheHubsRights() {
    String acl = config(Path.of("/lib/dynsec.so"), "hub-1", "hub-2").aclFile();
    assertThat(acl.lines()).contains(
        "pattern write fedge/v1/dev/%u/up/+", "pattern read fedge/v1/dev/%u/down/#", "pattern read fedge/v1/all/#",
        "user hub-1", "user hub-2", "topic write fedge/v1/dev/+/down/+", "topic read fedge/v1/dev/+/up/#",
        "user hub-1-admin", "topic readwrite $CONTROL/dynamic-security/#");
    // Nothing grants a device another device's subtree or a wildcard write.
    assertThat(acl).doesNotContain("pattern write fedge/v1/dev/+", "pattern read fedge/v1/dev/+", "topic write #");
  }

  @Test
  void withoutThePluginThereIsNoAdminIdentity() {
    MosquittoConfig c = config(null, "hub-1");
    assertThat(c.mosquittoConf()).doesNotContain("plugin");
    assertThat(c.aclFile()).doesNotContain("admin", "$CONTROL");
  }

  @Test
  void dynsecStateIsValidJsonWithTheAdminIdentitiesOnly() throws Exception {
    var json = new ObjectMapper().readTree(config(Path.of("/p.so"), "hub-1", "hub-2").dynsecJson());
    assertThat(json.path("clients").findValuesAsText("username")).containsExactly("hub-1-admin", "hub-2-admin");
    assertThat(json.path("defaultACLAccess").path("publishClientSend").asBoolean(true)).isFalse();
  }

  @Test
  void refusesReplicaIdsThatCouldBeDeviceIdsAndOddUserNames() {
    assertThatThrownBy(() -> config(null, "d-abc")).hasMessageContaining("start with 'hub-'");
    assertThatThrownBy(() -> config(null)).hasMessageContaining("at least one");
    assertThatThrownBy(() -> new MosquittoConfig("0.0.0.0", 8883, FILES, List.of("hub-1"), 1, 1024, null, "x y"))
        .hasMessageContaining("user name");
  }
}
