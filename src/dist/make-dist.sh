#!/usr/bin/env bash
# Packs one program as a self-contained download for machines without Java: a jlinked runtime that holds
# only the JDK modules the program needs, the Quarkus application, and a launcher, as
#   MODULE/target/NAME-VERSION-linux-ARCH.tar.gz  (unpacks to NAME-VERSION/{bin,lib,share}; share/systemd has the
#   program's systemd units from systemd/ here)
# Maven runs it at `package` (exec-maven-plugin), after the Quarkus build made target/quarkus-app.
#
# usage: make-dist.sh NAME MODULE_DIR VERSION JDK MODULES TRAINING JVM_DEFAULTS
#   JDK       the JDK whose jlink and jmods build the runtime (the build's own)
#   MODULES   comma-separated JDK modules (jdeps finds the static ones; the rest are looked up by name at run
#             time: jdk.crypto.ec holds X25519, jdk.zipfs the jar: file system Quarkus reads its class path with)
#   TRAINING  the launcher's arguments for the run that makes the class-data archive (see launcher.sh)
#   JVM_DEFAULTS  the JVM options the launcher uses unless NAME_JAVA_OPTS is set (bench/RESULTS.md: why)
set -euo pipefail

name=$1 module=$2 version=$3 jdk=$4 modules=$5 training=$6 jvm_defaults=$7
here=$(cd "$(dirname "$0")" && pwd)
target=$module/target
app=$target/quarkus-app
arch=$(uname -m)
dist=$name-$version
stage=$target/dist/$dist
archive=$target/$dist-linux-$arch.tar.gz

if [[ ! -f $app/quarkus-run.jar ]]; then
  echo "make-dist: $app/quarkus-run.jar is missing; the Quarkus build must run first" >&2
  exit 1
fi
if [[ ! -d $jdk/jmods ]]; then
  echo "make-dist: $jdk has no jmods folder, so jlink cannot build a runtime from it; install the full JDK" \
       "(Debian: openjdk-17-jdk-headless) or skip the distribution with -Ddist.skip" >&2
  exit 1
fi

rm -rf "$target/dist" "$archive"
mkdir -p "$stage/bin" "$stage/lib/cds"

# --generate-cds-archive gives the runtime the default CDS archive of its own JDK classes, which the
# launcher's application archive builds on.
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --generate-cds-archive --output "$stage/lib/runtime" > /dev/null
cp -a "$app" "$stage/lib/app"
# An archive Quarkus made for the build's JDK is of no use to the bundled runtime (the launcher makes its own).
rm -f "$stage/lib/app/app-cds.jsa"

upper=$(tr '[:lower:]-' '[:upper:]_' <<< "$name")
sed -e "s|@NAME@|$name|g" -e "s|@NAME_UPPER@|$upper|g" -e "s|@TRAINING@|$training|g" \
  -e "s|@JVM_DEFAULTS@|$jvm_defaults|g" \
  "$here/launcher.sh" > "$stage/bin/$name"
chmod 0755 "$stage/bin/$name"

# The launcher's training run, done once here as a smoke test: a module missing from the runtime fails the
# build, not a user's start-up. (Its archive would only be valid in this folder, so none is kept.)
java=$stage/lib/runtime/bin/java
jar=$stage/lib/app/quarkus-run.jar
if ! eval "\"\$java\" $training" > "$target/dist/training.log" 2>&1; then
  echo "make-dist: the runtime cannot run $name; is a JDK module missing from: $modules? See $target/dist/training.log" >&2
  exit 1
fi
# systemd units (README, "Running as a service"): vswitch.service in the switch's download; vport@.service and an
# example of its per-instance configuration file in vport's.
mkdir -p "$stage/share/systemd"
cp "$here/systemd/$name"[@.]* "$stage/share/systemd/"
if [[ $name == vport ]]; then
  mkdir -p "$stage/share/bash-completion/completions"
  "$java" -jar "$jar" generate-completion > "$stage/share/bash-completion/completions/vport"
fi

tar --sort=name --owner=0 --group=0 --numeric-owner -C "$target/dist" -czf "$archive" "$dist"
echo "make-dist: $archive ($(du -h "$archive" | cut -f1); unpacked $(du -sh "$stage" | cut -f1))"
