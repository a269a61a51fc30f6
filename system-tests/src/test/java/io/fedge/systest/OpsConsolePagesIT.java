package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.ota.cli.Publisher;
import io.fedge.ota.tuf.ReleaseRepository;
import io.fedge.ota.tuf.SigningKey;
import io.fedge.provisioning.TlsContexts;
import io.fedge.systest.support.AgentProcess;
import io.fedge.systest.support.Browser;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The ops console's jobs, models, ledger and campaigns pages in a real headless Chromium, signed in
 * as an operator, against a real hub with three real agent processes: a federated job runs while
 * one agent is gone, and the jobs page shows the open round waiting for it, then every round and a
 * metrics chart with one point per round; the model is in the registry; the ledger page verifies a
 * round digest's inclusion proof and the checkpoint's Ed25519 signature in the browser, and fails a
 * tampered proof; a campaign's waves are drawn and it is paused and resumed from the page.
 * Screenshots go to {@code target/screenshots/}.
 */
class OpsConsolePagesIT {
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final String PASSWORD = "Ops console 2026 pages";

  @TempDir Path dir;
  private HubProcess hub;
  private final List<AgentProcess> agents = new ArrayList<>();
  private ChromeDriver browser;
  private WebDriverWait wait;

  @AfterEach
  void stopAll() {
    if (browser != null) {
      browser.quit();
    }
    agents.forEach(AgentProcess::stop);
    if (hub != null) {
      hub.stop();
    }
  }

  @Test
  void jobLedgerModelAndCampaignPagesShowTheLiveHubAndVerifyAProofInTheBrowser() throws Exception {
    hub = HubProcess.start("console-pages-hub", dir.resolve("hub"), Map.of("ota.tick", "PT0.2S"));
    OpsClient ops = hub.ops();
    long booting = System.nanoTime();
    List<String> ids = FederatedRoundsIT.startAgents(dir, "console-agent-", ops,
        List.of(FederatedRoundsIT.FATE.resolve("breast_homo_guest.csv"), FederatedRoundsIT.FATE.resolve("breast_homo_host.csv"),
            FederatedRoundsIT.FATE.resolve("breast_homo_guest.csv")), agents);
    startBrowserAndSignIn(ops);

    // ---- jobs: a round waits for an agent that is gone, then the job completes
    // rounds stay open long enough for the page to show the gone agent waiting: 12 s on a quiet
    // machine, as long as an agent took to boot on a loaded one
    int deadline = (int) Math.max(12, Duration.ofNanos(System.nanoTime() - booting).toSeconds() / ids.size());
    ObjectNode job = FederatedRoundsIT.job("console-lr", ids, false, 2, deadline, 2);
    job.set("validation", FederatedRoundsIT.JSON.valueToTree(Map.of("path", FederatedRoundsIT.FATE.resolve("breast_homo_test.csv").toString())));
    assertThat(ops.post("/api/v1/jobs", job).status()).as("job accepted").isEqualTo(201);
    await("the job running").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> ops.get("/api/v1/jobs/console-lr").body().path("state").asText().equals("RUNNING"));
    String gone = ids.get(2);
    agents.get(2).kill();
    show("jobs/console-lr");
    // the page's live card: the killed agent stays 'waiting' in an open round until the round's deadline
    WebElement waiting = wait.withTimeout(Duration.ofSeconds(60)).until(d -> d.findElements(
        By.cssSelector("[data-testid='live-device'][data-device='" + gone + "'][data-status='waiting']")).stream().findFirst().orElse(null));
    assertThat(waiting.getText()).contains(gone);
    JsonNode progress = ops.get("/api/v1/jobs/console-lr/progress").body();
    assertThat(progress.path("open").path("invited")).hasSize(3);
    assertThat(text("live-counts")).contains("3 invited");
    shot("ops-jobs-live-round", "job-live");

    await("the job done").atMost(Duration.ofMinutes(3).plusSeconds(3L * deadline)).pollInterval(Duration.ofMillis(500))
        .until(() -> !List.of("CONSENT", "RUNNING").contains(ops.get("/api/v1/jobs/console-lr").body().path("state").asText()));
    JsonNode done = ops.get("/api/v1/jobs/console-lr").body();
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("DONE");
    JsonNode rounds = ops.get("/api/v1/jobs/console-lr/rounds").body().path("rounds");
    JsonNode metrics = ops.get("/api/v1/jobs/console-lr/metrics").body();
    int lossPoints = 0;
    for (JsonNode v : metrics.path("series").path("trainLoss")) {
      lossPoints += v.isNumber() ? 1 : 0;
    }
    assertThat(lossPoints).as("train loss per completed round").isEqualTo(metrics.path("rounds").size()).isGreaterThanOrEqualTo(2);
    int expectedPoints = lossPoints;
    wait.withTimeout(Duration.ofSeconds(30)).until(d -> d.findElements(By.cssSelector("[data-testid='round-row']")).size() == rounds.size()
        && String.valueOf(expectedPoints + countNumbers(metrics.path("series").path("logLoss")))
            .equals(attr("chart-loss", "data-points")));
    assertThat(Integer.parseInt(attr("chart-quality", "data-points"))).as("validation AUC, KS, accuracy points").isPositive();
    assertThat(browser.findElements(By.cssSelector("[data-testid='round-row'][data-state='DONE']"))).hasSizeGreaterThanOrEqualTo(2);
    assertThat(text("job-live")).contains("No open round");
    // the chart really drew something: its canvas is not blank
    Object inked = js("const c = document.querySelector('[data-testid=chart-loss]');"
        + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        + "let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n;");
    assertThat(((Number) inked).longValue()).isGreaterThan(500);
    shot("ops-jobs-done", "job-charts");

    // ---- model registry
    String modelId = done.path("modelId").asText();
    show("models/" + modelId);
    WebElement modelRow = byTestId("model-row");
    assertThat(modelRow.getAttribute("data-model")).isEqualTo(modelId);
    wait.until(d -> !text("model-digest").equals("–"));
    assertThat(text("model-digest")).isEqualTo(rounds.get(rounds.size() - 1).path("aggregateSha256").asText());
    assertThat(byTestId("model-download").getAttribute("href")).endsWith("/api/v1/models/" + modelId + "/parameters");
    shot("ops-models", null);

    // ---- ledger: the round digest's proof is verified in the browser, a tampered one fails
    assertThat(ops.post("/api/v1/ledger/checkpoint", Map.of()).status()).isEqualTo(200);
    show("ledger");
    new org.openqa.selenium.support.ui.Select(byTestId("filter-type")).selectByValue("round-digest");
    byTestId("filter-subject").sendKeys(ids.get(0));
    byTestId("entries-filter").submit();
    wait.until(d -> !d.findElements(By.cssSelector("[data-testid='entry-row'][data-type='round-digest']")).isEmpty()
        && d.findElements(By.cssSelector("[data-testid='entry-row']:not([data-type='round-digest'])")).isEmpty());
    browser.findElements(By.cssSelector("[data-testid='entry-prove']")).get(0).click();
    WebElement verdict = wait.until(d -> d.findElements(By.cssSelector("[data-testid='proof-verdict']")).stream().findFirst().orElse(null));
    assertThat(verdict.getAttribute("data-ok")).as(text("proof-result")).isEqualTo("true");
    List<WebElement> checks = browser.findElements(By.cssSelector("[data-testid='proof-check']"));
    assertThat(checks).extracting(c -> c.getAttribute("data-ok")).containsOnly("true");
    assertThat(text("proof-result")).contains("Ed25519 signature on the checkpoint").contains("inclusion path");
    assertThat(browser.findElements(By.cssSelector("[data-testid='merkle-svg'] .ops-node.root.ok"))).hasSize(1);
    shot("ops-ledger-proof-verified", "proof-result");

    // flip one bit of the first proof hash: the path no longer reaches the signed root
    js("const t = document.querySelector('[data-testid=proof-json]'); const p = JSON.parse(t.value);"
        + "const b = Uint8Array.from(atob(p.hashes[0]), c => c.charCodeAt(0)); b[0] ^= 1;"
        + "p.hashes[0] = btoa(String.fromCharCode(...b)); t.value = JSON.stringify(p, null, 2);");
    byTestId("proof-verify").click();
    wait.until(d -> "false".equals(d.findElement(By.cssSelector("[data-testid='proof-verdict']")).getAttribute("data-ok")));
    assertThat(text("proof-result")).contains("does not lead to the checkpoint's root");
    assertThat(browser.findElements(By.cssSelector("[data-testid='merkle-svg'] .ops-node.root.bad"))).hasSize(1);
    shot("ops-ledger-proof-tampered", "proof-result");

    // ---- campaigns: a release, a campaign held by its maintenance window, its waves, pause and resume
    String target = publishRelease();
    DayOfWeek notToday = LocalDate.now(ZoneOffset.UTC).getDayOfWeek().plus(3);
    JsonNode c = ops.post("/api/v1/campaigns", Map.of("target", target, "selector", Map.of("group", "dealers"),
        "waves", List.of(50, 100), "window", Map.of("days", List.of(notToday.name().substring(0, 3)), "start", "00:00", "end", "23:59"))).body();
    String cid = c.path("id").asText();
    assertThat(c.path("state").asText()).as(c.toString()).isEqualTo("RUNNING");
    JsonNode restWaves = ops.get("/api/v1/campaigns/" + cid).body().path("waves");
    show("campaigns");
    WebElement campaign = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='campaign'][data-campaign='" + cid + "']")));
    List<WebElement> waves = campaign.findElements(By.cssSelector("[data-testid='wave']"));
    assertThat(waves).hasSize(2);
    assertThat(text("campaigns")).doesNotContain("null").contains(cid);
    for (int i = 0; i < 2; i++) {
      int size = restWaves.get(i).path("to").asInt() - restWaves.get(i).path("from").asInt();
      assertThat(waves.get(i).getAttribute("data-size")).isEqualTo(String.valueOf(size));
      assertThat(waves.get(i).getText()).contains(size + " pending");
    }
    assertThat(restWaves.get(0).path("to").asInt() + restWaves.get(1).path("to").asInt() - restWaves.get(1).path("from").asInt())
        .as("every selected device is in a wave").isEqualTo(3);
    shot("ops-campaigns-waves", null);
    campaignButton(cid, "campaign-pause").click();
    waitCampaignState(cid, "PAUSED");
    assertThat(ops.get("/api/v1/campaigns/" + cid).body().path("state").asText()).isEqualTo("PAUSED");
    campaignButton(cid, "campaign-resume").click();
    waitCampaignState(cid, "RUNNING");
    assertThat(ops.get("/api/v1/campaigns/" + cid).body().path("state").asText()).isEqualTo("RUNNING");
    shot("ops-campaigns-resumed", null);

    // ---- an auditor sees the same campaign and ledger, without the buttons that change them
    assertThat(ops.post("/api/v1/users", Map.of("username", "audrey", "role", "auditor", "password", PASSWORD)).status()).isEqualTo(201);
    byTestId("logout").click();
    signIn("audrey");
    show("campaigns");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='campaign'][data-campaign='" + cid + "']")));
    assertThat(browser.findElements(By.cssSelector("[data-testid='wave']"))).hasSize(2);
    assertThat(browser.findElements(By.cssSelector("[data-testid^='campaign-pause'], [data-testid^='campaign-cancel']"))).isEmpty();
    show("ledger");
    byTestId("ledger-size");
    assertThat(browser.findElements(By.cssSelector("[data-testid='checkpoint-sign']"))).isEmpty();
  }

  // ---- the browser

  private void startBrowserAndSignIn(OpsClient ops) throws Exception {
    JsonNode created = ops.post("/api/v1/users", Map.of("username", "olivia", "role", "operator", "password", PASSWORD)).body();
    assertThat(created.toString()).contains("olivia");
    browser = Browser.start(dir.resolve("chromium"), "--ignore-certificate-errors-spki-list=" + hubKeyPin());
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    signIn("olivia");
  }

  /** Logs in on the console's form (and sets an own password if the hub asks for one). */
  private void signIn(String user) {
    browser.get(hub.url() + "/console/");
    waitLoaded("login");
    type("login-username", user);
    type("login-password", PASSWORD);
    byTestId("login-submit").click();
    wait.until(d -> !"login".equals(js("return document.body.dataset.loaded")) && !"".equals(js("return document.body.dataset.loaded")));
    if ("password-change".equals(js("return document.body.dataset.loaded"))) {
      type("password-change-currentPassword", PASSWORD);
      type("password-change-newPassword", PASSWORD + " mine");
      byTestId("password-change-submit").click();
      wait.until(d -> !"password-change".equals(js("return document.body.dataset.loaded")));
    }
  }

  /**
   * Chromium trusts the hub's TLS key by its SPKI pin only (not every certificate): the hub's
   * server certificate is read over a connection pinned to the hub CA's fingerprint.
   */
  private String hubKeyPin() throws Exception {
    URI u = URI.create(hub.url());
    try (SSLSocket s = (SSLSocket) TlsContexts.pinnedClient(hub.caFingerprint()).getSocketFactory().createSocket(u.getHost(), u.getPort())) {
      s.startHandshake();
      X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(leaf.getPublicKey().getEncoded()));
    }
  }

  private void show(String hash) {
    String page = hash.split("/")[0];
    browser.get(hub.url() + "/console/#/" + hash);
    browser.navigate().refresh();
    waitLoaded(page);
  }

  private void waitLoaded(String page) {
    wait.until(d -> page.equals(js("return document.body.dataset.loaded")));
  }

  private Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private WebElement byTestId(String id) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='" + id + "']")));
  }

  /** An element's text, read again if the page redrew it meanwhile (the pages refresh themselves). */
  private String text(String id) {
    for (int i = 0; ; i++) {
      try {
        return byTestId(id).getText();
      } catch (StaleElementReferenceException e) {
        if (i == 20) {
          throw e;
        }
      }
    }
  }

  private String attr(String id, String name) {
    for (int i = 0; ; i++) {
      try {
        List<WebElement> es = browser.findElements(By.cssSelector("[data-testid='" + id + "']"));
        return es.isEmpty() ? null : es.get(0).getAttribute(name);
      } catch (StaleElementReferenceException e) {
        if (i == 20) {
          throw e;
        }
      }
    }
  }

  private void type(String id, String value) {
    WebElement e = byTestId(id);
    e.clear();
    e.sendKeys(value);
  }

  private WebElement campaignButton(String cid, String testId) {
    return wait.until(ExpectedConditions.elementToBeClickable(
        By.cssSelector("[data-testid='campaign'][data-campaign='" + cid + "'] [data-testid='" + testId + "']")));
  }

  private void waitCampaignState(String cid, String state) {
    wait.until(d -> !d.findElements(By.cssSelector("[data-testid='campaign'][data-campaign='" + cid + "'][data-state='" + state + "']")).isEmpty());
  }

  /** A screenshot of the viewport, scrolled to the element with this test id first (if given). */
  private void shot(String name, String scrollTo) throws Exception {
    if (scrollTo != null) {
      js("document.querySelector(\"[data-testid='" + scrollTo + "']\").scrollIntoView({block: 'start'});");
    }
    Files.createDirectories(SHOTS);
    Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  private static int countNumbers(JsonNode series) {
    int n = 0;
    for (JsonNode v : series) {
      n += v.isNumber() ? 1 : 0;
    }
    return n;
  }

  // ---- OTA

  /** Publishes a small signed release the way an operator does (keys on "their machine"); returns its target name. */
  private String publishRelease() throws Exception {
    ReleaseRepository repo = new ReleaseRepository(dir.resolve("repo"), Clock.systemUTC(), ReleaseRepository.Expiries.defaults());
    SigningKey root = SigningKey.generate("root");
    SigningKey targets = SigningKey.generate("targets");
    SigningKey snapshot = SigningKey.generate("snapshot");
    SigningKey timestamp = SigningKey.generate("timestamp");
    repo.init(List.of(root), 1, targets, snapshot, timestamp);
    Path file = dir.resolve("fedge-agent-9.9.9-console.bundle");
    byte[] bytes = new byte[64 * 1024];
    new Random(7).nextBytes(bytes);
    Files.write(file, bytes);
    repo.addTarget(file, file.getFileName().toString(), Map.of("version", "9.9.9-console"), List.of(targets, snapshot, timestamp));
    new Publisher(hub.url(), hub.caFingerprint(), HubProcess.OPS_TOKEN).publish(dir.resolve("repo"));
    return file.getFileName().toString();
  }
}
