package io.fedge.federation.rounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class UpdatePayloadTest {
  @Property(tries = 100)
  void plainAndMaskedPayloadsRoundTrip(
      @ForAll @Size(max = 200) double @DoubleRange(min = -1e9, max = 1e9) [] values,
      @ForAll @Size(max = 200) long[] ring, @ForAll @LongRange(min = 0) long n) {
    UpdatePayload p = UpdatePayload.decode(UpdatePayload.plain(n, 0.5, values).encode());
    assertThat(p.values()).isEqualTo(values);
    assertThat(p.sampleCount()).isEqualTo(n);
    UpdatePayload m = UpdatePayload.decode(UpdatePayload.masked(n, 0.25, ring).encode());
    assertThat(m.ring()).isEqualTo(ring);
    assertThat(m.kind()).isEqualTo(UpdatePayload.Kind.MASKED);
  }

  @Property(tries = 50)
  void aTruncatedPayloadIsRefused(@ForAll @Size(min = 1, max = 50) double[] values) {
    byte[] b = UpdatePayload.plain(1, 0, values).encode();
    assertThatThrownBy(() -> UpdatePayload.decode(Arrays.copyOf(b, b.length - 1))).hasMessageContaining("length");
  }
}
