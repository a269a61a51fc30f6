package io.fedge.provisioning;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.fedge.provisioning.api.EnrollRequest;
import io.fedge.provisioning.api.EnrollResponse;
import io.fedge.provisioning.api.EnrollmentJson;
import io.fedge.provisioning.api.EnrollmentPaths;
import io.fedge.provisioning.api.ErrorResponse;
import io.fedge.provisioning.api.MqttEndpoint;
import io.fedge.provisioning.api.RenewRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Test-only HTTPS adapter: the JDK's HttpsServer wired to an {@link EnrollmentService}. */
final class TestEnrollmentHttpServer implements AutoCloseable {
  static final MqttEndpoint MQTT = new MqttEndpoint("127.0.0.1", 8883);

  private final HttpsServer server;
  final AtomicInteger requestsHandled = new AtomicInteger();

  TestEnrollmentHttpServer(CertificateAuthority ca, EnrollmentService service) throws IOException {
    KeyPair kp = EnrollmentClient.newDeviceKey();
    X509Certificate cert = ca.issueServer(kp.getPublic(), List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
    SSLContext tls = TlsContexts.server(kp.getPrivate(), ca.chainFor(cert), ca.root());
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(tls) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters p = getSSLContext().getDefaultSSLParameters();
            p.setWantClientAuth(true); // enrollment has no client certificate; renewal does
            params.setSSLParameters(p);
          }
        });
    server.createContext(EnrollmentPaths.ENROLL, ex -> handle(ex, body -> {
      EnrollRequest r = EnrollmentJson.parseEnrollRequest(body);
      return EnrollResponse.of(service.enroll(r.token(), r.csr(), source(ex)), MQTT);
    }));
    server.createContext(EnrollmentPaths.RENEW, ex -> handle(ex, body -> {
      RenewRequest r = EnrollmentJson.parseRenewRequest(body);
      return EnrollResponse.of(service.renew(clientCert(ex), r.csr(), source(ex)), MQTT);
    }));
    server.start();
  }

  String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  private interface Handler {
    Object apply(byte[] body) throws IOException;
  }

  private void handle(HttpExchange ex, Handler h) throws IOException {
    requestsHandled.incrementAndGet();
    int status;
    byte[] out;
    try {
      if (!"POST".equals(ex.getRequestMethod())) {
        throw EnrollmentException.malformedRequest("use POST");
      }
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readNBytes(EnrollmentJson.MAX_REQUEST_BYTES + 1);
      }
      out = EnrollmentJson.write(h.apply(body));
      status = 200;
    } catch (EnrollmentException e) {
      out = EnrollmentJson.write(ErrorResponse.of(e));
      status = e.httpStatus();
    }
    ex.getResponseHeaders().set("Content-Type", EnrollmentPaths.CONTENT_TYPE);
    ex.sendResponseHeaders(status, out.length);
    ex.getResponseBody().write(out);
    ex.close();
  }

  private static String source(HttpExchange ex) {
    return ex.getRemoteAddress().getAddress().getHostAddress();
  }

  private static X509Certificate clientCert(HttpExchange ex) {
    try {
      Certificate[] peer = ((HttpsExchange) ex).getSSLSession().getPeerCertificates();
      return peer.length > 0 && peer[0] instanceof X509Certificate ? (X509Certificate) peer[0] : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
