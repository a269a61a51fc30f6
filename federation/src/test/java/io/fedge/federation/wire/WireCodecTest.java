package io.fedge.federation.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class WireCodecTest {

  @Property
  void encodeThenDecodeGivesTheSameEnvelope(
      @ForAll("deviceIds") String sender, @ForAll("kinds") String kind, @ForAll long uptime, @ForAll String name) {
    Envelope e =
        WireCodec.envelope(
            kind,
            sender,
            Instant.ofEpochMilli(1_700_000_000_123L),
            new Heartbeat("1.0", uptime, 1, 2, 0.5, 3, 4, "2030-01-01T00:00:00Z"));
    byte[] bytes = WireCodec.encode(e);
    Envelope back = WireCodec.decode(bytes);
    // Numeric node types may differ (int vs long) after parsing, so compare the canonical bytes.
    assertThat(WireCodec.encode(back)).isEqualTo(bytes);
    assertThat(back.id()).isEqualTo(e.id());
    assertThat(back.sender()).isEqualTo(sender);
    assertThat(back.ts()).isEqualTo(e.ts());
    assertThat(WireCodec.body(back, Heartbeat.class).uptimeSeconds()).isEqualTo(uptime);

    Envelope ev = WireCodec.envelope(Kinds.EVENT, sender, Instant.EPOCH, new DeviceEvent("x", Map.of("k", name)));
    assertThat(WireCodec.body(WireCodec.decode(WireCodec.encode(ev)), DeviceEvent.class).detail())
        .containsEntry("k", name);
  }

  @Property
  void arbitraryBytesEitherDecodeOrFailWithAWireException(@ForAll @Size(max = 300) byte[] bytes) {
    try {
      WireCodec.decode(bytes);
    } catch (WireException expected) {
      assertThat(expected.reason()).isNotNull();
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Test
  void unknownProtocolVersionIsRefusedWithBothVersionsNamed() {
    String json = "{\"v\":7,\"id\":\"a1\",\"type\":\"event\",\"sender\":\"d-abc\",\"ts\":\"2026-01-01T00:00:00Z\",\"body\":{}}";
    assertThatThrownBy(() -> WireCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            WireException.class, e -> assertThat(e.reason()).isEqualTo(WireException.Reason.UNSUPPORTED_VERSION))
        .hasMessageContaining("7")
        .hasMessageContaining(String.valueOf(ProtocolVersion.CURRENT));
  }

  @Test
  void oversizedMessageIsRefusedBeforeParsing() {
    byte[] big = new byte[WireCodec.MAX_MESSAGE_BYTES + 1];
    assertThatThrownBy(() -> WireCodec.decode(big))
        .isInstanceOfSatisfying(
            WireException.class, e -> assertThat(e.reason()).isEqualTo(WireException.Reason.TOO_LARGE));
  }

  @Test
  void senderOutsideTheIdAlphabetIsRefused() {
    String json = "{\"v\":1,\"id\":\"a1\",\"type\":\"event\",\"sender\":\"../x\",\"ts\":\"2026-01-01T00:00:00Z\",\"body\":{}}";
    assertThatThrownBy(() -> WireCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            WireException.class, e -> assertThat(e.reason()).isEqualTo(WireException.Reason.INVALID_FIELD));
  }

  @Test
  void bodyThatDoesNotMatchItsSchemaIsAWireException() {
    String json =
        "{\"v\":1,\"id\":\"a1\",\"type\":\"heartbeat\",\"sender\":\"d-abc\",\"ts\":\"2026-01-01T00:00:00Z\",\"body\":{\"uptimeSeconds\":\"soon\"}}";
    Envelope e = WireCodec.decode(json.getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> WireCodec.body(e, Heartbeat.class)).isInstanceOf(WireException.class);
  }

  @Provide
  Arbitrary<String> deviceIds() {
    return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-").ofMinLength(2).ofMaxLength(63)
        .map(s -> "d" + s);
  }

  @Provide
  Arbitrary<String> kinds() {
    return Arbitraries.of(Kinds.HEARTBEAT, Kinds.EVENT, Kinds.STATUS, Kinds.ERROR);
  }
}
