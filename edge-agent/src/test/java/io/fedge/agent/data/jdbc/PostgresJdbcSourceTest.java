package io.fedge.agent.data.jdbc;

/** Against the PostgreSQL server of the CI machine ({@code FEDGE_TEST_POSTGRES_URL} to point elsewhere). */
class PostgresJdbcSourceTest extends JdbcSourceContract {
  @Override
  String url() {
    return System.getenv().getOrDefault("FEDGE_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
  }

  @Override
  String boolType() {
    return "BOOLEAN";
  }
}
