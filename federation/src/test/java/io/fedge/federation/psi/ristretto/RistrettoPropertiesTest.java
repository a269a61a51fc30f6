package io.fedge.federation.psi.ristretto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cafe.cryptography.curve25519.CompressedRistretto;
import cafe.cryptography.curve25519.InvalidEncodingException;
import cafe.cryptography.curve25519.RistrettoElement;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the group encoding and of scalar multiplication, including agreement with an
 * independent implementation (curve25519-elisabeth) on random inputs.
 */
class RistrettoPropertiesTest {

  @Provide
  Arbitrary<byte[]> uniform64() {
    return Arbitraries.bytes().array(byte[].class).ofSize(64);
  }

  @Provide
  Arbitrary<Scalar> scalars() {
    return Arbitraries.bigIntegers()
        .between(BigInteger.ZERO, Scalar.ORDER.subtract(BigInteger.ONE))
        .map(Scalar::of);
  }

  @Property(tries = 200)
  void decodingAnEncodingGivesTheSameElementAndEncoding(@ForAll("uniform64") byte[] u) {
    RistrettoPoint p = RistrettoPoint.fromUniformBytes(u);
    byte[] enc = p.encode();
    RistrettoPoint q = RistrettoPoint.decode(enc);
    assertThat(q).isEqualTo(p);
    assertThat(q.encode()).isEqualTo(enc);
  }

  @Property(tries = 200)
  void elementDerivationAgreesWithElisabeth(@ForAll("uniform64") byte[] u) {
    byte[] theirs = RistrettoElement.fromUniformBytes(u).compress().toByteArray();
    assertThat(RistrettoPoint.fromUniformBytes(u).encode()).isEqualTo(theirs);
  }

  @Property(tries = 100)
  void scalarMultiplicationAgreesWithElisabeth(
      @ForAll("uniform64") byte[] u, @ForAll("scalars") Scalar s) {
    byte[] ours = RistrettoPoint.fromUniformBytes(u).multiply(s).encode();
    byte[] theirs = RistrettoElement.fromUniformBytes(u)
        .multiply(cafe.cryptography.curve25519.Scalar.fromBits(s.toBytes()))
        .compress()
        .toByteArray();
    assertThat(ours).isEqualTo(theirs);
  }

  @Property(tries = 60)
  void multiplyingTwiceIsMultiplyingByTheProduct(
      @ForAll("uniform64") byte[] u, @ForAll("scalars") Scalar a, @ForAll("scalars") Scalar b) {
    RistrettoPoint p = RistrettoPoint.fromUniformBytes(u);
    assertThat(p.multiply(b).multiply(a).encode()).isEqualTo(p.multiply(a.multiply(b)).encode());
  }

  @Property(tries = 60)
  void blindingCommutesAcrossEncodeAndDecode(
      @ForAll("uniform64") byte[] u, @ForAll("scalars") Scalar a, @ForAll("scalars") Scalar b) {
    // what ECDH PSI relies on: a(b H(x)) == b(a H(x)), each step through the wire encoding
    RistrettoPoint h = RistrettoPoint.fromUniformBytes(u);
    byte[] ab = RistrettoPoint.decode(h.multiply(b).encode()).multiply(a).encode();
    byte[] ba = RistrettoPoint.decode(h.multiply(a).encode()).multiply(b).encode();
    assertThat(ab).isEqualTo(ba);
  }

  @Property(tries = 60)
  void multiplicationDistributesOverScalarAddition(
      @ForAll("uniform64") byte[] u, @ForAll("scalars") Scalar a, @ForAll("scalars") Scalar b) {
    RistrettoPoint p = RistrettoPoint.fromUniformBytes(u);
    assertThat(p.multiply(a).add(p.multiply(b))).isEqualTo(p.multiply(a.add(b)));
  }

  @Property(tries = 60)
  void anInverseScalarUndoesABlinding(@ForAll("uniform64") byte[] u, @ForAll("scalars") Scalar a) {
    if (a.isZero()) {
      return;
    }
    RistrettoPoint p = RistrettoPoint.fromUniformBytes(u);
    assertThat(p.multiply(a).multiply(a.invert()).encode()).isEqualTo(p.encode());
  }

  @Property(tries = 300)
  void decodingAcceptsExactlyWhatElisabethAccepts(@ForAll @Size(32) byte[] candidate) {
    byte[] ours;
    try {
      ours = RistrettoPoint.decode(candidate).encode();
    } catch (io.fedge.federation.psi.ristretto.InvalidEncodingException e) {
      ours = null;
    }
    byte[] theirs;
    try {
      theirs = new CompressedRistretto(candidate).decompress().compress().toByteArray();
    } catch (InvalidEncodingException e) {
      theirs = null;
    }
    assertThat(ours).isEqualTo(theirs);
    if (ours != null) {
      assertThat(ours).isEqualTo(candidate);
    }
  }

  @Property(tries = 200)
  void everyNonCanonicalRepresentativeOfAValidEncodingIsRejected(@ForAll("uniform64") byte[] u) {
    byte[] enc = RistrettoPoint.fromUniformBytes(u).encode();
    // setting bit 255, or adding p when the sum stays below 2^256, changes the string not the value
    byte[] high = enc.clone();
    high[31] |= (byte) 0x80;
    assertThatThrownBy(() -> RistrettoPoint.decode(high))
        .isInstanceOf(io.fedge.federation.psi.ristretto.InvalidEncodingException.class);
    BigInteger v = new BigInteger(1, reverse(enc));
    BigInteger plusP = v.add(BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19)));
    if (plusP.bitLength() <= 256) {
      byte[] alias = reverse(toFixed(plusP));
      assertThatThrownBy(() -> RistrettoPoint.decode(alias))
          .isInstanceOf(io.fedge.federation.psi.ristretto.InvalidEncodingException.class);
    }
  }

  private static byte[] reverse(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }

  private static byte[] toFixed(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }
}
