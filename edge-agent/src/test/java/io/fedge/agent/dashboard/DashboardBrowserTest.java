package io.fedge.agent.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.agent.dashboard.backend.TrainingEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dealer's first visit, in a real headless Chromium against a real agent that is still
 * enrolling: pairing with the label's code, login, every page, live training, logout and the
 * lockout. The steps share one appliance, in order, as a dealer would meet them. Screenshots go to
 * {@code target/screenshots/}; page load times (navigation timing) to the test output and
 * {@code target/screenshots/page-load.txt}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
  private static final String PASSWORD = "Autohaus Nord 2026";
  private static final Path SHOTS = Path.of("target", "screenshots");

  @TempDir static Path dir;
  static TestAgent agent;
  static ChromeDriver browser;
  static WebDriverWait wait;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(SHOTS);
    agent = new TestAgent(dir.resolve("agent"), Map.of());
    url = agent.url();
    browser = Chromium.start(dir.resolve("chromium"));
    wait = new WebDriverWait(browser, Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (agent != null) {
      agent.close();
    }
  }

  private static WebElement byTestId(String id) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='" + id + "']")));
  }

  private static void shot(String name) throws Exception {
    Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  private static void type(String testId, String text) {
    WebElement e = byTestId(testId);
    e.clear();
    e.sendKeys(text);
  }

  private static void showPage(String page) {
    browser.get(url + "/#" + page);
    wait.until(d -> page.equals(((JavascriptExecutor) d).executeScript("return document.body.dataset.loaded")));
  }

  @Test
  @Order(1)
  void aFirstVisitorIsSentToPairing() throws Exception {
    browser.get(url + "/");
    wait.until(ExpectedConditions.urlToBe(url + "/pair"));
    assertThat(byTestId("pair-form").isDisplayed()).isTrue();
    shot("01-pairing");
  }

  @Test
  @Order(2)
  void aWrongPairingCodeIsRefused() throws Exception {
    browser.get(url + "/pair");
    String right = agent.pairingCode();
    String wrong = (right.startsWith("2") ? "3" : "2") + right.substring(1);
    type("pair-code", wrong);
    type("pair-password", PASSWORD);
    type("pair-confirm", PASSWORD);
    byTestId("pair-submit").click();
    assertThat(wait.until(d -> byTestId("pair-error")).getText()).contains("pairing code is not right");
    assertThat(browser.getCurrentUrl()).isEqualTo(url + "/pair");
    shot("02-pairing-wrong-code");
  }

  @Test
  @Order(3)
  void pairingWithTheLabelsCodeSetsThePasswordAndOpensTheDashboard() throws Exception {
    browser.get(url + "/pair");
    type("pair-code", agent.pairingCode().toLowerCase()); // as typed from a label, in any case
    type("pair-password", PASSWORD);
    type("pair-confirm", PASSWORD);
    byTestId("pair-submit").click();
    wait.until(ExpectedConditions.urlToBe(url + "/"));
    assertThat(byTestId("current-user").getText()).isEqualTo("admin");
    wait.until(d -> !byTestId("connection-state").getText().equals("…"));
    assertThat(byTestId("connection-state").getText()).isEqualTo("enrolling");
    assertThat(byTestId("status-version").getText()).isNotBlank().isNotEqualTo("–");
    assertThat(agent.dataDir().resolve("run/pairing-code")).as("the spent code's file is gone").doesNotExist();
    shot("03-status");
    browser.get(url + "/pair");
    wait.until(ExpectedConditions.urlToBe(url + "/"));
  }

  @Test
  @Order(4)
  void theSessionCookieIsHttpOnlyAndSameSiteStrict() {
    Cookie c = browser.manage().getCookieNamed("fedge_session");
    assertThat(c).isNotNull();
    assertThat(c.isHttpOnly()).isTrue();
    assertThat(c.getSameSite()).isEqualTo("Strict");
    assertThat(c.isSecure()).as("plain HTTP here; Secure is set when the dashboard has TLS").isFalse();
    assertThat((String) browser.executeScript("return document.cookie")).doesNotContain(c.getValue());
  }

  @Test
  @Order(5)
  void everyPageShowsTheAgentsRealStateWithClearEmptyStates() throws Exception {
    showPage("datasets");
    assertThat(byTestId("datasets-empty").getText()).contains("No datasets yet");
    shot("04-datasets");
    showPage("jobs");
    assertThat(byTestId("jobs-empty").getText()).contains("No job is waiting");
    assertThat(byTestId("history-empty").getText()).contains("No decisions yet");
    shot("05-jobs");
    showPage("updates");
    assertThat(byTestId("updates-empty").getText()).contains("No updates yet");
    shot("07-updates");
    showPage("receipts");
    assertThat(byTestId("receipts-empty").getText()).contains("No receipts yet");
    shot("08-receipts");
  }

  @Test
  @Order(6)
  void trainingProgressArrivesLiveAndDrawsTheCurves() throws Exception {
    browser.get(url + "/#training");
    assertThat(byTestId("training-empty").getText()).contains("No training running");
    wait.until(d -> byTestId("stream-state").getText().equals("live"));
    // Synthetic curves published into the agent's real feed (a real round drawing them: DealerDashboardIT).
    var feed = agent.agent().trainingFeed();
    for (int round = 1; round <= 5; round++) {
      List<TrainingEvent.RocPoint> roc = new ArrayList<>();
      for (int i = 0; i <= 10; i++) {
        double fpr = i / 10.0;
        roc.add(new TrainingEvent.RocPoint(fpr, Math.min(1.0, Math.pow(fpr, 1.0 / (1 + round)))));
      }
      feed.publish(new TrainingEvent("churn-2026", "evaluated", round, 8, 1.0, 0.69 / Math.sqrt(round),
          Map.of("auc", 0.6 + 0.04 * round), roc, Instant.now()));
    }
    wait.until(d -> d.findElements(By.cssSelector("[data-testid='training-round']")).size() == 5);
    assertThat(byTestId("training-job").getAttribute("data-job")).isEqualTo("churn-2026");
    assertThat(byTestId("training-progress").getAttribute("value")).isEqualTo("62.5");
    assertThat(byTestId("loss-chart").getSize().getHeight()).isGreaterThan(100);
    assertThat(byTestId("roc-chart").getSize().getWidth()).isGreaterThan(100);
    shot("06-training");
  }

  @Test
  @Order(7)
  void thePagesRunWithoutContentSecurityPolicyViolationsOrScriptErrors() {
    List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
        .filter(e -> !e.getMessage().contains("/api/pair") && !e.getMessage().contains("/api/login")) // the refused attempts above
        .toList();
    assertThat(severe).extracting(LogEntry::getMessage).isEmpty();
  }

  @Test
  @Order(8)
  void aPostWithoutTheCsrfTokenIsRefusedInsideTheBrowserToo() {
    Object status = browser.executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "fetch('/api/consents/job-1/approve', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'})"
            + ".then(r => done(r.status)).catch(e => done(String(e)));");
    assertThat(status).isEqualTo(403L);
    byTestId("current-user"); // still logged in: the refused request changed nothing
  }

  @Test
  @Order(9)
  void pageLoadTimesAreMeasured() throws Exception {
    Map<String, double[]> figures = new LinkedHashMap<>();
    int runs = 5;
    for (String page : List.of("status", "datasets", "jobs", "training", "updates", "receipts")) {
      double[] load = new double[runs];
      double[] ready = new double[runs];
      for (int i = 0; i < runs; i++) {
        browser.get("about:blank");
        long t0 = System.nanoTime();
        browser.get(url + "/#" + page);
        wait.until(d -> page.equals(((JavascriptExecutor) d).executeScript("return document.body.dataset.loaded")));
        ready[i] = (System.nanoTime() - t0) / 1e6;
        load[i] = ((Number) browser.executeScript(
            "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime;")).doubleValue();
      }
      figures.put(page, new double[] {median(load), median(ready)});
    }
    double[] login = new double[runs];
    for (int i = 0; i < runs; i++) { // baseline: one static file from the same server, same browser
      browser.get(url + "/assets/logo.svg");
      login[i] = ((Number) browser.executeScript(
          "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime;")).doubleValue();
    }
    double base = median(login);
    StringBuilder sb = new StringBuilder("dashboard page load, median of " + runs + " (headless Chromium, loopback)\n");
    sb.append(String.format("baseline: one static asset (logo.svg) navigation %.1f ms%n", base));
    figures.forEach((p, f) -> sb.append(String.format("%-9s load event %.1f ms (%.1fx baseline), data drawn %.1f ms%n", p, f[0], f[0] / base, f[1])));
    System.out.print(sb);
    Files.writeString(SHOTS.resolve("page-load.txt"), sb.toString());
    assertThat(figures).hasSize(6);
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }

  @Test
  @Order(10)
  void logoutEndsTheSession() throws Exception {
    showPage("status");
    String old = browser.manage().getCookieNamed("fedge_session").getValue();
    byTestId("logout-button").click();
    wait.until(ExpectedConditions.urlToBe(url + "/login"));
    shot("09-login");
    browser.get(url + "/#datasets");
    wait.until(ExpectedConditions.urlToBe(url + "/login#datasets")); // the browser keeps the fragment across the redirect
    browser.manage().addCookie(new Cookie.Builder("fedge_session", old).path("/").isHttpOnly(true).sameSite("Strict").build());
    browser.get(url + "/");
    wait.until(ExpectedConditions.urlToBe(url + "/login")); // the old session id is dead on the server, not just in the browser
  }

  @Test
  @Order(11)
  void loginWorksWithThePasswordSetAtPairing() {
    browser.get(url + "/login");
    type("login-username", "admin");
    type("login-password", PASSWORD);
    byTestId("login-submit").click();
    wait.until(ExpectedConditions.urlToBe(url + "/"));
    assertThat(byTestId("current-user").getText()).isEqualTo("admin");
    byTestId("logout-button").click();
    wait.until(ExpectedConditions.urlToBe(url + "/login"));
  }

  @Test
  @Order(12)
  void fiveBadPasswordsLockTheAccountAndTheLockSurvivesARestart() throws Exception {
    browser.get(url + "/login");
    for (int i = 1; i <= 5; i++) {
      type("login-username", "admin");
      type("login-password", "wrong guess " + i);
      byTestId("login-submit").click();
      final int n = i;
      wait.until(d -> byTestId("login-error").getText().contains("Wrong user name or password") && byTestId("login-submit").isEnabled()
          && (n < 5 || byTestId("login-error").getText().contains("locked")));
    }
    assertThat(byTestId("login-error").getText()).contains("locked for 30 seconds");
    type("login-username", "admin");
    type("login-password", PASSWORD);
    byTestId("login-submit").click();
    wait.until(d -> byTestId("login-error").getText().contains("Too many failed attempts. Try again in"));
    shot("10-locked");
    agent.restart();
    url = agent.url();
    browser.get(url + "/login");
    type("login-username", "admin");
    type("login-password", PASSWORD);
    byTestId("login-submit").click();
    wait.until(d -> byTestId("login-error").getText().contains("Too many failed attempts"));
    assertThat(browser.getCurrentUrl()).isEqualTo(url + "/login");
  }
}
