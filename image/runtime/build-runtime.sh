#!/usr/bin/env bash
# Builds the one Java runtime of Fedge's images and appliance bundle, and a container base image from it,
# with no registry and no Docker daemon:
#   OUT/jre        jlink runtime of the modules in MODULES_FILE (--strip-debug --no-header-files --no-man-pages --compress=2)
#   OUT/base.tar   docker-save format (manifest.json, config.json, layer.tar), the base Jib builds on (tar://...):
#                  /opt/java (the runtime), the shared libraries it needs (found with ldd), /etc/passwd and /etc/group
#                  with the unprivileged user UID:GID (fedge), /tmp, and /var/lib/fedge owned by that user.
# Usage: build-runtime.sh MODULES_FILE OUT UID:GID JAVA_HOME
# Linux only (ldd, GNU tar). Skips all work when its inputs are unchanged since the last run.
set -euo pipefail
modules_file=$1 out=$(realpath -m "$2") user=$3 java_home=$4
uid=${user%%:*} gid=${user##*:}
modules=$(grep -v '^[[:space:]]*#' "$modules_file" | grep -v '^[[:space:]]*$' | paste -sd, -)
jlink=$java_home/bin/jlink
[ -x "$jlink" ] || { echo "build-runtime: no jlink at $jlink; build with a full JDK 17 (not a JRE)" >&2; exit 1; }
command -v ldd >/dev/null || { echo "build-runtime: ldd is required (Linux, glibc)" >&2; exit 1; }

inputs="$modules|$user|$("$java_home/bin/java" -version 2>&1 | tr '\n' ' ')|$(sha256sum "$0" | cut -c1-64)"
if [ -f "$out/base.tar" ] && [ -f "$out/.inputs" ] && [ "$(cat "$out/.inputs")" = "$inputs" ]; then
  echo "build-runtime: $out is up to date"
  exit 0
fi
rm -rf "$out/base.tar" "$out/.inputs" "$out/rootfs" "$out/stage"
mkdir -p "$out"
jlink_inputs="$modules|$("$java_home/bin/java" -version 2>&1 | tr '\n' ' ')"
if [ ! -f "$out/jre/release" ] || [ "$(cat "$out/.jlink-inputs" 2>/dev/null)" != "$jlink_inputs" ]; then
  rm -rf "$out/jre"
  echo "build-runtime: jlink $modules"
  "$jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"
  # Debian's JDK links the license notices to shared files: make them plain files, so every copy of the runtime
  # (image layer, appliance bundle) carries them
  find "$out/jre" -type l | while read -r l; do
    t=$(readlink -f "$l" || true)
    if [ -n "$t" ] && [ -f "$t" ]; then cp --remove-destination "$t" "$l"; else rm -f "$l"; fi
  done
  echo "$jlink_inputs" > "$out/.jlink-inputs"
fi

# --- the base layer's file tree ---
root=$out/rootfs
mkdir -p "$root/opt" "$root/etc" "$root/tmp" "$root/var/lib/fedge"
cp -a "$out/jre" "$root/opt/java"
chmod 1777 "$root/tmp"
# Shared libraries of the launcher and of the runtime's native libraries. The programs run headless: the X11,
# font, image-codec and sound libraries that only AWT's display and javax.sound code would load are left out.
skip='/(libawt_xawt|libfontmanager|libjavajpeg|liblcms|libsplashscreen|libjsound|libjawt)\.so$'
libs=$(for f in "$root/opt/java/bin/"* $(find "$root/opt/java/lib" -name '*.so' | grep -Ev "$skip"); do
         ldd "$f" 2>/dev/null || true
       done | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | grep -v "^$root" | sort -u)
# glibc's compatibility libraries that the native code inside the application jars links to but the JDK does not:
# sqlite-jdbc (libpthread, libdl), RocksDB in HiveMQ (librt, libpthread, libdl), JNA (libdl, libpthread)
libc_dir=$(dirname "$(echo "$libs" | grep '/libc\.so\.6$' | head -n 1)")
for extra in libpthread.so.0 libdl.so.2 librt.so.1; do
  [ -e "$libc_dir/$extra" ] && libs="$libs $libc_dir/$extra"
done
for lib in $libs; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
printf 'root:x:0:0:root:/root:/sbin/nologin\nfedge:x:%s:%s:fedge:/var/lib/fedge:/sbin/nologin\n' "$uid" "$gid" > "$root/etc/passwd"
printf 'root:x:0:\nfedge:x:%s:\n' "$gid" > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"

# --- one layer, reproducible: sorted, fixed time, numeric owners; /var/lib/fedge belongs to the user ---
stage=$out/stage
mkdir -p "$stage"
tarflags=(--sort=name --mtime=@0 --numeric-owner --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)
(cd "$root" && tar "${tarflags[@]}" --owner=0 --group=0 --exclude=./var/lib/fedge -cf "$stage/layer.tar" .)
(cd "$root" && tar "${tarflags[@]}" --owner="$uid" --group="$gid" -rf "$stage/layer.tar" ./var/lib/fedge)
diff_id=$(sha256sum "$stage/layer.tar" | cut -c1-64)
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
cat > "$stage/config.json" <<JSON
{"architecture":"$arch","os":"linux","config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],"User":"$user","WorkingDir":"/var/lib/fedge"},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"image/runtime/build-runtime.sh (jlink: $modules)"}]}
JSON
printf '[{"Config":"config.json","RepoTags":["fedge/java-runtime:17"],"Layers":["layer.tar"]}]\n' > "$stage/manifest.json"
(cd "$stage" && tar "${tarflags[@]}" --owner=0 --group=0 -cf "$out/base.tar" manifest.json config.json layer.tar)
rm -rf "$stage" "$root"
echo "$inputs" > "$out/.inputs"
echo "build-runtime: $(du -sm "$out/jre" | cut -f1) MB runtime, $(du -sm "$out/base.tar" | cut -f1) MB base image ($out)"
