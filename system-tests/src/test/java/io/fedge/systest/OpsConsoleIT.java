package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.fedge.agent.Agent;
import io.fedge.agent.AgentConfig;
import io.fedge.federation.config.Settings;
import io.fedge.systest.support.Browser;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The hub's ops console in a real headless Chromium against a real hub process: the first admin
 * signs in with the one-time password from the hub's data dir and must replace it, creates an
 * operator and an auditor; the auditor sees no revoke control and the hub refuses the auditor's
 * revoke with 403; the operator mints a claim token whose QR code, read back from the screen,
 * enrolls a real agent that then shows up in the fleet list; the operator revokes it and the audit
 * log names the operator. Screenshots go to {@code target/screenshots/}.
 */
class OpsConsoleIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SHOTS = Path.of("target", "screenshots");

  @TempDir Path dir;
  private HubProcess hub;
  private Agent agent;
  private ChromeDriver browser;
  private WebDriverWait wait;

  @AfterEach
  void stopAll() {
    if (browser != null) {
      browser.quit();
    }
    if (agent != null) {
      agent.close();
    }
    if (hub != null) {
      hub.stop();
    }
  }

  @Test
  void adminOperatorAndAuditorWorkTheFleetWithTheirRolesEnforcedByTheHub() throws Exception {
    hub = HubProcess.start("console-hub", dir.resolve("hub"), Map.of());
    OpsClient ops = hub.ops();
    Path otpFile = hub.dataDir().resolve("console-admin-password");
    assertThat(otpFile).exists();
    String otp = Files.readString(otpFile).strip();
    browser = Browser.start(dir.resolve("chromium"), true);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));

    // the first admin: one-time password, then their own
    logIn("admin", otp, "Admin password 2026");
    assertThat(otpFile).as("the spent one-time password file is deleted").doesNotExist();
    org.openqa.selenium.Cookie cookie = browser.manage().getCookieNamed("fedge_console");
    assertThat(cookie.isHttpOnly()).isTrue();
    assertThat(cookie.isSecure()).isTrue();
    assertThat(cookie.getSameSite()).isEqualTo("Strict");
    assertThat(cookie.getExpiry()).as("a browser-session cookie; the hub ends it").isNull();
    shot("console-01-fleet-empty");

    // creates an operator and an auditor
    show("users");
    createUser("olga", "operator", "Olga first pass 1");
    createUser("audrey", "auditor", "Audrey first pass 1");
    wait.until(d -> d.findElements(By.cssSelector("[data-testid='user-row']")).size() == 3);
    shot("console-02-users");
    logOut();

    // the operator mints a claim token and reads its QR code
    logIn("olga", "Olga first pass 1", "Olga own password 1");
    assertThat(navIds()).contains("fleet", "claim-tokens", "audit").doesNotContain("users");
    show("claim-tokens");
    type("claim-group", "dealers-north");
    byTestId("claim-submit").click();
    WebElement qr = byTestId("claim-qr");
    wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", qr));
    shot("console-03-claim-token-qr");
    String fromQr = decodeQr(qr.getScreenshotAs(OutputType.BYTES));
    JsonNode bundle = JSON.readTree(fromQr);
    JsonNode shown = JSON.readTree(byTestId("claim-bundle").getText());
    assertThat(bundle).isEqualTo(shown);
    assertThat(bundle.path("hubUrl").asText()).isEqualTo("https://localhost:" + hub.httpPort());
    assertThat(bundle.path("caFingerprint").asText()).isEqualTo(hub.caFingerprint());
    assertThat(byTestId("claim-download").getAttribute("download")).isEqualTo("claim-dealers-north.json");

    // an agent enrolls with what the QR code says, and appears in the fleet list
    String deviceId = startAgent(fromQr);
    show("fleet");
    By row = By.cssSelector("[data-testid='fleet-row'][data-device='" + deviceId + "']");
    wait.until(ExpectedConditions.presenceOfElementLocated(row));
    wait.until(d -> "online".equals(d.findElement(row).getAttribute("data-status")));
    new org.openqa.selenium.support.ui.Select(byTestId("fleet-status")).selectByValue("revoked");
    wait.until(ExpectedConditions.numberOfElementsToBe(row, 0));
    new org.openqa.selenium.support.ui.Select(byTestId("fleet-status")).selectByValue("online");
    wait.until(ExpectedConditions.numberOfElementsToBe(row, 1));
    shot("console-04-fleet-with-device");
    logOut();

    // the auditor sees the device but no revoke control, and the hub refuses the revoke itself
    logIn("audrey", "Audrey first pass 1", "Audrey own password 1");
    assertThat(navIds()).contains("fleet", "audit").doesNotContain("claim-tokens");
    showDevice(deviceId);
    byTestId("revoke-not-allowed");
    assertThat(browser.findElements(By.cssSelector("[data-testid='revoke-form']"))).isEmpty();
    List<?> refused = fetchFromPage("POST", "/api/v1/devices/" + deviceId + "/revoke", "{\"reason\":\"auditor tries\"}");
    assertThat(refused.get(0)).isEqualTo(403L);
    assertThat((String) refused.get(1)).contains("\"forbidden\"");
    shot("console-05-auditor-device");
    assertThat(ops.device(deviceId).path("revoked").asBoolean()).isFalse();
    logOut();

    // the operator revokes it, with a reason; the device is cut off and the audit log names her
    logIn("olga", "Olga own password 1", null);
    showDevice(deviceId);
    await("heartbeats charted").atMost(Duration.ofSeconds(30)).until(() -> {
      showDevice(deviceId);
      return Integer.parseInt(byTestId("heartbeat-count").getAttribute("data-count")) > 0;
    });
    type("revoke-reason", "appliance stolen from the branch");
    byTestId("revoke-submit").click();
    byTestId("revoke-done");
    await("the hub revoked it").atMost(Duration.ofSeconds(20))
        .until(() -> ops.device(deviceId).path("revoked").asBoolean());
    showDevice(deviceId);
    assertThat(byTestId("device-status").getText()).isEqualTo("revoked");
    shot("console-06-device-revoked");
    show("audit");
    type("audit-actor", "olga");
    byTestId("audit-apply").click();
    wait.until(d -> d.findElements(By.cssSelector("[data-testid='audit-row'][data-action='revoke']")).size() == 1);
    List<String> actions = browser.findElements(By.cssSelector("[data-testid='audit-row']")).stream()
        .map(e -> e.getAttribute("data-action")).toList();
    assertThat(actions).contains("revoke", "claim-token.mint", "console.login", "console.password.change");
    shot("console-07-audit");

    // the same log over the API, with the admin's and the auditor's actions too
    JsonNode all = ops.get("/api/v1/audit/events?limit=200").body().path("events");
    assertThat(all.findValuesAsText("action")).contains("console.user.create:operator", "console.user.create:auditor");
    assertThat(all).anySatisfy(e -> {
      assertThat(e.path("actor").asText()).isEqualTo("audrey");
      assertThat(e.path("action").asText()).isEqualTo("api.post");
      assertThat(e.path("subject").asText()).isEqualTo("/api/v1/devices/" + deviceId + "/revoke");
      assertThat(e.path("outcome").asText()).isEqualTo("refused");
      assertThat(e.path("reason").asText()).isEqualTo("forbidden");
    });
  }

  // ---- steps

  private void logIn(String user, String password, String newPassword) {
    browser.get(hub.url() + "/console/");
    awaitLoaded("login");
    type("login-username", user);
    type("login-password", password);
    byTestId("login-submit").click();
    if (newPassword != null) {
      awaitLoaded("password-change");
      type("password-change-currentPassword", password);
      type("password-change-newPassword", newPassword);
      byTestId("password-change-submit").click();
    }
    awaitLoaded("fleet");
    assertThat(byTestId("who-name").getText()).isEqualTo(user);
  }

  private void logOut() {
    byTestId("logout").click();
    awaitLoaded("login");
  }

  private void createUser(String name, String role, String password) {
    type("user-new-name", name);
    new org.openqa.selenium.support.ui.Select(byTestId("user-new-role")).selectByValue(role);
    type("user-new-password", password);
    byTestId("user-new-submit").click();
    wait.until(d -> !d.findElements(By.cssSelector("[data-testid='user-row'][data-user='" + name + "']")).isEmpty());
  }

  private String startAgent(String claimJson) throws Exception {
    Path data = dir.resolve("agent");
    Files.createDirectories(data);
    Files.writeString(data.resolve("claim.json"), claimJson);
    agent = new Agent(AgentConfig.from(Settings.of(Map.of(
        "dashboard.port", "0",
        "heartbeat.interval", "PT1S"), AgentConfig.ENV_PREFIX), data));
    agent.start();
    await("agent enrolled and online").atMost(Duration.ofSeconds(60))
        .until(() -> agent.status().get("deviceId") != null && "CONNECTED".equals(agent.status().get("connection")));
    return (String) agent.status().get("deviceId");
  }

  private static String decodeQr(byte[] png) throws Exception {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    int[] px = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    BinaryBitmap bits = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(img.getWidth(), img.getHeight(), px)));
    return new QRCodeReader().decode(bits, Map.of(DecodeHintType.PURE_BARCODE, Boolean.FALSE, DecodeHintType.TRY_HARDER, Boolean.TRUE))
        .getText();
  }

  /** A request made by the page itself (its cookie, and the session's CSRF token): [status, body]. */
  private List<?> fetchFromPage(String method, String path, String body) {
    Object r = ((JavascriptExecutor) browser).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "fetch('/api/v1/session').then(r => r.json()).then(me => fetch(arguments[1], {method: arguments[0],"
            + " headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrfToken}, body: arguments[2]}))"
            + ".then(async r => done([r.status, await r.text()])).catch(e => done([0, String(e)]));",
        method, path, body);
    assertThat(r).isInstanceOf(List.class);
    return (List<?>) r;
  }

  // ---- browser plumbing

  private List<String> navIds() {
    return browser.findElements(By.cssSelector("#nav a")).stream()
        .map(a -> a.getAttribute("data-testid").substring("nav-".length())).toList();
  }

  private void show(String page) {
    browser.get(hub.url() + "/console/#/" + page);
    browser.navigate().refresh();
    awaitLoaded(page);
  }

  private void showDevice(String id) {
    browser.get(hub.url() + "/console/#/device/" + id);
    browser.navigate().refresh();
    awaitLoaded("device");
  }

  private void awaitLoaded(String page) {
    wait.until(d -> page.equals(((JavascriptExecutor) d).executeScript("return document.body.dataset.loaded")));
  }

  private WebElement byTestId(String id) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='" + id + "']")));
  }

  private void type(String testId, String text) {
    WebElement e = byTestId(testId);
    e.clear();
    e.sendKeys(text);
  }

  private void shot(String name) throws Exception {
    Files.createDirectories(SHOTS);
    Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
