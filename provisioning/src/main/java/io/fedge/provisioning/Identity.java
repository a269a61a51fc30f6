package io.fedge.provisioning;

/**
 * Who a Fedge client certificate names: the id from its CN and the role from its OU.
 *
 * @param id a device id (see {@link DeviceIdentityRules}) or a service id; satisfies {@code Ids.isValid}
 * @param role {@link Role#DEVICE} for {@code OU=device}, {@link Role#SERVICE} for {@code OU=service}
 */
public record Identity(String id, Role role) {
  public enum Role {
    DEVICE("device"),
    SERVICE("service");

    private final String ou;

    Role(String ou) {
      this.ou = ou;
    }

    /** The OU value that names this role in a certificate subject. */
    public String ou() {
      return ou;
    }
  }
}
