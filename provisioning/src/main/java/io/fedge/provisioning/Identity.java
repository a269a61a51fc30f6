package io.fedge.provisioning;

import io.fedge.federation.wire.Ids;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Who a Fedge client certificate names: the id from its CN and the role from its OU. The one parser
 * of certificate subjects: the CA, the enrollment service and the broker all use it. A subject is
 * a Fedge identity only with exactly one string {@code CN} that is a valid id, exactly one
 * {@code OU} naming a role, exactly one {@code O=Fedge}, and no multi-valued RDN among them.
 *
 * @param id a device id (see {@link DeviceIdentityRules}) or a service id; satisfies {@code Ids.isValid}
 * @param role {@link Role#DEVICE} for {@code OU=device}, {@link Role#SERVICE} for {@code OU=service}
 */
public record Identity(String id, Role role) {
  public static final String ORGANISATION = "Fedge";

  public enum Role {
    /** An enrolled appliance: talks only within its own subtree and receives broadcasts. */
    DEVICE("device"),
    /** A hub replica: consumes every device's up subtree and sends down and broadcast. */
    SERVICE("service");

    private final String ou;

    Role(String ou) {
      this.ou = ou;
    }

    /** The OU value that names this role in a certificate subject. */
    public String ou() {
      return ou;
    }

    static Optional<Role> fromOu(String ou) {
      for (Role r : values()) {
        if (r.ou.equals(ou)) {
          return Optional.of(r);
        }
      }
      return Optional.empty();
    }
  }

  public Identity {
    if (role == null) {
      throw new IllegalArgumentException("role is required");
    }
    if (!Ids.isValid(id)) {
      throw new IllegalArgumentException("certificate CN is not a valid Fedge id (3-64 of [a-z0-9-])");
    }
  }

  /** Parses a subject; the exception says exactly what is wrong with it. */
  public static Identity parse(X500Principal subject) {
    if (subject == null) {
      throw new IllegalArgumentException("no certificate subject");
    }
    X500Name name = X500Name.getInstance(subject.getEncoded());
    String cn = single(name, BCStyle.CN, "CN");
    String ou = single(name, BCStyle.OU, "OU");
    String o = single(name, BCStyle.O, "O");
    if (!ORGANISATION.equals(o)) {
      throw new IllegalArgumentException("certificate O '" + o + "' is not '" + ORGANISATION + "'");
    }
    Role role =
        Role.fromOu(ou)
            .orElseThrow(() -> new IllegalArgumentException("certificate OU '" + ou + "' is neither 'device' nor 'service'"));
    return new Identity(cn, role);
  }

  /** The identity a certificate names, or empty if its subject is not a Fedge identity. */
  public static Optional<Identity> fromCertificate(X509Certificate certificate) {
    return certificate == null ? Optional.empty() : fromSubject(certificate.getSubjectX500Principal());
  }

  public static Optional<Identity> fromSubject(X500Principal subject) {
    try {
      return Optional.of(parse(subject));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Compact text form {@code device:<id>} / {@code service:<id>}, e.g. for connection attributes and logs. */
  public String label() {
    return role.ou + ":" + id;
  }

  /** Inverse of {@link #label()}; empty for anything else. */
  public static Optional<Identity> parseLabel(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int colon = text.indexOf(':');
    if (colon < 0 || !Ids.isValid(text.substring(colon + 1))) {
      return Optional.empty();
    }
    String id = text.substring(colon + 1);
    return Role.fromOu(text.substring(0, colon)).map(r -> new Identity(id, r));
  }

  private static String single(X500Name name, ASN1ObjectIdentifier type, String label) {
    RDN[] rdns = name.getRDNs(type);
    if (rdns.length != 1 || rdns[0].isMultiValued()) {
      throw new IllegalArgumentException(
          "certificate subject must have exactly one " + label + ", found " + rdns.length);
    }
    ASN1Encodable v = rdns[0].getFirst().getValue();
    if (!(v instanceof ASN1String s)) {
      throw new IllegalArgumentException("certificate " + label + " is not a string");
    }
    return s.getString();
  }
}
