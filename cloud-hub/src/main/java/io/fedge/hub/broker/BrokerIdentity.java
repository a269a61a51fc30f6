package io.fedge.hub.broker;

import io.fedge.federation.wire.Ids;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Who is on the other end of an MQTT connection, as stated by its client certificate: the
 * certificate subject's {@code CN} is the id and its {@code OU} the role ({@code device} or
 * {@code service}); the subject must also carry {@code O=Fedge}.
 */
public record BrokerIdentity(String id, Role role) {

  /** The organisation every Fedge certificate subject names. */
  public static final String ORGANISATION = "Fedge";

  /** What the holder of a certificate may do on the broker. */
  public enum Role {
    /** An enrolled appliance: talks only within its own subtree and receives broadcasts. */
    DEVICE("device"),
    /** A hub replica: consumes every device's up subtree and sends down and broadcast. */
    SERVICE("service");

    private final String organisationalUnit;

    Role(String organisationalUnit) {
      this.organisationalUnit = organisationalUnit;
    }

    /** The {@code OU} value naming this role in a certificate subject. */
    public String organisationalUnit() {
      return organisationalUnit;
    }

    static Optional<Role> fromOrganisationalUnit(String ou) {
      for (Role r : values()) {
        if (r.organisationalUnit.equals(ou)) {
          return Optional.of(r);
        }
      }
      return Optional.empty();
    }
  }

  public BrokerIdentity {
    Objects.requireNonNull(role, "role");
    if (!Ids.isValid(id)) {
      throw new IllegalArgumentException(
          "identity id must be 3-64 characters of [a-z0-9-] starting with a letter or digit");
    }
  }

  /**
   * Derives the identity from a client certificate's subject. Empty unless the subject has exactly
   * one {@code CN} that is a valid id, exactly one {@code OU} naming a role, and exactly one
   * {@code O=Fedge}. Other attributes (for example {@code C}) are ignored.
   */
  public static Optional<BrokerIdentity> fromCertificate(X509Certificate certificate) {
    if (certificate == null) {
      return Optional.empty();
    }
    return fromSubject(certificate.getSubjectX500Principal());
  }

  /** As {@link #fromCertificate}, for a bare subject name. */
  public static Optional<BrokerIdentity> fromSubject(X500Principal subject) {
    if (subject == null) {
      return Optional.empty();
    }
    LdapName name;
    try {
      name = new LdapName(subject.getName(X500Principal.RFC2253));
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
    String cn = null;
    String ou = null;
    String o = null;
    int cnCount = 0;
    int ouCount = 0;
    int oCount = 0;
    for (Rdn rdn : name.getRdns()) {
      var attributes = rdn.toAttributes().getAll();
      try {
        while (attributes.hasMore()) {
          Attribute attribute = attributes.next();
          String type = attribute.getID().toUpperCase(Locale.ROOT);
          for (int i = 0; i < attribute.size(); i++) {
            Object value = attribute.get(i);
            if (!(value instanceof String s)) {
              // A hex-encoded (non-string) value: never a valid Fedge subject.
              return Optional.empty();
            }
            switch (type) {
              case "CN" -> {
                cn = s;
                cnCount++;
              }
              case "OU" -> {
                ou = s;
                ouCount++;
              }
              case "O" -> {
                o = s;
                oCount++;
              }
              default -> {
                // ignored
              }
            }
          }
        }
      } catch (NamingException e) {
        return Optional.empty();
      }
    }
    if (cnCount != 1 || ouCount != 1 || oCount != 1 || !ORGANISATION.equals(o) || !Ids.isValid(cn)) {
      return Optional.empty();
    }
    String id = cn;
    return Role.fromOrganisationalUnit(ou).map(role -> new BrokerIdentity(id, role));
  }

  @Override
  public String toString() {
    return role.organisationalUnit + ":" + id;
  }

  /** Inverse of {@link #toString()}; empty for anything else. */
  static Optional<BrokerIdentity> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String id = text.substring(colon + 1);
    if (!Ids.isValid(id)) {
      return Optional.empty();
    }
    return Role.fromOrganisationalUnit(text.substring(0, colon)).map(r -> new BrokerIdentity(id, r));
  }
}
