package io.fedge.agent.data;

import java.util.Objects;

/** One named, typed column of a dataset. */
public record Column(String name, ColumnType type) {
  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }
}
