package io.fedge.hub.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.ledger.NoteSigner;
import io.fedge.federation.ledger.SignedNote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerKeyTest {
  @TempDir Path dir;

  @Test
  void theKeyIsMadeOnceKeptOwnerOnlyAndLoadedBackUnderItsOriginalName() throws Exception {
    NoteSigner made = LedgerKey.loadOrCreate(dir.resolve("ledger"), "hub.example/ledger");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ledger/ledger-key.pem")))).isEqualTo("rw-------");
    assertThat(Files.readString(dir.resolve("ledger/ledger-key.pub")).trim()).isEqualTo(made.verifier().encode());
    NoteSigner loaded = LedgerKey.loadOrCreate(dir.resolve("ledger"), "renamed.example/ledger");
    assertThat(loaded.name()).isEqualTo("hub.example/ledger");
    assertThat(loaded.keyId()).isEqualTo(made.keyId());
    assertThat(SignedNote.open(SignedNote.sign("x\n", loaded), made.verifier())).isEqualTo("x\n");
  }

  @Test
  void aPrivateKeyThatDoesNotMatchThePublicFileIsRefused() throws Exception {
    LedgerKey.loadOrCreate(dir.resolve("a"), "hub.example/ledger");
    LedgerKey.loadOrCreate(dir.resolve("b"), "hub.example/ledger");
    Files.copy(dir.resolve("b/ledger-key.pub"), dir.resolve("a/ledger-key.pub"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> LedgerKey.loadOrCreate(dir.resolve("a"), "hub.example/ledger")).hasMessageContaining("does not match");
    Files.delete(dir.resolve("b/ledger-key.pub"));
    assertThatThrownBy(() -> LedgerKey.loadOrCreate(dir.resolve("b"), "hub.example/ledger")).hasMessageContaining("only one of");
  }
}
