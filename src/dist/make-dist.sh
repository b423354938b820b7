#!/usr/bin/env bash
# Packs one program as a download, in one of two forms:
#   MODULE/target/NAME-VERSION-linux-ARCH.tar.gz         for machines without Java: a jlinked runtime that holds only
#                                                        the JDK modules the program needs, the Quarkus application,
#                                                        and a launcher;
#   MODULE/target/NAME-VERSION-linux-ARCH-native.tar.gz  the GraalVM native executable (target/*-runner) alone, where
#                                                        a native build ran (mvn -Dnative; CI has no toolchain).
# Both unpack to NAME-VERSION/{bin,lib,share}; share/systemd has the program's systemd units from systemd/ here.
# Maven runs it at `package` (exec-maven-plugin), after the Quarkus build made target/quarkus-app or the executable.
#
# usage: make-dist.sh NAME MODULE_DIR VERSION JDK MODULES TRAINING JVM_DEFAULTS
#        make-dist.sh --native NAME MODULE_DIR VERSION
#   JDK       the JDK whose jlink and jmods build the runtime (the build's own)
#   MODULES   comma-separated JDK modules (jdeps finds the static ones; the rest are looked up by name at run
#             time: jdk.crypto.ec holds X25519, jdk.zipfs the jar: file system Quarkus reads its class path with)
#   TRAINING  the launcher's arguments for the run that makes the class-data archive (see launcher.sh)
#   JVM_DEFAULTS  the JVM options the launcher uses unless NAME_JAVA_OPTS is set (bench/RESULTS.md: why)
set -euo pipefail

native=false suffix=""
if [[ ${1:-} == --native ]]; then
  native=true suffix=-native
  shift
fi
name=$1 module=$2 version=$3
here=$(cd "$(dirname "$0")" && pwd)
target=$module/target
arch=$(uname -m)
dist=$name-$version
stage=$target/dist/$dist
archive=$target/$dist-linux-$arch$suffix.tar.gz

# The runtime, the application and the launcher; the program then runs as $program.
stage_jvm() {
  local jdk=$1 modules=$2 training=$3 jvm_defaults=$4
  local app=$target/quarkus-app
  if [[ ! -f $app/quarkus-run.jar ]]; then
    echo "make-dist: $app/quarkus-run.jar is missing; the Quarkus build must run first" >&2
    exit 1
  fi
  if [[ ! -d $jdk/jmods ]]; then
    echo "make-dist: $jdk has no jmods folder, so jlink cannot build a runtime from it; install the full JDK" \
         "(Debian: openjdk-17-jdk-headless) or skip the distribution with -Ddist.skip" >&2
    exit 1
  fi
  mkdir -p "$stage/bin" "$stage/lib/cds"

  # --generate-cds-archive gives the runtime the default CDS archive of its own JDK classes, which the
  # launcher's application archive builds on.
  "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
    --generate-cds-archive --output "$stage/lib/runtime" > /dev/null
  cp -a "$app" "$stage/lib/app"
  # An archive Quarkus made for the build's JDK is of no use to the bundled runtime (the launcher makes its own).
  rm -f "$stage/lib/app/app-cds.jsa"

  local upper
  upper=$(tr '[:lower:]-' '[:upper:]_' <<< "$name")
  sed -e "s|@NAME@|$name|g" -e "s|@NAME_UPPER@|$upper|g" -e "s|@TRAINING@|$training|g" \
    -e "s|@JVM_DEFAULTS@|$jvm_defaults|g" \
    "$here/launcher.sh" > "$stage/bin/$name"
  chmod 0755 "$stage/bin/$name"

  # The launcher's training run, done once here as a smoke test: a module missing from the runtime fails the
  # build, not a user's start-up. (Its archive would only be valid in this folder, so none is kept.)
  local java=$stage/lib/runtime/bin/java jar=$stage/lib/app/quarkus-run.jar
  if ! eval "\"\$java\" $training" > "$target/dist/training.log" 2>&1; then
    echo "make-dist: the runtime cannot run $name; is a JDK module missing from: $modules? See $target/dist/training.log" >&2
    exit 1
  fi
  program=("$java" -jar "$jar")
}

# The native executable, the only file the program needs.
stage_native() {
  local runners=("$target"/*-runner)
  if [[ ${#runners[@]} -ne 1 || ! -x ${runners[0]} ]]; then
    echo "make-dist: no native executable (target/*-runner) in $target; build with -Dnative first" >&2
    exit 1
  fi
  mkdir -p "$stage/bin"
  cp "${runners[0]}" "$stage/bin/$name"
  # A smoke test, as the JVM download's training run: an executable that cannot start fails the build.
  if ! "$stage/bin/$name" --help > "$target/dist/help.log" 2>&1; then
    echo "make-dist: the native $name does not start; see $target/dist/help.log" >&2
    exit 1
  fi
  program=("$stage/bin/$name")
}

rm -rf "$target/dist" "$archive"
mkdir -p "$stage"
if [[ $native == true ]]; then
  stage_native
else
  stage_jvm "${@:4}"
fi

# systemd units (README, "Running as a service"): vswitch.service in the switch's download; vport@.service and an
# example of its per-instance configuration file in vport's.
mkdir -p "$stage/share/systemd"
cp "$here/systemd/$name"[@.]* "$stage/share/systemd/"
if [[ $name == vport ]]; then
  mkdir -p "$stage/share/bash-completion/completions"
  "${program[@]}" generate-completion > "$stage/share/bash-completion/completions/vport"
fi

tar --sort=name --owner=0 --group=0 --numeric-owner -C "$target/dist" -czf "$archive" "$dist"
echo "make-dist: $archive ($(du -h "$archive" | cut -f1); unpacked $(du -sh "$stage" | cut -f1))"
