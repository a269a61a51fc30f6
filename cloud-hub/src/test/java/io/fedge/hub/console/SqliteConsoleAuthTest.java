package io.fedge.hub.console;

import io.fedge.hub.db.Database;

/** Console users and sessions on SQLite (the hub's default database). */
class SqliteConsoleAuthTest extends AbstractConsoleAuthTest {
  @Override
  protected Database openDatabase() {
    return Database.open("jdbc:sqlite:" + dir.resolve("hub-" + System.nanoTime() + ".db"));
  }
}
