package io.fedge.systest.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium and chromedriver (apt packages chromium, chromium-driver). Missing
 * packages fail the test with the command that installs them: browser tests are never skipped.
 */
public final class Browser {
  private static final String BROWSER = "/usr/bin/chromium";
  private static final String DRIVER = "/usr/bin/chromedriver";

  private Browser() {}

  public static ChromeDriver start(Path profileDir) throws Exception {
    return start(profileDir, false);
  }

  /**
   * With {@code acceptInsecureCerts} Chromium accepts a server certificate it cannot verify: for the
   * hub console, whose HTTPS certificate chains to the hub's own CA (which the browser does not know).
   */
  public static ChromeDriver start(Path profileDir, boolean acceptInsecureCerts) throws Exception {
    return start(profileDir, acceptInsecureCerts, new String[0]);
  }

  /** With extra Chromium flags (e.g. {@code --ignore-certificate-errors-spki-list=<pin>}: trust one server key only). */
  public static ChromeDriver start(Path profileDir, String... extraArgs) throws Exception {
    return start(profileDir, false, extraArgs);
  }

  private static ChromeDriver start(Path profileDir, boolean acceptInsecureCerts, String... extraArgs) throws Exception {
    for (String p : new String[] {BROWSER, DRIVER}) {
      if (!Files.isExecutable(Path.of(p))) {
        throw new AssertionError(p + " is missing: browser tests need Debian's Chromium."
            + " Install it with: sudo apt-get install -y chromium chromium-driver (CI does this in .ci/run)");
      }
    }
    Files.createDirectories(profileDir);
    ChromeOptions o = new ChromeOptions();
    o.setBinary(BROWSER);
    o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profileDir.toAbsolutePath());
    o.addArguments(extraArgs);
    o.setAcceptInsecureCerts(acceptInsecureCerts);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
    return new ChromeDriver(service, o);
  }
}
