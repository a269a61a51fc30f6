package io.fedge.federation.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpNoDelaySocketFactoryTest {
  private ServerSocket server;

  @BeforeEach
  void listen() throws Exception {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void close() throws Exception {
    server.close();
  }

  @Test
  void plainSocketsGetTcpNoDelayWhicheverWayTheyAreCreated() throws Exception {
    SocketFactory f = TcpNoDelaySocketFactory.wrap(SocketFactory.getDefault());
    assertThat(f).isNotInstanceOf(SSLSocketFactory.class);
    try (Socket unconnected = f.createSocket()) {
      // Paho creates the socket unconnected and connects it afterwards
      unconnected.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
      assertThat(unconnected.getTcpNoDelay()).isTrue();
    }
    try (Socket direct = f.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
      assertThat(direct.getTcpNoDelay()).isTrue();
    }
    try (Socket byName = f.createSocket("127.0.0.1", server.getLocalPort())) {
      assertThat(byName.getTcpNoDelay()).isTrue();
    }
  }

  @Test
  void sslFactoriesStaySslFactoriesSoPahoAcceptsThemForSslUris() throws Exception {
    SSLSocketFactory ssl = SSLContext.getDefault().getSocketFactory();
    SocketFactory wrapped = TcpNoDelaySocketFactory.wrap((SocketFactory) ssl);
    assertThat(wrapped).isInstanceOf(SSLSocketFactory.class);
    assertThat(TcpNoDelaySocketFactory.wrap(wrapped)).isSameAs(wrapped);
    try (Socket s = wrapped.createSocket()) {
      assertThat(s).isInstanceOf(SSLSocket.class);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
      assertThat(s.getTcpNoDelay()).isTrue();
    }
  }

  @Test
  void layeredSslSocketsSetTcpNoDelayOnTheUnderlyingSocket() throws Exception {
    SSLSocketFactory wrapped = TcpNoDelaySocketFactory.wrap(SSLContext.getDefault().getSocketFactory());
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
    assertThat(plain.getTcpNoDelay()).isFalse();
    try (Socket layered = wrapped.createSocket(plain, "localhost", server.getLocalPort(), true)) {
      assertThat(layered).isInstanceOf(SSLSocket.class);
      assertThat(plain.getTcpNoDelay()).isTrue();
      assertThat(layered.getTcpNoDelay()).isTrue();
    }
  }
}
