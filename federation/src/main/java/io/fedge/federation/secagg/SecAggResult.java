package io.fedge.federation.secagg;

/**
 * What the server learns from a round: the sum mod R of the encoded inputs of {@code
 * contributors} (U3, the clients whose masked input was included), nothing else.
 */
public record SecAggResult(long[] sum, int[] contributors, FixedPoint fixedPoint) {
  public SecAggResult {
    sum = sum.clone();
    contributors = contributors.clone();
  }

  @Override
  public long[] sum() {
    return sum.clone();
  }

  @Override
  public int[] contributors() {
    return contributors.clone();
  }

  /** The sum decoded to real numbers (the sum, not the mean, of the clipped inputs). */
  public double[] decodedSum() {
    return fixedPoint.decodeSum(sum, contributors.length);
  }
}
