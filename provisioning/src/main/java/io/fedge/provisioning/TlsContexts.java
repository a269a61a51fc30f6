package io.fedge.provisioning;

import io.fedge.federation.net.TuningSSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;

/**
 * The three TLS setups provisioning needs. Every context only enables TLS 1.3 and 1.2, on the
 * engines, sockets and server sockets it creates and in its default parameters.
 */
public final class TlsContexts {
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

  private TlsContexts() {}

  /**
   * For a device's first contact with the hub: trusts the server only if the chain it presents
   * contains a certificate whose SHA-256 equals {@code rootFingerprintHex} and the chain
   * validates (PKIX) with that certificate as the only trust anchor, the server certificate is
   * for serverAuth, and (when the client asks for HTTPS endpoint identification, as
   * java.net.http does) the host name matches the certificate. The hub's HTTPS server must
   * therefore send its full chain, root included ({@link CertificateAuthority#chainFor}).
   */
  public static SSLContext pinnedClient(String rootFingerprintHex) {
    if (rootFingerprintHex == null || !Hashes.isSha256Hex(rootFingerprintHex.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("root fingerprint must be 64 hex characters");
    }
    return build(null, new PinnedTrustManager(HexFormat.of().parseHex(rootFingerprintHex.toLowerCase(Locale.ROOT))));
  }

  /** Client with a certificate (mutual TLS), trusting only servers that chain to {@code trustedRoot}. */
  public static SSLContext mutual(PrivateKey key, List<X509Certificate> chain, X509Certificate trustedRoot) {
    return build(keyManagers(key, chain), trustManagers(trustedRoot));
  }

  /**
   * Client with a certificate chosen by {@code keyManager} at each handshake (for a credential
   * that is replaced while the client runs), trusting only servers that chain to {@code trustedRoot}.
   */
  public static SSLContext mutual(X509KeyManager keyManager, X509Certificate trustedRoot) {
    if (keyManager == null) {
      throw new IllegalArgumentException("a key manager is required");
    }
    return build(new KeyManager[] {keyManager}, trustManagers(trustedRoot));
  }

  /**
   * Server presenting {@code chain}; client certificates are trusted if they chain to {@code
   * clientTrustRoot} (null: no client certificate is trusted). Whether client certificates are
   * requested or required is set on the server's SSLParameters (want/needClientAuth).
   */
  public static SSLContext server(PrivateKey key, List<X509Certificate> chain, X509Certificate clientTrustRoot) {
    return build(keyManagers(key, chain), trustManagers(clientTrustRoot));
  }

  /** Restricts {@code params} to TLS 1.3 and 1.2 and returns it. */
  public static SSLParameters restrict(SSLParameters params) {
    params.setProtocols(PROTOCOLS.clone());
    return params;
  }

  // ---------------------------------------------------------------- building

  private static SSLContext build(KeyManager[] km, TrustManager tm) {
    return build(km, new TrustManager[] {tm});
  }

  private static SSLContext build(KeyManager[] km, TrustManager[] tm) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(km, tm, new SecureRandom());
      return new Restricted(ctx);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot initialise TLS: " + e.getMessage(), e);
    }
  }

  private static KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain) {
    if (key == null || chain == null || chain.isEmpty()) {
      throw new IllegalArgumentException("a key and its certificate chain are required");
    }
    try {
      char[] password = new char[16];
      SecureRandom r = new SecureRandom();
      for (int i = 0; i < password.length; i++) {
        password[i] = (char) ('a' + r.nextInt(26));
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("identity", key, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(ks, password);
      Arrays.fill(password, '\0');
      return kmf.getKeyManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("key and certificate chain cannot be used for TLS: " + e.getMessage(), e);
    }
  }

  private static TrustManager[] trustManagers(X509Certificate root) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      if (root != null) {
        ks.setCertificateEntry("root", root);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ks);
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("trust root cannot be used: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- pinning trust manager

  /** Trusts exactly the chains that validate up to the certificate with the pinned fingerprint. */
  static final class PinnedTrustManager extends X509ExtendedTrustManager {
    private final byte[] pin;

    PinnedTrustManager(byte[] pin) {
      this.pin = pin.clone();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      validate(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      validate(chain);
      if (socket instanceof SSLSocket) {
        SSLSocket s = (SSLSocket) socket;
        String host = s.getHandshakeSession() == null ? null : s.getHandshakeSession().getPeerHost();
        checkHost(chain[0], s.getSSLParameters(), host);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      validate(chain);
      if (engine != null) {
        checkHost(chain[0], engine.getSSLParameters(), engine.getPeerHost());
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("this trust manager only authenticates servers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }

    void validate(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("server presented no certificate");
      }
      int anchorAt = -1;
      for (int i = 0; i < chain.length; i++) {
        if (MessageDigest.isEqual(pin, Hashes.sha256(chain[i].getEncoded()))) {
          anchorAt = i;
          break;
        }
      }
      if (anchorAt < 0) {
        throw new CertificateException(
            "server's certificate chain does not contain the pinned CA (fingerprint mismatch): this is not the hub"
                + " named in the claim bundle, or the bundle is out of date");
      }
      if (anchorAt == 0) {
        throw new CertificateException("server presented the pinned CA certificate itself instead of a server certificate");
      }
      try {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        CertPath path = cf.generateCertPath(Arrays.asList(chain).subList(0, anchorAt));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(chain[anchorAt], null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(path, params);
      } catch (GeneralSecurityException e) {
        throw new CertificateException("server certificate chain does not validate to the pinned CA: " + e.getMessage(), e);
      }
      List<String> eku = chain[0].getExtendedKeyUsage();
      if (eku == null || !eku.contains(SERVER_AUTH)) {
        throw new CertificateException("server certificate is not valid for TLS server authentication");
      }
    }

    static void checkHost(X509Certificate cert, SSLParameters params, String host) throws CertificateException {
      if (params == null || !"HTTPS".equalsIgnoreCase(params.getEndpointIdentificationAlgorithm())) {
        return;
      }
      if (host == null || host.isEmpty()) {
        throw new CertificateException("cannot verify the server's host name: it is unknown");
      }
      if (!hostMatches(cert, host)) {
        throw new CertificateException("server certificate is not valid for host " + host);
      }
    }

    static boolean hostMatches(X509Certificate cert, String rawHost) throws CertificateException {
      String host = rawHost.startsWith("[") && rawHost.endsWith("]") ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
      boolean ip = host.contains(":") || host.matches("[0-9.]+");
      byte[] hostAddr = null;
      if (ip) {
        try {
          hostAddr = InetAddress.getByName(host).getAddress(); // literal: no lookup
        } catch (IOException e) {
          return false;
        }
      }
      var sans = cert.getSubjectAlternativeNames();
      if (sans == null) {
        return false;
      }
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        Object value = san.get(1);
        if (!(value instanceof String)) {
          continue;
        }
        String v = (String) value;
        if (ip && type == 7) {
          try {
            if (Arrays.equals(hostAddr, InetAddress.getByName(v).getAddress())) {
              return true;
            }
          } catch (IOException e) {
            // not an address; ignore this entry
          }
        } else if (!ip && type == 2 && v.equalsIgnoreCase(host)) {
          return true;
        }
      }
      return false;
    }
  }

  // ---------------------------------------------------------------- protocol restriction

  private static String[] allowed(String[] supported) {
    List<String> s = Arrays.asList(supported);
    return Arrays.stream(PROTOCOLS).filter(s::contains).toArray(String[]::new);
  }

  /** An SSLContext whose engines, sockets and default parameters only enable TLS 1.3 and 1.2. */
  private static final class Restricted extends SSLContext {
    Restricted(SSLContext delegate) {
      super(new RestrictedSpi(delegate), delegate.getProvider(), delegate.getProtocol());
    }
  }

  private static final class RestrictedSpi extends SSLContextSpi {
    private final SSLContext d;

    RestrictedSpi(SSLContext d) {
      this.d = d;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
      throw new KeyManagementException("this context is already initialised");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return new RestrictedSocketFactory(d.getSocketFactory());
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return new RestrictedServerSocketFactory(d.getServerSocketFactory());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      SSLEngine e = d.createSSLEngine();
      e.setEnabledProtocols(allowed(e.getSupportedProtocols()));
      return e;
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      SSLEngine e = d.createSSLEngine(host, port);
      e.setEnabledProtocols(allowed(e.getSupportedProtocols()));
      return e;
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return d.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return d.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return restrict(d.getDefaultSSLParameters());
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return restrict(d.getSupportedSSLParameters());
    }
  }

  /** Client sockets limited to {@link #PROTOCOLS}. */
  private static final class RestrictedSocketFactory extends TuningSSLSocketFactory {
    RestrictedSocketFactory(SSLSocketFactory d) {
      super(d, s -> {
        if (s instanceof SSLSocket ss) {
          ss.setEnabledProtocols(allowed(ss.getSupportedProtocols()));
        }
      });
    }
  }

  private static final class RestrictedServerSocketFactory extends SSLServerSocketFactory {
    private final SSLServerSocketFactory d;

    RestrictedServerSocketFactory(SSLServerSocketFactory d) {
      this.d = d;
    }

    private static ServerSocket r(ServerSocket s) {
      if (s instanceof SSLServerSocket) {
        SSLServerSocket ss = (SSLServerSocket) s;
        ss.setEnabledProtocols(allowed(ss.getSupportedProtocols()));
      }
      return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return d.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return d.getSupportedCipherSuites();
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
      return r(d.createServerSocket());
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return r(d.createServerSocket(port));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      return r(d.createServerSocket(port, backlog));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
      return r(d.createServerSocket(port, backlog, ifAddress));
    }
  }
}
