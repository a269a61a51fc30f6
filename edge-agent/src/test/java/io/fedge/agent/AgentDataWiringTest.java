package io.fedge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedge.agent.consent.ConsentRequest;
import io.fedge.federation.config.Settings;
import io.fedge.federation.wire.DatasetColumns;
import io.fedge.federation.wire.JobOffer;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent starts its drop folder from configuration and hands job offers to consent, before it has even enrolled. */
class AgentDataWiringTest {
  @TempDir Path dir;

  @Test
  void aDroppedFileIsIngestedAndAJobOfferBecomesAPendingRequest() throws Exception {
    Path dropbox = dir.resolve("inbox");
    AgentConfig cfg = AgentConfig.from(Settings.of(Map.of(
        "dashboard.port", "0",
        "data.dropbox", dropbox.toString(),
        "data.dropbox.poll", "PT0.2S",
        "data.dropbox.settle", "0"), AgentConfig.ENV_PREFIX), dir.resolve("agent"));
    try (Agent agent = new Agent(cfg)) {
      agent.start();
      Files.writeString(dropbox.resolve("visits-2026-11.csv"), "store,visits\nnorth,10\nsouth,12\n");
      await().atMost(Duration.ofSeconds(20)).until(() -> !agent.dataServices().datasets().isEmpty());
      assertThat(agent.dataServices().datasets()).singleElement().satisfies(d -> {
        assertThat(d.name()).isEqualTo("visits");
        assertThat(d.rowCount()).isEqualTo(2);
      });
      assertThat(Files.exists(dir.resolve("agent/state/data.db"))).isTrue();

      var offer = new JobOffer("job-42", "Footfall", "Acme", "forecast", List.of(new DatasetColumns("visits",
          List.of("visits"))), Instant.now().plusSeconds(3600));
      agent.downstream().find(Kinds.JOB_OFFER).orElseThrow()
          .handle(WireCodec.decode(WireCodec.encode(WireCodec.envelope(Kinds.JOB_OFFER, "hub-1", Instant.now(), offer))));
      assertThat(agent.consent().pending()).extracting(ConsentRequest::jobId).containsExactly("job-42");
    }
  }
}
