package io.fedge.federation.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class LedgerEntryTest {
  static final Instant AT = Instant.parse("2026-11-23T12:00:00.123456Z");

  @Test
  void entryEncodesAsDocumentedCanonicalJson() {
    LedgerEntry e = LedgerEntry.of("enrollment", AT, List.of("dev-bbb", "dev-aaa", "dev-bbb"), Map.of("z", 1, "a", "x"));
    assertThat(e.encodeToString())
        .isEqualTo("{\"at\":\"2026-11-23T12:00:00.123Z\",\"body\":{\"a\":\"x\",\"z\":1},\"recipients\":[\"dev-aaa\",\"dev-bbb\"],\"type\":\"enrollment\",\"v\":1}");
    assertThat(e.leafHash()).isEqualTo(Rfc9162.leafHash(e.encode()));
  }

  @Property
  void parseReturnsWhatWasEncoded(@ForAll @AlphaChars @StringLength(min = 1, max = 40) String text, @ForAll long number) {
    LedgerEntry e = LedgerEntry.of("round-digest", AT, List.of("dev-abc"), Map.of("text", text, "n", number, "list", List.of(number, text)));
    LedgerEntry back = LedgerEntry.parse(e.encode());
    assertThat(back.encode()).isEqualTo(e.encode());
    assertThat(back.body().path("text").asText()).isEqualTo(text);
  }

  @Test
  void nonCanonicalBytesAreRejectedEvenWhenTheyMeanTheSame() {
    String canonical = LedgerEntry.of("enrollment", AT, List.of(), Map.of("a", 1)).encodeToString();
    for (String bad : List.of(
        canonical.replace(",", ", "),
        canonical.replace("{\"a\":1}", "{\"a\":1.0}"),
        canonical.replace("\"v\":1", "\"v\":2"),
        canonical.replace("{\"at\"", "{\"v\":1,\"at\"").replace(",\"v\":1}", "}"),
        canonical + " ")) {
      assertThatThrownBy(() -> LedgerEntry.parse(bad.getBytes(StandardCharsets.UTF_8))).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void invalidTypesRecipientsAndBodiesAreRefused() {
    assertThatThrownBy(() -> LedgerEntry.of("Bad Type", AT, List.of(), Map.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LedgerEntry.of("enrollment", AT, List.of("NOT AN ID"), Map.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LedgerEntry.of("enrollment", AT, List.of(), Map.of("f", 0.5))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LedgerEntry.of("enrollment", AT, List.of(), Map.of("big", "x".repeat(70_000))).encode())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
