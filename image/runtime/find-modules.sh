#!/usr/bin/env bash
# Prints the Java modules the hub, the agent and the launcher need, as jdeps sees them (slow: a minute or two).
# Run after `mvn -pl cloud-hub,edge-agent,ota -am package` when dependencies change, and update
# image/runtime/jlink-modules.txt (keep the service-provider modules listed there).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
jdeps --ignore-missing-deps --print-module-deps --multi-release 17 \
  --class-path "$root/cloud-hub/target/lib/*:$root/edge-agent/target/lib/*" \
  "$root/cloud-hub/target/cloud-hub.jar" "$root/edge-agent/target/edge-agent.jar" "$root/ota/target/ota.jar"
