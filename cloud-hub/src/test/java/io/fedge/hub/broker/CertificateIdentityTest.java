package io.fedge.hub.broker;

import io.fedge.provisioning.Identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.provisioning.Identity.Role;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CertificateIdentityTest {

  private static TestPki pki;

  @BeforeAll
  static void pki() {
    pki = TestPki.create("identity");
  }

  @Test
  void deviceCertificateYieldsDeviceIdentity() {
    assertThat(Identity.fromCertificate(pki.device("dev-0001").certificate()))
        .contains(new Identity("dev-0001", Role.DEVICE));
  }

  @Test
  void serviceCertificateYieldsServiceIdentity() {
    assertThat(Identity.fromCertificate(pki.service("hub-1").certificate()))
        .contains(new Identity("hub-1", Role.SERVICE));
  }

  @Test
  void attributeOrderAndExtraAttributesDoNotMatter() {
    assertThat(Identity.fromSubject(new X500Principal("O=Fedge, C=DE, OU=device, CN=abc")))
        .contains(new Identity("abc", Role.DEVICE));
  }

  @Test
  void unknownOrganisationalUnitIsRefused() {
    assertThat(Identity.fromCertificate(pki.leaf("CN=abc, OU=admin, O=Fedge", false).certificate()))
        .isEmpty();
  }

  @Test
  void missingOrForeignOrganisationIsRefused() {
    assertThat(Identity.fromSubject(new X500Principal("CN=abc, OU=device"))).isEmpty();
    assertThat(Identity.fromSubject(new X500Principal("CN=abc, OU=device, O=Other"))).isEmpty();
  }

  @Test
  void twoCommonNamesOrTwoUnitsAreRefused() {
    assertThat(Identity.fromSubject(new X500Principal("CN=abc, CN=def, OU=device, O=Fedge")))
        .isEmpty();
    assertThat(Identity.fromSubject(new X500Principal("CN=abc, OU=device, OU=service, O=Fedge")))
        .isEmpty();
    assertThat(Identity.fromSubject(new X500Principal("CN=abc+OU=device, OU=service, O=Fedge")))
        .isEmpty();
  }

  @Test
  void commonNameThatIsNotAValidIdIsRefused() {
    for (String cn : new String[] {"AB", "Upper-case", "ab", "a/b/c", "dev+1", "-abc", "a b c", "x".repeat(65)}) {
      String escaped = cn.replace("+", "\\+");
      assertThat(Identity.fromSubject(new X500Principal("CN=" + escaped + ", OU=device, O=Fedge")))
          .as(cn)
          .isEmpty();
    }
  }

  @Test
  void missingCertificateOrSubjectIsEmpty() {
    assertThat(Identity.fromCertificate(null)).isEmpty();
    assertThat(Identity.fromSubject(null)).isEmpty();
    assertThat(Identity.fromSubject(new X500Principal(""))).isEmpty();
  }

  @Test
  void constructorRejectsInvalidIds() {
    assertThatThrownBy(() -> new Identity("A", Role.DEVICE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Identity("abc", null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void textFormRoundTrips() {
    var identity = new Identity("dev-9", Role.DEVICE);
    assertThat(identity.label()).isEqualTo("device:dev-9");
    assertThat(Identity.parseLabel(identity.label())).contains(identity);
    assertThat(Identity.parseLabel("service:hub")).contains(new Identity("hub", Role.SERVICE));
    assertThat(Identity.parseLabel("admin:hub")).isEmpty();
    assertThat(Identity.parseLabel("device")).isEmpty();
    assertThat(Identity.parseLabel(null)).isEmpty();
  }
}
