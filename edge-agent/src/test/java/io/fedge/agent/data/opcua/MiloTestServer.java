package io.fedge.agent.data.opcua;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;

/**
 * A real Milo OPC UA server on loopback, for tests: security None, anonymous, a few double
 * variables in namespace {@value #URI} whose values the test sets with explicit source times.
 * {@link #stop()} and {@link #start()} again on the same port simulate a PLC restart.
 */
final class MiloTestServer implements AutoCloseable {
  static final String URI = "urn:fedge:test:plc";
  private final int port;
  private final List<String> names;
  private final Map<String, DataValue> values = new ConcurrentHashMap<>();
  private OpcUaServer server;
  private PlcNamespace namespace;

  MiloTestServer(List<String> names) throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    }
    this.names = names;
  }

  String endpoint() {
    return "opc.tcp://127.0.0.1:" + port + "/plc";
  }

  /** The node id text of variable {@code name} (namespace index of this server's namespace). */
  String nodeId(String name) {
    return "ns=2;s=" + name;
  }

  synchronized void start() throws Exception {
    EndpointConfig endpoint = EndpointConfig.newBuilder()
        .setBindAddress("127.0.0.1")
        .setBindPort(port)
        .setHostname("127.0.0.1")
        .setPath("/plc")
        .addTokenPolicies(new UserTokenPolicy("anonymous", UserTokenType.Anonymous, null, null, null))
        .build();
    OpcUaServerConfig config = OpcUaServerConfig.builder()
        .setApplicationUri("urn:fedge:test:plc-server")
        .setApplicationName(LocalizedText.english("Fedge test PLC"))
        .setProductUri("urn:fedge:test")
        .setCertificateManager(new DefaultCertificateManager(new MemoryCertificateQuarantine()))
        .setEndpoints(Set.of(endpoint))
        .build();
    server = new OpcUaServer(config, profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
    namespace = new PlcNamespace(server);
    namespace.startup();
    server.startup().get(10, TimeUnit.SECONDS);
    if (namespace.getNamespaceIndex().intValue() != 2) {
      throw new IllegalStateException("test namespace got index " + namespace.getNamespaceIndex());
    }
  }

  /** Sets a variable's value with the given source time (kept across restarts, like a PLC's retained value). */
  void set(String name, double value, Instant sourceTime) {
    DataValue dv = new DataValue(new Variant(value), org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode.GOOD,
        new DateTime(sourceTime), DateTime.now());
    values.put(name, dv);
    PlcNamespace ns = namespace;
    if (ns != null) {
      ns.nodes.get(name).setValue(dv);
    }
  }

  synchronized void stop() throws Exception {
    if (server != null) {
      namespace.shutdown();
      server.shutdown().get(10, TimeUnit.SECONDS);
      server = null;
      namespace = null;
    }
  }

  @Override
  public void close() throws Exception {
    stop();
  }

  private final class PlcNamespace extends ManagedNamespaceWithLifecycle {
    private final SubscriptionModel subscriptions;
    private final Map<String, UaVariableNode> nodes = new ConcurrentHashMap<>();

    PlcNamespace(OpcUaServer server) {
      super(server, URI);
      subscriptions = new SubscriptionModel(server, this);
      getLifecycleManager().addLifecycle(subscriptions);
      getLifecycleManager().addStartupTask(this::addNodes);
    }

    private void addNodes() {
      for (String n : names) {
        UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
            .setNodeId(newNodeId(n))
            .setBrowseName(newQualifiedName(n))
            .setDisplayName(LocalizedText.english(n))
            .setDataType(NodeIds.Double)
            .setTypeDefinition(NodeIds.BaseDataVariableType)
            .setAccessLevel(AccessLevel.READ_WRITE)
            .setUserAccessLevel(AccessLevel.READ_WRITE)
            .build();
        node.setValue(values.getOrDefault(n, new DataValue(new Variant(0.0))));
        getNodeManager().addNode(node);
        nodes.put(n, node);
      }
    }

    @Override
    public void onDataItemsCreated(List<DataItem> items) {
      subscriptions.onDataItemsCreated(items);
    }

    @Override
    public void onDataItemsModified(List<DataItem> items) {
      subscriptions.onDataItemsModified(items);
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> items) {
      subscriptions.onDataItemsDeleted(items);
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> items) {
      subscriptions.onMonitoringModeChanged(items);
    }
  }
}
