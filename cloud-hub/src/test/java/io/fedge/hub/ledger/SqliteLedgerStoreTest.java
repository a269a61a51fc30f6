package io.fedge.hub.ledger;

import io.fedge.hub.db.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteLedgerStoreTest extends AbstractLedgerStoreTest {
  @TempDir Path dir;

  @Override
  protected Database openFresh() {
    return Database.open("jdbc:sqlite:" + dir.resolve("hub.db"));
  }

  @Override
  protected Database reopen() {
    return openFresh();
  }

  @Override
  protected int exhaustiveSizes() {
    return 300;
  }
}
