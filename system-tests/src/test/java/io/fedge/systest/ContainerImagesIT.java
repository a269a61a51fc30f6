package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedge.systest.support.ImageArtifacts;
import io.fedge.systest.support.Ports;
import io.fedge.systest.support.Tars;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI image tars Jib built offline (image/hub, image/agent), read in plain Java: a valid OCI layout whose
 * digests, sizes and diff ids all check out, a config with the entrypoint, the unprivileged user, ports, volume
 * and labels, and layers that hold the jlink runtime, the shared libraries and every jar of the classpath.
 */
class ContainerImagesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "65532:65532";
  @TempDir Path dir;

  @Test
  void hubImageIsAValidOciImageThatRunsTheHubAsAnUnprivilegedUser() throws Exception {
    OciImage image = OciImage.read(ImageArtifacts.hubImage(), null);
    assertCommonImage(image, "fedge/hub", "io.fedge.hub.HubMain", "cloud-hub");
    JsonNode cfg = image.config.path("config");
    assertThat(cfg.path("ExposedPorts").has("7443/tcp")).isTrue();
    assertThat(cfg.path("ExposedPorts").has("8883/tcp")).isTrue();
    assertThat(image.libs()).anyMatch(j -> j.startsWith("hivemq-community-edition-embedded-"));
    assertThat(cfg.path("Env").toString()).contains("FEDGE_HUB_HTTP_BIND=0.0.0.0");
  }

  @Test
  void agentImageIsAValidOciImageThatRunsTheAgentAsAnUnprivilegedUser() throws Exception {
    OciImage image = OciImage.read(ImageArtifacts.agentImage(), null);
    assertCommonImage(image, "fedge/agent", "io.fedge.agent.AgentMain", "edge-agent");
    JsonNode cfg = image.config.path("config");
    assertThat(cfg.path("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(image.libs()).anyMatch(j -> j.startsWith("org.eclipse.paho.mqttv5.client-"));
    assertThat(List.of(JSON.convertValue(cfg.path("Entrypoint"), String[].class))).contains("-Xmx192m", "-XX:+UseSerialGC");
  }

  /** The hub started from the image's own files (its jlink runtime and /app classpath): the module list suffices. */
  @Test
  void hubImageFilesStartTheHubOnTheImagesJlinkRuntime() throws Exception {
    Path root = dir.resolve("rootfs");
    OciImage image = OciImage.read(ImageArtifacts.hubImage(), root);
    List<String> classpath = new ArrayList<>();
    for (String e : image.classpath()) {
      classpath.add(root.resolve(e.substring(1)).toString());
    }
    Path data = dir.resolve("data");
    Path log = Path.of("target", "it-logs", "hub-from-image.log");
    Files.createDirectories(log.getParent());
    List<String> cmd = new ArrayList<>(List.of(root.resolve("opt/java/bin/java").toString()));
    JsonNode entry = image.config.path("config").path("Entrypoint");
    for (int i = 1; i < entry.size() && !entry.get(i).asText().equals("-cp"); i++) {
      cmd.add(entry.get(i).asText()); // the image's JVM flags
    }
    cmd.addAll(List.of("-Xmx256m", "-cp", String.join(":", classpath), "io.fedge.hub.HubMain", "--data", data.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("FEDGE_"));
    pb.environment().put("FEDGE_HUB_HTTP_PORT", Integer.toString(Ports.free()));
    pb.environment().put("FEDGE_HUB_MQTT_PORT", Integer.toString(Ports.free()));
    Process hub = pb.start();
    try {
      Path ready = data.resolve("run/hub.json");
      Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
      while (!Files.exists(ready) && hub.isAlive() && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
      }
      assertThat(ready).as("hub ready; log:\n%s", Files.exists(log) ? Files.readString(log) : "").exists();
      assertThat(hub.info().command()).hasValue(root.resolve("opt/java/bin/java").toString());
    } finally {
      hub.destroy();
      if (!hub.waitFor(30, TimeUnit.SECONDS)) {
        hub.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void assertCommonImage(OciImage image, String name, String mainClass, String appArtifact) {
    assertThat(image.ociLayout.path("imageLayoutVersion").asText()).isEqualTo("1.0.0");
    String ref = image.index.path("manifests").get(0).path("annotations").path("org.opencontainers.image.ref.name").asText();
    assertThat(ref).startsWith(name + ":");
    JsonNode c = image.config;
    assertThat(c.path("os").asText()).isEqualTo("linux");
    JsonNode cfg = c.path("config");
    assertThat(cfg.path("User").asText()).isEqualTo(USER);
    List<String> entrypoint = List.of(JSON.convertValue(cfg.path("Entrypoint"), String[].class));
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint).containsSubsequence("-cp", "@/app/jib-classpath-file", mainClass);
    assertThat(List.of(JSON.convertValue(cfg.path("Cmd"), String[].class))).containsExactly("--data", "/var/lib/fedge");
    assertThat(cfg.path("Env").toString()).contains("PATH=/opt/java/bin:");
    assertThat(cfg.path("Volumes").has("/var/lib/fedge")).isTrue();
    assertThat(cfg.path("Labels").path("org.opencontainers.image.version").asText()).isEqualTo(ref.substring(name.length() + 1));
    assertThat(cfg.path("Labels").path("org.opencontainers.image.title").asText()).isNotBlank();

    // the jlink runtime, the loader and C library it needs, and the unprivileged user with its data directory
    assertThat(image.files.get("opt/java/bin/java")).satisfies(e -> assertThat(e.mode() & 0755).isEqualTo(0755));
    assertThat(image.files).containsKeys("opt/java/lib/server/libjvm.so", "opt/java/lib/modules");
    assertThat(image.files.keySet()).anyMatch(f -> f.matches("lib(64)?/.*ld-linux.*\\.so\\.\\d"));
    assertThat(image.files.keySet()).anyMatch(f -> f.matches("lib/.*libc\\.so\\.6"));
    // what the native code in the application jars links to beyond the JDK (sqlite-jdbc, RocksDB, JNA)
    for (String lib : List.of("libpthread.so.0", "libdl.so.2", "librt.so.1", "libstdc++.so.6", "libgcc_s.so.1")) {
      assertThat(image.files.keySet()).as(lib).anyMatch(f -> f.startsWith("lib/") && f.endsWith("/" + lib));
    }
    assertThat(image.text("opt/java/release")).contains("java.base", "jdk.crypto.ec").doesNotContain("jdk.compiler");
    assertThat(image.text("etc/passwd")).contains("fedge:x:" + USER + ":");
    assertThat(image.files.get("var/lib/fedge")).satisfies(e -> {
      assertThat(e.isDirectory()).isTrue();
      assertThat(e.uid() + ":" + e.gid()).isEqualTo(USER);
    });
    // every jar of the classpath is in the layers, the application jar among them (the /app/classes and
    // /app/resources directories are only there when the image module has classes or resources of its own)
    // named by the artifact file: edge-agent.jar from a reactor build, edge-agent-VERSION.jar from the local repository
    assertThat(image.libs()).anyMatch(j -> j.matches(java.util.regex.Pattern.quote(appArtifact) + "(-.+)?\\.jar"));
    assertThat(image.classpath()).filteredOn(e -> e.endsWith(".jar")).hasSize(image.libs().size());
    for (String e : image.classpath()) {
      if (e.endsWith(".jar")) {
        assertThat(image.files.get(e.substring(1))).as("classpath jar %s in the layers", e).satisfies(f -> assertThat(f.isFile()).isTrue());
      } else {
        assertThat(e).isIn("/app/resources", "/app/classes");
      }
    }
  }

  /** An OCI image layout tar, every digest verified while reading; optionally its layers unpacked into a directory. */
  private static final class OciImage {
    JsonNode ociLayout;
    JsonNode index;
    JsonNode config;
    final Map<String, Tars.Entry> files = new HashMap<>();
    final Map<String, byte[]> small = new HashMap<>();

    List<String> classpath() {
      return List.of(text("app/jib-classpath-file").trim().split(":"));
    }

    List<String> libs() {
      return files.keySet().stream().filter(f -> f.startsWith("app/libs/")).map(f -> f.substring(9)).toList();
    }

    String text(String path) {
      assertThat(small).as("file %s in the image", path).containsKey(path);
      return new String(small.get(path), StandardCharsets.UTF_8);
    }

    static OciImage read(Path tar, Path unpackTo) throws IOException {
      OciImage img = new OciImage();
      Map<String, byte[]> blobs = new HashMap<>();
      Map<String, byte[]> top = new HashMap<>();
      try (InputStream in = Files.newInputStream(tar)) {
        Tars.read(in, (e, content) -> {
          if (e.isFile() && e.size() < 1 << 20) {
            byte[] b = content.readAllBytes();
            if (e.name().startsWith("blobs/sha256/")) {
              blobs.put(e.name().substring(13), b);
            } else {
              top.put(e.name(), b);
            }
          }
        });
      }
      assertThat(top).containsKeys("oci-layout", "index.json");
      img.ociLayout = JSON.readTree(top.get("oci-layout"));
      img.index = JSON.readTree(top.get("index.json"));
      assertThat(img.index.path("manifests")).hasSize(1);
      JsonNode desc = img.index.path("manifests").get(0);
      assertThat(desc.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
      JsonNode manifest = JSON.readTree(verifiedBlob(blobs, desc));
      assertThat(manifest.path("config").path("mediaType").asText()).isEqualTo("application/vnd.oci.image.config.v1+json");
      img.config = JSON.readTree(verifiedBlob(blobs, manifest.path("config")));
      JsonNode diffIds = img.config.path("rootfs").path("diff_ids");
      JsonNode layers = manifest.path("layers");
      assertThat(layers.size()).as("one diff id per layer").isEqualTo(diffIds.size()).isGreaterThanOrEqualTo(2);
      Map<String, Integer> layerIndex = new HashMap<>();
      for (int i = 0; i < layers.size(); i++) {
        assertThat(layers.get(i).path("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
        layerIndex.put(hex(layers.get(i).path("digest").asText()), i);
      }
      // layers in manifest order (a later layer's file replaces an earlier one's); the outer tar may list them in any order
      Map<Integer, List<Tars.Entry>> byLayer = new HashMap<>();
      Map<Integer, Map<String, byte[]>> smallByLayer = new HashMap<>();
      try (InputStream in = Files.newInputStream(tar)) {
        Tars.read(in, (e, content) -> {
          String digest = e.name().startsWith("blobs/sha256/") ? e.name().substring(13) : "";
          Integer i = layerIndex.get(digest);
          if (i == null) {
            return;
          }
          assertThat(e.size()).as("layer %d size", i).isEqualTo(layers.get(i).path("size").asLong());
          MessageDigest zipped = sha256();
          MessageDigest plain = sha256();
          List<Tars.Entry> entries = new ArrayList<>();
          Map<String, byte[]> texts = new HashMap<>();
          DigestInputStream zin = new DigestInputStream(content, zipped);
          DigestInputStream uin = new DigestInputStream(new GZIPInputStream(zin, 1 << 16), plain);
          Tars.read(uin, (le, lc) -> {
            String path = normalize(le.name());
            entries.add(new Tars.Entry(path, le.mode(), le.uid(), le.gid(), le.size(), le.type(), le.linkName()));
            if (le.isFile() && le.size() < 1 << 16) {
              byte[] b = lc.readAllBytes();
              texts.put(path, b);
              if (unpackTo != null) {
                write(unpackTo, path, le, new java.io.ByteArrayInputStream(b));
              }
            } else if (unpackTo != null) {
              write(unpackTo, path, le, lc);
            }
          });
          uin.transferTo(OutputStream.nullOutputStream());
          zin.transferTo(OutputStream.nullOutputStream());
          assertThat(HexFormat.of().formatHex(zipped.digest())).as("layer %d digest", i).isEqualTo(digest);
          assertThat("sha256:" + HexFormat.of().formatHex(plain.digest())).as("layer %d diff id", i)
              .isEqualTo(diffIds.get(i).asText());
          byLayer.put(i, entries);
          smallByLayer.put(i, texts);
        });
      }
      assertThat(byLayer.keySet()).as("every layer blob present").hasSize(layers.size());
      for (int i = 0; i < layers.size(); i++) {
        byLayer.get(i).forEach(e -> img.files.put(e.name(), e));
        img.small.putAll(smallByLayer.get(i));
      }
      return img;
    }

    private static void write(Path root, String path, Tars.Entry e, InputStream content) throws IOException {
      Path target = root.resolve(path).normalize();
      assertThat(target.startsWith(root)).as("layer path %s stays inside the root", path).isTrue();
      if (e.isDirectory()) {
        Files.createDirectories(target);
      } else if (e.isFile()) {
        Files.createDirectories(target.getParent());
        Files.copy(content, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        if ((e.mode() & 0100) != 0) {
          target.toFile().setExecutable(true);
        }
      }
    }

    private static byte[] verifiedBlob(Map<String, byte[]> blobs, JsonNode descriptor) {
      String digest = hex(descriptor.path("digest").asText());
      byte[] b = blobs.get(digest);
      assertThat(b).as("blob %s present", digest).isNotNull();
      assertThat(b.length).as("blob %s size", digest).isEqualTo(descriptor.path("size").asInt());
      assertThat(HexFormat.of().formatHex(sha256().digest(b))).as("blob %s digest", digest).isEqualTo(digest);
      return b;
    }

    private static String hex(String digest) {
      assertThat(digest).startsWith("sha256:");
      return digest.substring(7);
    }

    private static String normalize(String name) {
      String n = name.startsWith("./") ? name.substring(2) : name.startsWith("/") ? name.substring(1) : name;
      return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }

    private static MessageDigest sha256() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
