package io.fedge.agent.data.opcua;

import io.fedge.agent.data.DatasetNames;
import java.time.Duration;
import java.util.List;

/**
 * One OPC UA source (configuration keys {@code opcua.<name>.*}, see docs/data.md).
 *
 * @param name the source's name (also the default dataset name)
 * @param endpoint {@code opc.tcp://host:port[/path]}; security policy None, anonymous identity
 * @param nodes node ids in OPC UA text form ({@code ns=2;s=Line1.Temperature}, {@code ns=3;i=1001})
 * @param dataset the dataset the samples go to
 * @param samplingMillis requested sampling interval of each monitored item
 * @param flushInterval how often buffered samples are committed
 * @param maxBuffered samples kept in memory between commits; beyond it new samples are counted as lost
 * @param reconnectDelay wait between attempts to reach the server the first time or to re-create
 *     the subscription (the session itself reconnects in the Milo client)
 */
public record OpcUaSourceConfig(
    String name, String endpoint, List<String> nodes, String dataset, double samplingMillis, Duration flushInterval,
    int maxBuffered, Duration reconnectDelay) {
  public OpcUaSourceConfig {
    DatasetNames.check(name);
    DatasetNames.check(dataset);
    if (endpoint == null || !endpoint.startsWith("opc.tcp://")) {
      throw new IllegalArgumentException("opcua." + name + ".endpoint must be an opc.tcp:// URL");
    }
    if (nodes == null || nodes.isEmpty()) {
      throw new IllegalArgumentException("opcua." + name + ".nodes must list at least one node id");
    }
    nodes = List.copyOf(nodes);
    if (maxBuffered < 1) {
      throw new IllegalArgumentException("opcua." + name + ".buffer must be at least 1");
    }
  }
}
