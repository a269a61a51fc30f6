package io.fedge.agent.consent;

import io.fedge.federation.config.Settings;
import io.fedge.federation.wire.DatasetColumns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A standing consent policy provisioned with the appliance's configuration rather than set on the
 * dashboard: {@code consent.policies=<name>,...}, and for each name {@code
 * consent.policy.<name>.requester} and {@code consent.policy.<name>.reads=dataset:col1,col2;dataset2:col3}.
 * Jobs it covers are approved with basis {@code policy:<name>}, exactly as a dashboard policy.
 */
public record ConfiguredPolicy(String name, String requester, List<DatasetColumns> reads) {
  /** Who a configured policy is recorded as created by. */
  public static final String CREATED_BY = "config";

  public ConfiguredPolicy {
    reads = List.copyOf(reads);
  }

  public static List<ConfiguredPolicy> from(Settings s) {
    List<ConfiguredPolicy> out = new ArrayList<>();
    for (String name : s.list("consent.policies", "")) {
      if (!name.matches("[a-z0-9][a-z0-9_]{0,63}")) {
        throw new Settings.ConfigException("consent.policies: policy name '" + name
            + "' must be 1-64 lower-case letters, digits or '_' (it is part of the keys consent.policy.<name>.*)");
      }
      String p = "consent.policy." + name + ".";
      out.add(new ConfiguredPolicy(name, s.required(p + "requester"), parseReads(p + "reads", s.required(p + "reads"))));
    }
    return List.copyOf(out);
  }

  /** {@code dataset:col1,col2;dataset2:col3} as dataset/columns pairs. */
  static List<DatasetColumns> parseReads(String key, String value) {
    List<DatasetColumns> out = new ArrayList<>();
    for (String part : value.split(";")) {
      String t = part.trim();
      if (t.isEmpty()) {
        continue;
      }
      int colon = t.indexOf(':');
      if (colon <= 0 || colon == t.length() - 1) {
        throw new Settings.ConfigException(key + ": '" + t + "' is not dataset:column,column (e.g. customers:age,income)");
      }
      List<String> cols = Arrays.stream(t.substring(colon + 1).split(",")).map(String::trim).filter(c -> !c.isEmpty()).toList();
      out.add(new DatasetColumns(t.substring(0, colon).trim(), cols));
    }
    if (out.isEmpty()) {
      throw new Settings.ConfigException(key + ": name at least one dataset:column");
    }
    return out;
  }
}
