package io.fedge.agent.data;

import io.fedge.agent.data.jdbc.JdbcSourceConfig;
import io.fedge.agent.data.opcua.OpcUaSourceConfig;
import io.fedge.federation.config.Settings.ConfigException;
import io.fedge.federation.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The agent's data settings: drop folder, ingest limits, JDBC and OPC UA sources (docs/configuration.md). */
public record DataConfig(
    Path dropbox, Duration pollInterval, IngestSettings ingest, List<JdbcSourceConfig> jdbc, List<OpcUaSourceConfig> opcua) {

  public static DataConfig from(Settings s, Path dataDir) {
    Path dropbox = s.path("data.dropbox", dataDir.resolve("dropbox"));
    Duration poll = s.duration("data.dropbox.poll", Duration.ofSeconds(2), Duration.ofMillis(100));
    int maxField = s.integer("data.max.field.bytes", 1 << 20, 1024, 256 << 20);
    IngestSettings ingest = new IngestSettings(
        s.integer("data.batch.rows", 10_000, 1, 1_000_000),
        s.integer("data.sample.rows", 1000, 1, 1_000_000),
        s.duration("data.dropbox.settle", Duration.ofSeconds(2), Duration.ZERO),
        maxField,
        s.integer("data.max.record.bytes", 4 << 20, maxField, 1 << 30));
    List<JdbcSourceConfig> jdbc = new ArrayList<>();
    for (String n : s.list("jdbc.sources", "")) {
      String p = "jdbc." + n + ".";
      try {
        jdbc.add(new JdbcSourceConfig(n, s.required(p + "url"), s.string(p + "user", null), s.string(p + "password", null),
            s.required(p + "query"), s.required(p + "key"), s.string(p + "dataset", n),
            s.duration(p + "interval", Duration.ofMinutes(5), Duration.ofSeconds(1)),
            s.integer(p + "batch.rows", 10_000, 1, 1_000_000)));
      } catch (IllegalArgumentException | DataException e) {
        throw new ConfigException("JDBC source '" + n + "': " + e.getMessage());
      }
    }
    List<OpcUaSourceConfig> opcua = new ArrayList<>();
    for (String n : s.list("opcua.sources", "")) {
      String p = "opcua." + n + ".";
      try {
        opcua.add(new OpcUaSourceConfig(n, s.required(p + "endpoint"), s.list(p + "nodes", ""), s.string(p + "dataset", n),
            s.decimal(p + "sampling.ms", 1000, 10, 3_600_000),
            s.duration(p + "flush", Duration.ofSeconds(1), Duration.ofMillis(50)),
            s.integer(p + "buffer", 100_000, 1, 10_000_000),
            s.duration(p + "reconnect", Duration.ofSeconds(5), Duration.ofMillis(100))));
      } catch (IllegalArgumentException | DataException e) {
        throw new ConfigException("OPC UA source '" + n + "': " + e.getMessage());
      }
    }
    return new DataConfig(dropbox, poll, ingest, List.copyOf(jdbc), List.copyOf(opcua));
  }
}
