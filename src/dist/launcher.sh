#!/bin/bash
# @NAME@ launcher. Runs @NAME@ on the Java runtime shipped beside it (lib/runtime), never on a system Java:
# PATH and JAVA_HOME are not read. Leading -Dname=value arguments are configuration (Java system properties,
# as with java -Dname=value -jar). The JVM runs with @JVM_DEFAULTS@ unless @NAME_UPPER@_JAVA_OPTS is set,
# which then replaces them: the serial collector and a capped heap use less memory and, on a machine of few
# cores, less CPU per frame than the default G1 (bench/RESULTS.md).
set -euo pipefail

self=$(readlink -f "$0")
home=${self%/bin/*}
java=$home/lib/runtime/bin/java
jar=$home/lib/app/quarkus-run.jar
cds_dir=$home/lib/cds
cds=$cds_dir/@NAME@.jsa

# Application class-data sharing: the classes that start-up loads are mapped from an archive instead of
# being parsed and verified again. JDK 17 checks an archive against the absolute paths of the jars it was
# made with, so it cannot travel in the tarball: it is made here, once, by a short training run the first
# time @NAME@ starts from this folder (about a second), and again if the folder is moved. Without write
# access to lib/cds it is skipped; @NAME@ then works the same, only starts more slowly.
if [[ $(cat "$cds_dir/home" 2> /dev/null) != "$home" && -w $cds_dir ]]; then
    # Made under a name of its own and renamed into place, so that two first starts at once cannot tear it.
    rm -f "$cds_dir/home"
    if "$java" -XX:ArchiveClassesAtExit="$cds.$$" @TRAINING@ > /dev/null 2>&1 && mv -f "$cds.$$" "$cds"; then
        printf '%s\n' "$home" > "$cds_dir/home"
    fi
    rm -f "$cds.$$"
fi

read -r -a jvm <<< "${@NAME_UPPER@_JAVA_OPTS:-@JVM_DEFAULTS@}"
if [[ -f $cds_dir/home ]]; then
    jvm+=(-XX:SharedArchiveFile="$cds" -Xshare:auto)
fi
while [[ $# -gt 0 && $1 == -D* ]]; do
    jvm+=("$1")
    shift
done
exec "$java" "${jvm[@]}" -jar "$jar" "$@"
