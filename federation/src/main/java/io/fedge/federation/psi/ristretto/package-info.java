/**
 * The ristretto255 prime-order group (RFC 9496) and hash_to_ristretto255 (RFC 9380) in pure Java:
 * five 51-bit limbs with exact 128-bit products via {@link java.lang.Math#multiplyHigh}, extended
 * Edwards coordinates, and a constant-time signed radix-16 scalar multiplication. See docs/psi.md.
 */
package io.fedge.federation.psi.ristretto;
