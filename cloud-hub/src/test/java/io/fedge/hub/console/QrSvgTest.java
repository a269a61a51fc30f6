package io.fedge.hub.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The SVG drawn for a claim bundle is a QR code that a reader decodes back to the same text. */
class QrSvgTest {
  private static final Pattern VIEWBOX = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"");
  private static final Pattern MODULE = Pattern.compile("M(\\d+) (\\d+)h1v1h-1z");

  /** Paints the SVG's unit squares into pixels (scale px per module) and decodes them. */
  private static String decode(String svg, int scale) throws Exception {
    Matcher vb = VIEWBOX.matcher(svg);
    assertThat(vb.find()).isTrue();
    int n = Integer.parseInt(vb.group(1));
    int size = n * scale;
    int[] px = new int[size * size];
    Arrays.fill(px, 0xFFFFFFFF);
    Matcher m = MODULE.matcher(svg);
    int dark = 0;
    while (m.find()) {
      int x = Integer.parseInt(m.group(1));
      int y = Integer.parseInt(m.group(2));
      for (int dy = 0; dy < scale; dy++) {
        for (int dx = 0; dx < scale; dx++) {
          px[(y * scale + dy) * size + x * scale + dx] = 0xFF000000;
        }
      }
      dark++;
    }
    assertThat(dark).as("the path has dark modules").isGreaterThan(100);
    return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(size, size, px)))).getText();
  }

  @Test
  void aClaimBundleRoundTripsThroughTheQrCode() throws Exception {
    String bundle = "{\"hubUrl\":\"https://hub.example.com:7443\",\"caFingerprint\":\"" + "ab".repeat(32)
        + "\",\"token\":\"fct_iavlqdldwaruauys.y4F8mCyomC8a6W40k8SVP7kJxZAxdoh3OruySd80c3Y\",\"label\":\"dealers-north\"}";
    String svg = QrSvg.encode(bundle);
    assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").doesNotContain("<script");
    assertThat(decode(svg, 4)).isEqualTo(bundle);
  }

  @Test
  void nonAsciiTextSurvivesAsUtf8() throws Exception {
    assertThat(decode(QrSvg.encode("Autohaus Müller – Nord"), 5)).isEqualTo("Autohaus Müller – Nord");
  }

  @Test
  void textTooLongForAnyQrCodeIsRefusedClearly() {
    assertThatThrownBy(() -> QrSvg.encode("x".repeat(5000))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too much data");
  }
}
