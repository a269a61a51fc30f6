package io.fedge.ota.bundle;

/** Paths inside a bundle and inside an installed slot (the same tree). */
public final class BundleLayout {
  public static final String AGENT_JAR = "app/agent.jar";
  public static final String LIB_DIR = "app/lib/";
  public static final String MIGRATIONS_DIR = "migrations/";
  /** The slot's agent configuration, produced by applying the bundle's migrations to the previous slot's. */
  public static final String CONFIG = "agent.properties";
  public static final long MAX_UNPACKED_BYTES = 1L << 30;
  public static final int MAX_ENTRIES = 4096;

  private BundleLayout() {}
}
