package io.fedge.federation.metrics;

import io.fedge.federation.wire.Kinds;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code kind} label of message counters. A kind arrives in a topic a device chose, so it is
 * not trusted as a label value: only the kinds declared in {@link Kinds} are used as they are,
 * anything else counts as {@value #OTHER}. That keeps the number of series bounded whatever
 * devices send.
 */
public final class KindLabel {
  public static final String OTHER = "other";
  private static final Set<String> KNOWN = declaredKinds();

  private KindLabel() {}

  /** {@code kind} if it is declared in {@link Kinds}, else {@value #OTHER}. */
  public static String of(String kind) {
    return kind != null && KNOWN.contains(kind) ? kind : OTHER;
  }

  /** Every declared kind (the public string constants of {@link Kinds}). */
  public static Set<String> known() {
    return KNOWN;
  }

  private static Set<String> declaredKinds() {
    Set<String> out = new TreeSet<>();
    for (Field f : Kinds.class.getFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
        try {
          out.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return Set.copyOf(out);
  }
}
