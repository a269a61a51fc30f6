package io.fedge.federation.crypto.paillier;

import com.squareup.jnagmp.LibGmp;
import com.squareup.jnagmp.LibGmp.mpz_t;
import com.sun.jna.Memory;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.math.BigInteger;

/**
 * The table of {@link FixedBasePowers} kept in GMP integers (through jnagmp's bindings), with each
 * product and reduction done by {@code mpz_mul} and {@code mpz_mod}. GMP's assembly multiplies
 * independently of the JIT: the pure-Java table needs C2's multiplication intrinsics, which a JVM
 * limited to C1 (the appliance's {@code -XX:TieredStopAtLevel=1}) does not have.
 *
 * <p>The table is native memory (the entries' limbs are allocated by GMP) released by a
 * {@link Cleaner} once this object is unreachable. Read-only after construction, so threads share
 * it; every {@link #pow} uses its own scratch integers.
 */
final class GmpFixedBasePowers implements FixedBase {
  private static final Cleaner CLEANER = Cleaner.create();

  private final int windowBits;
  private final int maxBits;
  private final int digits;
  private final Memory block; // mpz_t structs: the modulus, then the table row by row
  private final mpz_t modulus;
  private final int modulusBytes;

  GmpFixedBasePowers(BigInteger base, BigInteger modulus, int maxBits, int windowBits) {
    GmpArith.load(); // refuses a GMP that does not load or answers wrongly
    FixedBasePowers java = new FixedBasePowers(base, modulus, maxBits, windowBits); // validates, computes
    this.windowBits = windowBits;
    this.maxBits = maxBits;
    this.digits = (1 << windowBits) - 1;
    this.modulusBytes = (modulus.bitLength() + 7) / 8;
    int count = 1 + java.entries();
    this.block = new Memory((long) count * mpz_t.SIZE);
    for (int i = 0; i < count; i++) {
      LibGmp.__gmpz_init(at(i));
    }
    this.modulus = at(0);
    importInto(this.modulus, modulus);
    java.forEachEntry((value, index) -> importInto(at(1 + index), value));
    CLEANER.register(this, new Release(block, count));
  }

  private mpz_t at(int i) {
    return new mpz_t(block.share((long) i * mpz_t.SIZE));
  }

  @Override
  public BigInteger pow(BigInteger e) {
    if (e == null || e.signum() < 0 || e.bitLength() > maxBits) {
      throw new IllegalArgumentException("exponent must be in [0, 2^" + maxBits + ")");
    }
    Memory scratch = new Memory(2L * mpz_t.SIZE);
    mpz_t acc = new mpz_t(scratch.share(0));
    mpz_t tmp = new mpz_t(scratch.share(mpz_t.SIZE));
    LibGmp.__gmpz_init(acc);
    LibGmp.__gmpz_init(tmp);
    try {
      importInto(acc, BigInteger.ONE);
      int length = e.bitLength();
      for (int i = 0, pos = 0; pos < length; i++, pos += windowBits) {
        int d = 0;
        for (int j = Math.min(windowBits, length - pos) - 1; j >= 0; j--) {
          d = (d << 1) | (e.testBit(pos + j) ? 1 : 0);
        }
        if (d != 0) {
          LibGmp.__gmpz_mul(tmp, acc, at(1 + i * digits + d - 1));
          LibGmp.__gmpz_mod(acc, tmp, modulus);
        }
      }
      return export(acc);
    } finally {
      LibGmp.__gmpz_clear(acc);
      LibGmp.__gmpz_clear(tmp);
      // mpz_t keeps a raw address: without these fences the JIT may let the scratch memory, or this
      // table (whose cleaner frees the entries), be collected while GMP still reads them.
      Reference.reachabilityFence(scratch);
      Reference.reachabilityFence(this);
    }
  }

  @Override
  public int maxBits() {
    return maxBits;
  }

  private static void importInto(mpz_t target, BigInteger value) {
    byte[] bytes = value.toByteArray(); // non-negative: a leading zero byte at most
    Memory buf = new Memory(bytes.length);
    buf.write(0, bytes, 0, bytes.length);
    LibGmp.__gmpz_import(target, bytes.length, 1, 1, 1, 0, buf);
  }

  private BigInteger export(mpz_t value) {
    Memory buf = new Memory(modulusBytes + 8L);
    Memory count = new Memory(8);
    count.setLong(0, 0);
    LibGmp.__gmpz_export(buf, count, 1, 1, 1, 0, value);
    int n = LibGmp.readSizeT(count);
    return n == 0 ? BigInteger.ZERO : new BigInteger(1, buf.getByteArray(0, n));
  }

  /** Clears the GMP integers of a table that is no longer reachable. */
  private record Release(Memory block, int count) implements Runnable {
    @Override
    public void run() {
      for (int i = 0; i < count; i++) {
        LibGmp.__gmpz_clear(new mpz_t(block.share((long) i * mpz_t.SIZE)));
      }
    }
  }
}
