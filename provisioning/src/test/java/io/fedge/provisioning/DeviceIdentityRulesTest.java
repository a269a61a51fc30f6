package io.fedge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.wire.Ids;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class DeviceIdentityRulesTest {
  @Test
  void base32_matches_the_rfc_4648_test_vectors_lower_cased() {
    String[][] vectors = {{"", ""}, {"f", "my"}, {"fo", "mzxq"}, {"foo", "mzxw6"}, {"foob", "mzxw6yq"},
        {"fooba", "mzxw6ytb"}, {"foobar", "mzxw6ytboi"}};
    for (String[] v : vectors) {
      assertThat(Base32.encode(v[0].getBytes(StandardCharsets.US_ASCII))).isEqualTo(v[1]);
    }
  }

  @Test
  void the_device_id_is_d_dash_and_20_base32_characters_of_the_key_hash() throws Exception {
    byte[] spki = TestKeys.ec("secp256r1").getPublic().getEncoded();
    String fp = Hashes.sha256Hex(spki);
    String id = DeviceIdentityRules.deviceIdFor(fp);
    assertThat(id).isEqualTo("d-" + Base32.encode(Hashes.sha256(spki)).substring(0, 20));
    assertThat(id).matches("d-[a-z2-7]{20}");
    assertThat(Ids.isValid(id)).isTrue();
    assertThat(DeviceIdentityRules.deviceIdFor(fp)).isEqualTo(id);
  }

  @Test
  void a_fingerprint_that_is_not_64_lower_case_hex_is_refused() {
    assertThatThrownBy(() -> DeviceIdentityRules.deviceIdFor("ABCD")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DeviceIdentityRules.deviceIdFor("A".repeat(64))).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 300)
  void every_key_hash_yields_a_valid_wire_id(@ForAll byte[] spki) {
    assertThat(Ids.isValid(DeviceIdentityRules.deviceIdFor(Hashes.sha256Hex(spki)))).isTrue();
  }
}
