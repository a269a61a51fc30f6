package io.fedge.federation.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
  record Round(String model, long round, List<String> devices) {}

  @Test
  void membersAreSortedAndNothingIsSpaced() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("z", 1);
    m.put("a", List.of(true, false, -7L));
    m.put("M", Map.of("y", "x", "b", BigInteger.TWO.pow(70)));
    assertThat(CanonicalJson.encodeToString(m))
        .isEqualTo("{\"M\":{\"b\":1180591620717411303424,\"y\":\"x\"},\"a\":[true,false,-7],\"z\":1}");
  }

  @Test
  void recordsAreObjectsOfTheirComponents() {
    Round r = new Round("m-1", 12, List.of("d-b", "d-a"));
    assertThat(CanonicalJson.encodeToString(r)).isEqualTo("{\"devices\":[\"d-b\",\"d-a\"],\"model\":\"m-1\",\"round\":12}");
    assertThat(CanonicalJson.leafHash(r))
        .isEqualTo(NaiveMerkle.leaf("{\"devices\":[\"d-b\",\"d-a\"],\"model\":\"m-1\",\"round\":12}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void onlyQuotesBackslashesAndControlCharactersAreEscaped() {
    assertThat(CanonicalJson.encodeToString("a\"b\\c\n\u0001\u007f/é😀"))
        .isEqualTo("\"a\\\"b\\\\c\\u000a\\u0001\u007f/é😀\"");
    assertThat(CanonicalJson.encode("é")).containsExactly('"', 0xc3, 0xa9, '"');
  }

  @Test
  void valuesWithoutACanonicalFormAreRejected() {
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("a", null);
    List<Object> bad =
        List.of(1.5, 2.0f, new java.math.BigDecimal("1"), 'c', new byte[] {1}, new Object(), withNull,
            Map.of("", 1), Map.of("k\u00e9", 1), Map.of("k\"", 1), Map.of("k\\", 1), Map.of("k\n", 1),
            Map.of(1, 1), "\ud800", "x\udc00y", Collections.singletonList((Object) null));
    for (Object v : bad) {
      assertThatThrownBy(() -> CanonicalJson.encode(v)).as("%s", v).isInstanceOf(IllegalArgumentException.class);
    }
    Object deep = "x";
    for (int i = 0; i <= CanonicalJson.MAX_DEPTH; i++) {
      deep = List.of(deep);
    }
    Object tooDeep = deep;
    assertThatThrownBy(() -> CanonicalJson.encode(tooDeep)).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 200)
  void insertionOrderDoesNotMatterAndJacksonReadsItBack(
      @ForAll Map<@AlphaChars @StringLength(min = 1, max = 8) String, Long> fields, @ForAll String text)
      throws Exception {
    Map<String, Object> forward = new LinkedHashMap<>();
    forward.put("text", text.replaceAll("[\\ud800-\\udfff]", "?"));
    forward.putAll(fields);
    List<String> keys = new ArrayList<>(forward.keySet());
    Collections.reverse(keys);
    Map<String, Object> backward = new LinkedHashMap<>();
    for (String k : keys) {
      backward.put(k, forward.get(k));
    }
    byte[] a = CanonicalJson.encode(forward);
    assertThat(CanonicalJson.encode(backward)).isEqualTo(a);
    Map<?, ?> parsed = new ObjectMapper().readValue(a, Map.class);
    assertThat(parsed.keySet()).isEqualTo(forward.keySet());
    for (String k : fields.keySet()) {
      if (!k.equals("text")) {
        assertThat(((Number) parsed.get(k)).longValue()).isEqualTo(fields.get(k));
      }
    }
    assertThat(parsed.get("text")).isEqualTo(forward.get("text"));
  }
}
