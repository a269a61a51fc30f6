package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.agent.Agent;
import io.fedge.agent.AgentConfig;
import io.fedge.agent.consent.ConsentRequest;
import io.fedge.federation.config.Settings;
import io.fedge.systest.support.Browser;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * The dealer's side of the product, in a real headless Chromium against a real agent enrolled with
 * the real hub: a CSV dropped into the appliance's drop folder shows up with its quarantined rows,
 * and a job submitted at the hub reaches the jobs page over MQTT with exactly its columns, is
 * approved in the browser, stored on the agent and recorded by the hub. Screenshots go to
 * {@code target/screenshots/}.
 */
class DealerDashboardIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "Autohaus Nord 2026";
  private static final Path SHOTS = Path.of("target", "screenshots");

  @TempDir Path dir;
  private HubProcess hub;
  private Agent agent;
  private ChromeDriver browser;
  private WebDriverWait wait;
  private String url;

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

  private WebElement byTestId(String id) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='" + id + "']")));
  }

  private void shot(String name) throws Exception {
    Files.createDirectories(SHOTS);
    Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  private void showPage(String page) {
    browser.get(url + "/#" + page);
    wait.until(d -> page.equals(((JavascriptExecutor) d).executeScript("return document.body.dataset.loaded")));
  }

  /** Reads the page, again if it was redrawn meanwhile (the dashboard refreshes in the background). */
  private <T> T stable(java.util.function.Supplier<T> read) {
    for (int i = 0; ; i++) {
      try {
        return read.get();
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        if (i == 20) {
          throw e;
        }
      }
    }
  }

  private void type(String testId, String text) {
    WebElement e = byTestId(testId);
    e.clear();
    e.sendKeys(text);
  }

  /** A real agent in this JVM, enrolled with the hub's claim bundle, its drop folder polled quickly. */
  private Path startAgent(OpsClient ops) throws Exception {
    Path data = dir.resolve("agent");
    Files.createDirectories(data);
    Files.writeString(data.resolve("claim.json"), JSON.writeValueAsString(ops.mintClaimBundle("dealers", 3600)));
    Path dropbox = data.resolve("dropbox");
    agent = new Agent(AgentConfig.from(Settings.of(Map.of(
        "dashboard.port", "0",
        "heartbeat.interval", "PT2S",
        "data.dropbox", dropbox.toString(),
        "data.dropbox.poll", "PT0.2S",
        "data.dropbox.settle", "PT0.2S",
        "data.sample.rows", "20"), AgentConfig.ENV_PREFIX), data));
    agent.start();
    url = JSON.readTree(data.resolve("run/agent.json").toFile()).path("dashboardUrl").asText();
    return dropbox;
  }

  private void pairAndLogIn(Path data) throws Exception {
    browser = Browser.start(dir.resolve("chromium"));
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    browser.get(url + "/pair");
    type("pair-code", Files.readString(data.resolve("run/pairing-code")).strip());
    type("pair-password", PASSWORD);
    type("pair-confirm", PASSWORD);
    byTestId("pair-submit").click();
    wait.until(ExpectedConditions.urlToBe(url + "/"));
  }

  @Test
  void aDroppedCsvShowsItsRowsAndQuarantineAndAHubJobIsApprovedInTheBrowser() throws Exception {
    hub = HubProcess.start("dashboard-hub", dir.resolve("hub"), Map.of());
    OpsClient ops = hub.ops();
    Path dropbox = startAgent(ops);
    pairAndLogIn(dir.resolve("agent"));

    // (a) a CSV with three bad rows, dropped as a dealer's tool would (written aside, then renamed)
    StringBuilder csv = new StringBuilder("y,x0,x1,notes\n");
    for (int i = 0; i < 40; i++) {
      if (i == 25) {
        csv.append("1,0.5\n"); // line 27: too few fields
      } else if (i == 30) {
        csv.append("0,not-a-number,0.1,x\n"); // line 32: not a float
      } else if (i == 35) {
        csv.append("1,0.2,0.3,a,extra\n"); // line 37: too many fields
      } else {
        csv.append(i % 2).append(',').append(i / 10.0).append(',').append(1 - i / 40.0).append(",row ").append(i).append('\n');
      }
    }
    Files.createDirectories(dropbox);
    Files.writeString(dropbox.resolve("churn.csv.part"), csv);
    Files.move(dropbox.resolve("churn.csv.part"), dropbox.resolve("churn.csv"), StandardCopyOption.ATOMIC_MOVE);

    showPage("datasets");
    wait.until(d -> !d.findElements(By.cssSelector("[data-testid='dataset-row'][data-dataset='churn']")).isEmpty());
    wait.until(d -> byTestId("dataset-row-count").getText().equals("37"));
    assertThat(byTestId("dataset-quarantine-count").getText()).isEqualTo("3");
    stable(() -> {
      byTestId("dataset-open").click();
      return null;
    });
    wait.until(d -> d.findElements(By.cssSelector("[data-testid='quarantine-row']")).size() == 3);
    List<String> quarantined = stable(() -> browser.findElements(By.cssSelector("[data-testid='quarantine-row']")).stream()
        .map(e -> e.getAttribute("data-line") + " " + e.getText()).toList());
    assertThat(quarantined).hasSize(3);
    assertThat(quarantined.get(0)).startsWith("27 churn.csv");
    assertThat(quarantined.get(1)).startsWith("32 churn.csv").contains("not-a-number");
    assertThat(quarantined.get(2)).startsWith("37 churn.csv");
    assertThat(browser.findElements(By.cssSelector("[data-testid='recent-row']"))).isNotEmpty();
    shot("dealer-01-dataset-with-quarantine");
    String href = byTestId("quarantine-download").getAttribute("href");
    Object download = ((JavascriptExecutor) browser).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "fetch(arguments[0]).then(async r => done([r.status, r.headers.get('Content-Disposition'), await r.text()]))"
            + ".catch(e => done(String(e)));", href);
    assertThat(download).isInstanceOf(List.class);
    List<?> got = (List<?>) download;
    assertThat(got.get(0)).isEqualTo(200L);
    assertThat((String) got.get(1)).contains("attachment").contains("quarantine-churn.csv");
    String[] lines = ((String) got.get(2)).strip().split("\r?\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0]).isEqualTo("\"file\",\"line\",\"reason\",\"raw\",\"at\"");
    assertThat(lines[1]).startsWith("\"churn.csv\",\"27\",");
    assertThat(lines[2]).startsWith("\"churn.csv\",\"32\",").contains("not-a-number");
    assertThat(lines[3]).startsWith("\"churn.csv\",\"37\",");

    // (b) a job submitted at the hub reaches the jobs page over MQTT with exactly its columns
    await("agent enrolled and online").atMost(Duration.ofSeconds(60))
        .until(() -> agent.status().get("deviceId") != null && "CONNECTED".equals(agent.status().get("connection")));
    String deviceId = (String) agent.status().get("deviceId");
    ObjectNode job = JSON.createObjectNode();
    job.put("id", "churn-q4");
    job.put("title", "Churn, Q4");
    job.put("requester", "Acme Bank");
    job.put("purpose", "predict churn from two service figures");
    job.set("participants", JSON.valueToTree(List.of(deviceId)));
    job.set("datasets", JSON.valueToTree(List.of(Map.of("dataset", "churn", "columns", List.of("y", "x0", "x1")))));
    job.put("label", "y");
    job.set("model", JSON.valueToTree(Map.of("type", "logistic")));
    job.set("hyper", JSON.valueToTree(Map.of("learningRate", 0.1, "localEpochs", 1, "batchSize", 8)));
    job.put("rounds", 2);
    job.put("roundDeadlineSeconds", 60);
    job.put("quorum", 1);
    job.set("secureAggregation", JSON.valueToTree(Map.of("enabled", false)));
    OpsClient.Response created = ops.post("/api/v1/jobs", job);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);

    showPage("jobs");
    wait.until(d -> !d.findElements(By.cssSelector("[data-testid='consent-request'][data-job='churn-q4']")).isEmpty());
    assertThat(stable(() -> browser.findElements(By.cssSelector("[data-testid='consent-column']")).stream()
        .map(e -> e.getAttribute("data-dataset") + "." + e.getAttribute("data-column")).toList()))
        .containsExactly("churn.y", "churn.x0", "churn.x1");
    assertThat(agent.consent().request("churn-q4").orElseThrow().status()).isEqualTo(ConsentRequest.Status.PENDING);
    shot("dealer-02-job-offer");

    stable(() -> {
      byTestId("approve-button").click();
      return null;
    });
    wait.until(d -> !d.findElements(By.cssSelector("[data-testid='consent-history-row'][data-job='churn-q4'][data-decision='approved']")).isEmpty());
    shot("dealer-03-job-approved");

    ConsentRequest stored = agent.consent().request("churn-q4").orElseThrow();
    assertThat(stored.status()).isEqualTo(ConsentRequest.Status.APPROVED);
    assertThat(stored.decidedBy()).isEqualTo("admin");
    assertThat(stored.basis()).isEqualTo("dealer");
    // queued through the outbox and delivered: the hub records this device's decision
    await("the hub recorded the dealer's approval").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonNode p = ops.get("/api/v1/jobs/churn-q4").body().path("participants").get(0);
      assertThat(p.path("deviceId").asText()).isEqualTo(deviceId);
      assertThat(p.path("consent").asText()).isEqualTo("approved");
      assertThat(p.path("decidedBy").asText()).isEqualTo("admin");
    });

    // (c) the approved job runs for real (round 0 scales, rounds 1 and 2 train over MQTT); after each
    // round the agent scores the global model it received on its own held-out rows, and the training
    // page plots the loss per round and the ROC curve of the latest round, live over SSE
    showPage("training");
    await("the job ran its two rounds").atMost(Duration.ofMinutes(2))
        .until(() -> ops.get("/api/v1/jobs/churn-q4").body().path("state").asText().equals("DONE"));
    wait.until(d -> chartPoints("roc-chart", 0) > 2 && chartPoints("loss-chart", 0) == 2 && chartPoints("loss-chart", 1) == 2);
    List<List<Double>> roc = chartData("roc-chart", 0);
    assertThat(roc.get(0)).containsExactly(0.0, 0.0);
    assertThat(roc.get(roc.size() - 1)).containsExactly(1.0, 1.0);
    for (int i = 1; i < roc.size(); i++) { // a ROC curve never goes back
      assertThat(roc.get(i).get(0)).isGreaterThanOrEqualTo(roc.get(i - 1).get(0));
      assertThat(roc.get(i).get(1)).isGreaterThanOrEqualTo(roc.get(i - 1).get(1));
    }
    // the plotted curve is the one the agent computed for round 2: its area is the AUC it reported
    var evaluated = agent.trainingFeed().history().stream().filter(e -> e.phase().equals("evaluated")).toList();
    assertThat(evaluated).extracting(e -> e.round()).containsExactly(1, 2);
    var last = evaluated.get(1);
    assertThat(last.rounds()).isEqualTo(2); // the planned rounds came with the invitation
    assertThat(last.metrics()).containsKeys("evalLoss", "evalRows", "trainLoss");
    assertThat(last.metrics().get("heldOut")).isEqualTo(1.0);
    assertThat(last.roc()).hasSize(roc.size());
    double area = 0;
    for (int i = 1; i < roc.size(); i++) {
      area += (roc.get(i).get(0) - roc.get(i - 1).get(0)) * (roc.get(i).get(1) + roc.get(i - 1).get(1)) / 2;
    }
    assertThat(area).isCloseTo(last.metrics().get("auc"), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(chartData("loss-chart", 0)).extracting(pt -> pt.get(0)).containsExactly(1.0, 2.0);
    assertThat(byTestId("training-round-label").getText()).startsWith("Round 2 of 2");
    assertThat(byTestId("training-progress").getAttribute("value")).isEqualTo("100");
    assertThat(byTestId("roc-note").getText()).contains("held out of training");
    shot("dealer-04-training-loss-and-roc");
  }

  /** The points of a dataset of a Chart.js chart on the page, as [x, y] pairs. */
  @SuppressWarnings("unchecked")
  private List<List<Double>> chartData(String canvasId, int dataset) {
    Object o = ((JavascriptExecutor) browser).executeScript(
        "const c = window.Chart && Chart.getChart(arguments[0]);"
            + "return c ? c.data.datasets[arguments[1]].data.map(p => [Number(p.x), Number(p.y)]) : [];", canvasId, dataset);
    return ((List<List<Number>>) o).stream().map(p -> p.stream().map(Number::doubleValue).toList()).toList();
  }

  private int chartPoints(String canvasId, int dataset) {
    return chartData(canvasId, dataset).size();
  }
}
