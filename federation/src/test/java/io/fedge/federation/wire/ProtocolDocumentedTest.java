package io.fedge.federation.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/protocol.md is the wire specification: every message kind the code knows must be in it. */
class ProtocolDocumentedTest {
  private static final Path SPEC = Path.of("..", "docs", "protocol.md");

  @Test
  void everyMessageKindIsSpecifiedInTheProtocolDocument() throws Exception {
    List<String> kinds = new ArrayList<>();
    for (Field f : Kinds.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        kinds.add((String) f.get(null));
      }
    }
    // Guard: the reflection found the kinds (so this test cannot pass by checking nothing).
    assertThat(kinds).contains(Kinds.HEARTBEAT, Kinds.ROUND_CHUNK, Kinds.OTA_OFFER).hasSizeGreaterThanOrEqualTo(16);
    String spec = Files.readString(SPEC);
    for (String kind : kinds) {
      assertThat(spec)
          .as("docs/protocol.md has a table row for kind '%s' (add it with its direction, body and delivery)", kind)
          .contains("| `" + kind + "` |");
    }
  }

  @Test
  void theTopicLayoutAndLimitsInTheDocumentAreTheCodesOwn() throws Exception {
    String spec = Files.readString(SPEC);
    assertThat(spec)
        .contains("`" + Topics.DEVICE_ROOT + "{deviceId}/up/{kind}`")
        .contains("`" + Topics.DEVICE_ROOT + "{deviceId}/down/{kind}`")
        .contains("`" + Topics.BROADCAST_ROOT + "{kind}`")
        .contains("`" + Topics.HUB_SHARED_UP + "`")
        .contains(String.format(java.util.Locale.ROOT, "%,d bytes", WireCodec.MAX_MESSAGE_BYTES))
        .contains("`ProtocolVersion.CURRENT` = " + ProtocolVersion.CURRENT);
    for (WireException.Reason r : WireException.Reason.values()) {
      assertThat(spec).as("error reason %s is specified", r).contains("| `" + r.name() + "` |");
    }
  }
}
