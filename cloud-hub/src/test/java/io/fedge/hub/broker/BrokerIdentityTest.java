package io.fedge.hub.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.hub.broker.BrokerIdentity.Role;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BrokerIdentityTest {

  private static TestPki pki;

  @BeforeAll
  static void pki() {
    pki = TestPki.create("identity");
  }

  @Test
  void deviceCertificateYieldsDeviceIdentity() {
    assertThat(BrokerIdentity.fromCertificate(pki.device("dev-0001").certificate()))
        .contains(new BrokerIdentity("dev-0001", Role.DEVICE));
  }

  @Test
  void serviceCertificateYieldsServiceIdentity() {
    assertThat(BrokerIdentity.fromCertificate(pki.service("hub-1").certificate()))
        .contains(new BrokerIdentity("hub-1", Role.SERVICE));
  }

  @Test
  void attributeOrderAndExtraAttributesDoNotMatter() {
    assertThat(BrokerIdentity.fromSubject(new X500Principal("O=Fedge, C=DE, OU=device, CN=abc")))
        .contains(new BrokerIdentity("abc", Role.DEVICE));
  }

  @Test
  void unknownOrganisationalUnitIsRefused() {
    assertThat(BrokerIdentity.fromCertificate(pki.leaf("CN=abc, OU=admin, O=Fedge", false).certificate()))
        .isEmpty();
  }

  @Test
  void missingOrForeignOrganisationIsRefused() {
    assertThat(BrokerIdentity.fromSubject(new X500Principal("CN=abc, OU=device"))).isEmpty();
    assertThat(BrokerIdentity.fromSubject(new X500Principal("CN=abc, OU=device, O=Other"))).isEmpty();
  }

  @Test
  void twoCommonNamesOrTwoUnitsAreRefused() {
    assertThat(BrokerIdentity.fromSubject(new X500Principal("CN=abc, CN=def, OU=device, O=Fedge")))
        .isEmpty();
    assertThat(BrokerIdentity.fromSubject(new X500Principal("CN=abc, OU=device, OU=service, O=Fedge")))
        .isEmpty();
    assertThat(BrokerIdentity.fromSubject(new X500Principal("CN=abc+OU=device, OU=service, O=Fedge")))
        .isEmpty();
  }

  @Test
  void commonNameThatIsNotAValidIdIsRefused() {
    for (String cn : new String[] {"AB", "Upper-case", "ab", "a/b/c", "dev+1", "-abc", "a b c", "x".repeat(65)}) {
      String escaped = cn.replace("+", "\\+");
      assertThat(BrokerIdentity.fromSubject(new X500Principal("CN=" + escaped + ", OU=device, O=Fedge")))
          .as(cn)
          .isEmpty();
    }
  }

  @Test
  void missingCertificateOrSubjectIsEmpty() {
    assertThat(BrokerIdentity.fromCertificate(null)).isEmpty();
    assertThat(BrokerIdentity.fromSubject(null)).isEmpty();
    assertThat(BrokerIdentity.fromSubject(new X500Principal(""))).isEmpty();
  }

  @Test
  void constructorRejectsInvalidIds() {
    assertThatThrownBy(() -> new BrokerIdentity("A", Role.DEVICE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BrokerIdentity("abc", null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void textFormRoundTrips() {
    var identity = new BrokerIdentity("dev-9", Role.DEVICE);
    assertThat(identity.toString()).isEqualTo("device:dev-9");
    assertThat(BrokerIdentity.parse(identity.toString())).contains(identity);
    assertThat(BrokerIdentity.parse("service:hub")).contains(new BrokerIdentity("hub", Role.SERVICE));
    assertThat(BrokerIdentity.parse("admin:hub")).isEmpty();
    assertThat(BrokerIdentity.parse("device")).isEmpty();
    assertThat(BrokerIdentity.parse(null)).isEmpty();
  }
}
