/**
 * The hub's MQTT 5 broker: HiveMQ Community Edition embedded in the hub process, with mutual TLS
 * and Fedge's own authentication and topic authorization.
 *
 * <h2>Why HiveMQ CE embedded</h2>
 *
 * <ul>
 *   <li><b>Complete MQTT 5</b>: reason codes on CONNACK/SUBACK/PUBACK, session expiry, message
 *       expiry, receive maximum, user properties. Moquette, the other embeddable Java broker, only
 *       speaks MQTT 3.1.1, so a refused subscription or publish could not be told apart from a
 *       network problem on the appliance side.
 *   <li><b>TLS with client certificates</b> on the listener ({@code client-authentication-mode
 *       REQUIRED}); the verified certificate is handed to extensions, so the certificate the
 *       enrollment CA issued is the device's only credential.
 *   <li><b>Extension SDK</b> for authentication and authorization, registered in-process via
 *       {@code EmbeddedExtension}: no plugin folder, no second class loader, and the checks run
 *       against the hub's own fleet database through {@link io.fedge.hub.broker.DeviceAccess}.
 *   <li><b>Shared subscriptions</b> ({@code $share/hub/...}), so several hub replicas split the
 *       devices' uplink traffic between them.
 *   <li><b>Persistent sessions</b> on disk: QoS 1 messages for an offline device are queued and
 *       survive a hub restart.
 * </ul>
 *
 * <h2>How a connection is admitted</h2>
 *
 * <ol>
 *   <li>The TLS handshake (TLS 1.3 or 1.2) requires a client certificate chaining to the
 *       configured client trust root; clients without one, or from another CA, never reach MQTT.
 *   <li>The authenticator takes the verified certificate from the connection's TLS information and
 *       derives a {@link io.fedge.provisioning.Identity} from its subject: {@code CN} is the id,
 *       {@code OU} the role ({@code device} or {@code service}), {@code O} must be {@code Fedge}.
 *   <li>The MQTT client id must equal that id.
 *   <li>{@link io.fedge.hub.broker.DeviceAccess#mayConnect} must say yes (unknown or revoked
 *       devices are refused). It runs off the broker's threads with a 10 s limit.
 * </ol>
 *
 * <p>Any refusal is a CONNACK with reason code NOT_AUTHORIZED (0x87) and a reason string. To revoke
 * a device, the hub marks it revoked (so {@code mayConnect} refuses it) and calls {@link
 * io.fedge.hub.broker.EmbeddedBroker#disconnect}.
 *
 * <h2>Topic rules ({@link io.fedge.hub.broker.TopicAcl})</h2>
 *
 * <table>
 *   <caption>Who may do what</caption>
 *   <tr><th>Role</th><th>Publish</th><th>Subscribe</th></tr>
 *   <tr>
 *     <td>device {@code d}</td>
 *     <td>{@code fedge/v1/dev/d/up/<kind>} only</td>
 *     <td>{@code fedge/v1/dev/d/down/#}, {@code fedge/v1/dev/d/down/<kind>}, {@code
 *         fedge/v1/all/#}, {@code fedge/v1/all/<kind>}</td>
 *   </tr>
 *   <tr>
 *     <td>service</td>
 *     <td>{@code fedge/v1/dev/<id>/down/<kind>}, {@code fedge/v1/all/<kind>}</td>
 *     <td>{@code fedge/v1/dev/+/up/#} and narrower forms ({@code <id>} for {@code +}, {@code
 *         <kind>} or {@code +} for {@code #}), plain or as {@code $share/<group>/...}</td>
 *   </tr>
 * </table>
 *
 * <p>Nothing else: in particular a device can never use {@code #}, a {@code +} at the device
 * level, {@code $share}, {@code $SYS} or another device's id. Topics with empty, {@code .} or
 * {@code ..} levels, NUL, or more than 256 characters are refused for everyone. The rules apply to
 * the Will too (a CONNECT whose Will is not allowed is refused). A refused subscription gets SUBACK
 * reason code NOT_AUTHORIZED; a refused publish gets PUBACK NOT_AUTHORIZED (QoS 1) and HiveMQ then
 * disconnects the client with NOT_AUTHORIZED, as it does for every refused publish under MQTT 5.
 *
 * <h2>Operational notes</h2>
 *
 * <ul>
 *   <li>The broker writes its own {@code config.xml} and PKCS#12 stores (mode 0600, fresh random
 *       password at each start) to {@code <dataDir>/broker-conf/} and removes them on stop;
 *       sessions live in {@code <dataDir>/broker-data/}.
 *   <li>Run one broker per JVM: HiveMQ keeps its extension services in static state.
 *   <li>HiveMQ's logging bootstrap is disabled (it would reset logback); its loggers are held at
 *       WARN unless the hub configures them.
 * </ul>
 */
package io.fedge.hub.broker;

import io.fedge.provisioning.Identity;
