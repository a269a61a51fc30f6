package io.fedge.agent.dashboard;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium and chromedriver for browser tests. Missing packages fail the test
 * with the command that installs them: browser tests are never skipped silently.
 */
final class Chromium {
  static final String BROWSER = "/usr/bin/chromium";
  static final String DRIVER = "/usr/bin/chromedriver";

  private Chromium() {}

  static ChromeDriver start(Path profileDir) throws Exception {
    for (String p : new String[] {BROWSER, DRIVER}) {
      if (!Files.isExecutable(Path.of(p))) {
        throw new AssertionError(p + " is missing: the dashboard's browser tests need Debian's Chromium."
            + " Install it with: sudo apt-get install -y chromium chromium-driver (CI does this in .ci/run)");
      }
    }
    Files.createDirectories(profileDir);
    ChromeOptions o = new ChromeOptions();
    o.setBinary(BROWSER);
    o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profileDir.toAbsolutePath());
    o.setExperimentalOption("prefs", Map.of("download.default_directory", profileDir.resolve("downloads").toString()));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    o.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
    return new ChromeDriver(service, o);
  }
}
