#!/bin/sh
# Installs the Fedge appliance bundle under a root prefix (default /): the Java runtime, the A/B launcher, the first
# agent bundle in slot a, the systemd unit, and the first-boot claim bundle.
#
# usage: ./install.sh [--prefix DIR] [--claim claim.json] [--root root.json] [--user NAME]
#   --prefix  root of the target file system (an image build's rootfs, or / on the appliance itself)
#   --claim   the claim bundle minted on the hub (ops console or POST /api/v1/claim-tokens); the agent enrolls with
#             it at first boot and deletes it. May be placed later at /var/lib/fedge/data/claim.json (mode 0600).
#   --root    the release root (root.json of the OTA release repository) to pin; without it every OTA update is refused
#   --user    the account the agent runs as (default fedge); created when installing into / as root
# Installing again keeps the slots (OTA owns them after the first install), the configuration and the data.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=/ claim='' root='' user=fedge
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --claim) claim=$2; shift 2 ;;
    --root) root=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[ -z "$claim" ] || [ -f "$claim" ] || { echo "install.sh: no claim bundle at $claim" >&2; exit 2; }
[ -z "$root" ] || [ -f "$root" ] || { echo "install.sh: no release root at $root" >&2; exit 2; }
prefix=${prefix%/}
app=$prefix/opt/fedge
state=$prefix/var/lib/fedge
etc=$prefix/etc/fedge
umask 022

# programs (replaced on every install)
mkdir -p "$app/bin" "$app/launcher" "$app/bundles"
rm -rf "$app/jre.new" && cp -R "$here/jre" "$app/jre.new" && rm -rf "$app/jre" && mv "$app/jre.new" "$app/jre"
cp "$here/launcher/ota.jar" "$app/launcher/ota.jar"
cp "$here"/bundles/*.bundle "$app/bundles/"
cp "$here/bin/fedge-agent" "$app/bin/fedge-agent" && chmod 0755 "$app/bin/fedge-agent"
cp "$here/README.md" "$app/README.md"

# configuration (kept when present)
mkdir -p "$etc" "$prefix/etc/systemd/system"
[ -f "$etc/agent.jvm-options" ] || cp "$here/etc/agent.jvm-options" "$etc/agent.jvm-options"
[ -f "$etc/agent.env" ] || { cp "$here/etc/agent.env" "$etc/agent.env" && chmod 0640 "$etc/agent.env"; }
cp "$here/systemd/fedge-agent.service" "$prefix/etc/systemd/system/fedge-agent.service"

# state: the launcher's home (A/B slots) and the agent's data
mkdir -p "$state/home" "$state/data"
chmod 0750 "$state" "$state/home" "$state/data"
if [ ! -f "$state/home/boot.properties" ]; then
  bundle=$(ls "$app"/bundles/*.bundle | head -n 1)
  "$app/jre/bin/java" -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -cp "$app/launcher/ota.jar" \
    io.fedge.ota.launcher.SlotLauncher --home "$state/home" --install-first "$bundle"
fi
[ -z "$root" ] || cp "$root" "$state/home/root.json"
if [ -n "$claim" ]; then
  (umask 077 && cp "$claim" "$state/data/claim.json.tmp") && mv "$state/data/claim.json.tmp" "$state/data/claim.json"
fi

# the account, when installing onto the running system
if [ "$(id -u)" = 0 ]; then
  if [ "$prefix" = "" ] && ! id "$user" >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/fedge --no-create-home --shell /usr/sbin/nologin "$user"
  fi
  if id "$user" >/dev/null 2>&1; then
    chown -R "$user:$user" "$state"
    [ -f "$etc/agent.env" ] && chgrp "$user" "$etc/agent.env"
  fi
fi
if [ "$user" != fedge ]; then
  sed -i "s/^User=fedge$/User=$user/; s/^Group=fedge$/Group=$user/" "$prefix/etc/systemd/system/fedge-agent.service"
fi
echo "installed Fedge agent $(sed -n 's/^version=//p' "$state/home/slots/a/bundle.properties" 2>/dev/null) under ${prefix:-/}"
if [ "$prefix" = "" ]; then
  echo "start it: systemctl daemon-reload && systemctl enable --now fedge-agent"
fi
[ -f "$state/data/claim.json" ] || [ -d "$state/data/identity" ] || \
  echo "first boot needs a claim bundle at ${prefix}/var/lib/fedge/data/claim.json (mode 0600, owner $user)"
