package io.fedge.ota.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.ota.tuf.Ed25519;
import io.fedge.ota.tuf.Roles.TargetFile;
import io.fedge.ota.tuf.TufException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumableDownloadTest {
  @TempDir Path dir;
  final byte[] content = new byte[3 * 1024 * 1024 + 123];

  {
    new Random(7).nextBytes(content);
  }

  final TargetFile target =
      new TargetFile(content.length, Map.of("sha256", HexFormat.of().formatHex(Ed25519.sha256(content))), Map.of());

  /** Serves ranges of {@code body}; the stream dies after {@code dieAfter} bytes (a kill or a cut line). */
  static ResumableDownload.RangeSource source(byte[] body, long dieAfter, int[] requests) {
    return offset -> {
      requests[0]++;
      InputStream in = new ByteArrayInputStream(body, (int) offset, body.length - (int) offset);
      return new ResumableDownload.Response(offset == 0 ? 200 : 206, offset, new InputStream() {
        long served;

        @Override
        public int read() throws IOException {
          byte[] b = new byte[1];
          return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (served >= dieAfter) {
            throw new IOException("connection lost");
          }
          int n = in.read(b, off, (int) Math.min(len, dieAfter - served));
          if (n > 0) {
            served += n;
          }
          return n;
        }
      });
    };
  }

  @Test
  void interruptedDownloadResumesFromItsLastCheckpoint() throws Exception {
    ResumableDownload d = new ResumableDownload(dir, 0);
    int[] req = {0};
    long cut = 1_500_000;
    assertThatThrownBy(() -> d.fetch("t.bundle", target, source(content, cut, req), (a, b) -> {}))
        .isInstanceOf(IOException.class);
    ResumableDownload.Result r = d.fetch("t.bundle", target, source(content, Long.MAX_VALUE, req), (a, b) -> {});
    assertThat(r.resumedFrom()).isPositive().isLessThanOrEqualTo(cut);
    assertThat(cut - r.resumedFrom()).isLessThan(ResumableDownload.CHECKPOINT_BYTES);
    assertThat(r.fetchedThisRun()).isEqualTo(content.length - r.resumedFrom());
    long served = cut + r.fetchedThisRun();
    assertThat(served - content.length).as("bytes fetched twice").isLessThan(ResumableDownload.CHECKPOINT_BYTES);
    assertThat(Files.readAllBytes(r.file())).isEqualTo(content);
    assertThat(dir.resolve("t.bundle.part")).doesNotExist();
    assertThat(req[0]).isEqualTo(2);
  }

  // A power loss can leave bytes after the last checkpoint that were never written: they are dropped.
  @Test
  void bytesBeyondTheDurableCheckpointAreDiscarded() throws Exception {
    ResumableDownload d = new ResumableDownload(dir, 0);
    int[] req = {0};
    assertThatThrownBy(() -> d.fetch("t.bundle", target, source(content, 600_000, req), (a, b) -> {}))
        .isInstanceOf(IOException.class);
    Files.write(dir.resolve("t.bundle.part"), new byte[4096], java.nio.file.StandardOpenOption.APPEND);
    ResumableDownload.Result r = d.fetch("t.bundle", target, source(content, Long.MAX_VALUE, req), (a, b) -> {});
    assertThat(Files.readAllBytes(r.file())).isEqualTo(content);
  }

  @Test
  void serverThatSendsMoreThanTheSignedLengthIsCutOff() {
    byte[] endless = new byte[content.length + 1_000_000];
    System.arraycopy(content, 0, endless, 0, content.length);
    ResumableDownload d = new ResumableDownload(dir, 0);
    assertThatThrownBy(() -> d.fetch("t.bundle", target, source(endless, Long.MAX_VALUE, new int[1]), (a, b) -> {}))
        .isInstanceOfSatisfying(TufException.class, e -> assertThat(e.reason()).isEqualTo(TufException.Reason.LENGTH_EXCEEDED));
    assertThat(dir.resolve("t.bundle.part")).doesNotExist();
  }

  @Test
  void tamperedContentIsRefusedAndDiscarded() {
    byte[] evil = content.clone();
    evil[12345] ^= 1;
    ResumableDownload d = new ResumableDownload(dir, 0);
    assertThatThrownBy(() -> d.fetch("t.bundle", target, source(evil, Long.MAX_VALUE, new int[1]), (a, b) -> {}))
        .isInstanceOfSatisfying(TufException.class, e -> assertThat(e.reason()).isEqualTo(TufException.Reason.HASH_MISMATCH));
    assertThat(dir.resolve("t.bundle.part")).doesNotExist();
    assertThat(dir.resolve("t.bundle")).doesNotExist();
  }

  @Test
  void serverIgnoringRangeRestartsFromZeroCorrectly() throws Exception {
    ResumableDownload d = new ResumableDownload(dir, 0);
    assertThatThrownBy(() -> d.fetch("t.bundle", target, source(content, 700_000, new int[1]), (a, b) -> {}))
        .isInstanceOf(IOException.class);
    ResumableDownload.RangeSource ignoresRange =
        offset -> new ResumableDownload.Response(200, 0, new ByteArrayInputStream(content));
    ResumableDownload.Result r = d.fetch("t.bundle", target, ignoresRange, (a, b) -> {});
    assertThat(Files.readAllBytes(r.file())).isEqualTo(content);
  }
}
