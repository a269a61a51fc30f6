package io.fedge.ota.bundle;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * {@code bundle.properties}, the first entry of a bundle and the file the launcher reads in a slot
 * (a properties file, so the launcher needs nothing but the JDK).
 *
 * @param format always {@value #FORMAT}
 * @param version the agent version this bundle carries; the launcher hands it to the agent as
 *     {@code FEDGE_AGENT_AGENT_VERSION}, so it is the version the agent reports in heartbeats
 * @param mainClass the agent's main class
 * @param created when the bundle was built (UTC)
 */
public record BundleManifest(String format, String version, String mainClass, String created) {
  public static final String FORMAT = "fedge-bundle/1";
  public static final String FILE = "bundle.properties";
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}");
  private static final Pattern CLASS = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

  public BundleManifest {
    if (!FORMAT.equals(format)) {
      throw new IllegalArgumentException("bundle format " + format + " is not " + FORMAT);
    }
    if (version == null || !VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException("bundle version must be 1-64 characters of [0-9A-Za-z.+_-]");
    }
    if (mainClass == null || !CLASS.matcher(mainClass).matches()) {
      throw new IllegalArgumentException("bundle main-class is not a Java class name");
    }
  }

  public String encode() {
    Properties p = new Properties();
    p.setProperty("format", format);
    p.setProperty("version", version);
    p.setProperty("main-class", mainClass);
    p.setProperty("created", created);
    StringWriter w = new StringWriter();
    try {
      p.store(w, "Fedge agent bundle");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }

  public static BundleManifest decode(String text) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("bundle.properties is not a properties file");
    }
    return new BundleManifest(p.getProperty("format"), p.getProperty("version"), p.getProperty("main-class"),
        p.getProperty("created", ""));
  }

  public static BundleManifest read(Path slotDir) throws IOException {
    return decode(Files.readString(slotDir.resolve(FILE), StandardCharsets.UTF_8));
  }
}
