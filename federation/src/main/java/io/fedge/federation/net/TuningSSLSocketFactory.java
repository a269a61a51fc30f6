package io.fedge.federation.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Objects;
import javax.net.ssl.SSLSocketFactory;

/**
 * An {@link SSLSocketFactory} that hands every socket its delegate makes to a {@link Tuner} before
 * returning it. For layered sockets ({@code createSocket(Socket, ...)}) the tuner also sees the
 * underlying socket. One class for every socket option the project sets (TCP_NODELAY, protocol
 * versions), so the fourteen delegating methods exist once.
 */
public class TuningSSLSocketFactory extends SSLSocketFactory {
  /** Adjusts one socket; called for every socket made. */
  @FunctionalInterface
  public interface Tuner {
    void tune(Socket socket) throws IOException;
  }

  private final SSLSocketFactory delegate;
  private final Tuner tuner;

  public TuningSSLSocketFactory(SSLSocketFactory delegate, Tuner tuner) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.tuner = Objects.requireNonNull(tuner, "tuner");
  }

  private Socket tuned(Socket s) throws IOException {
    tuner.tune(s);
    return s;
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket() throws IOException {
    return tuned(delegate.createSocket());
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
    tuner.tune(s);
    return tuned(delegate.createSocket(s, host, port, autoClose));
  }

  @Override
  public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
    tuner.tune(s);
    return tuned(delegate.createSocket(s, consumed, autoClose));
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return tuned(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return tuned(delegate.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return tuned(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return tuned(delegate.createSocket(address, port, localAddress, localPort));
  }
}
