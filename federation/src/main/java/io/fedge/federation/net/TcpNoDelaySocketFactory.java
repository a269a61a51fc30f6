package io.fedge.federation.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Objects;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * A socket factory that sets {@code TCP_NODELAY} on every socket it makes. Paho does not, and MQTT
 * is a stream of small packets (PUBACKs, PINGREQs) that Nagle's algorithm would otherwise hold back
 * behind delayed ACKs, costing tens of milliseconds per round trip.
 *
 * <p>Paho checks the factory type against the URI scheme ({@code ssl://} needs an {@link
 * SSLSocketFactory}, {@code tcp://} must not get one), so {@link #wrap} returns a plain or an SSL
 * wrapper to match what it is given.
 */
public final class TcpNoDelaySocketFactory extends SocketFactory {
  private final SocketFactory delegate;

  private TcpNoDelaySocketFactory(SocketFactory delegate) {
    this.delegate = delegate;
  }

  /**
   * Wraps {@code factory}; the result is an {@link SSLSocketFactory} exactly when {@code factory}
   * is one. A factory that is already wrapped is returned as it is.
   */
  public static SocketFactory wrap(SocketFactory factory) {
    Objects.requireNonNull(factory, "factory");
    if (factory instanceof TcpNoDelaySocketFactory || factory instanceof Ssl) {
      return factory;
    }
    if (factory instanceof SSLSocketFactory ssl) {
      return new Ssl(ssl);
    }
    return new TcpNoDelaySocketFactory(factory);
  }

  /** Wraps the SSL factory; the result is always an {@link SSLSocketFactory}. */
  public static SSLSocketFactory wrap(SSLSocketFactory factory) {
    Objects.requireNonNull(factory, "factory");
    return factory instanceof Ssl ? factory : new Ssl(factory);
  }

  @Override
  public Socket createSocket() throws IOException {
    return noDelay(delegate.createSocket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return noDelay(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return noDelay(delegate.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return noDelay(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return noDelay(delegate.createSocket(address, port, localAddress, localPort));
  }

  static Socket noDelay(Socket s) throws IOException {
    s.setTcpNoDelay(true);
    return s;
  }

  /** The SSL variant; for layered sockets the option is also set on the underlying socket. */
  static final class Ssl extends TuningSSLSocketFactory {
    Ssl(SSLSocketFactory delegate) {
      super(delegate, TcpNoDelaySocketFactory::noDelay);
    }
  }
}
