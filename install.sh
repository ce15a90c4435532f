#!/bin/sh
# Installs ir: builds the jar with Maven and installs it with an `ir` launcher under ${PREFIX:-$HOME/.local}
# (bin/ir and lib/ir/). Safe to run again: an unchanged jar and a still-valid start-up archive are kept.
#
#   ./install.sh               build and install (or update)
#   ./install.sh --uninstall   remove what install.sh installed
#
# Environment:
#   PREFIX           where to install (default: $HOME/.local)
#   IR_JAVA          the java to run ir with (default: $JAVA_HOME/bin/java, else java on PATH); JDK 17 or newer
#   IR_INSTALL_JAR   install this prebuilt jar instead of building one (no Maven needed)
#   IR_INSTALL_NO_CDS=1  skip the class data sharing archive (ir then starts more slowly)
set -eu

# The JVM flags of the launcher: a one-shot CLI gains nothing from the optimising compiler or a parallel GC, and
# starts faster without them. Kept in one place: the training run must use the same ones as the launcher.
JVM_FLAGS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"

say() { printf '%s\n' "$*" >&2; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,13s/^# \{0,1\}//p' "$0"
}

uninstall=0
for arg in "$@"; do
    case $arg in
        --uninstall) uninstall=1 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option '$arg' (see ./install.sh --help)" ;;
    esac
done

PREFIX=${PREFIX:-${HOME:?HOME is not set: set PREFIX}/.local}
bin="$PREFIX/bin"
lib="$PREFIX/lib/ir"
launcher="$bin/ir"
MARKER="# ir launcher, written by ir's install.sh"

if [ "$uninstall" = 1 ]; then
    removed=0
    if [ -f "$launcher" ]; then
        if grep -q "^$MARKER" "$launcher" 2>/dev/null; then
            rm -f "$launcher"
            removed=1
        else
            say "install.sh: $launcher was not written by install.sh: left in place"
        fi
    fi
    if [ -d "$lib" ]; then
        rm -f "$lib/ir.jar" "$lib/ir.jsa" "$lib/ir.jsa.id" "$lib/training.log" "$lib"/*.tmp
        rmdir "$lib" 2>/dev/null || say "install.sh: $lib holds other files: left in place"
        removed=1
    fi
    if [ "$removed" = 1 ]; then
        say "Removed ir from $PREFIX."
    else
        say "ir is not installed in $PREFIX: nothing to remove."
    fi
    exit 0
fi

# --- Java: JDK 17 or newer -------------------------------------------------------------------------------------
if [ -n "${IR_JAVA:-}" ]; then
    java=$IR_JAVA
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    java="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1; then
    java=$(command -v java)
else
    die "Java 17 or newer is needed and no 'java' was found: install a JDK 17+ (for example the openjdk-17-jdk package) or set JAVA_HOME"
fi
if [ ! -x "$java" ] && ! command -v "$java" >/dev/null 2>&1; then
    die "Java 17 or newer is needed and '$java' is not a program: install a JDK 17+ or set JAVA_HOME"
fi
settings=$("$java" -XshowSettings:properties -version 2>&1) || die "'$java -version' failed: is it a working Java?"
spec=$(printf '%s\n' "$settings" | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
java_home=$(printf '%s\n' "$settings" | sed -n 's/^ *java\.home = //p' | head -n 1)
case $spec in
    1.*) major=${spec#1.}; major=${major%%.*} ;;
    *) major=${spec%%.*} ;;
esac
case $major in
    ''|*[!0-9]*) die "cannot tell which Java '$java' is (no java.specification.version): install a JDK 17+ or set JAVA_HOME" ;;
esac
if [ "$major" -lt 17 ]; then
    die "ir needs Java 17 or newer, and '$java' is Java $spec: install a JDK 17+ and set JAVA_HOME to it (or IR_JAVA to its bin/java)"
fi
[ -n "$java_home" ] && [ -x "$java_home/bin/java" ] || die "cannot find the home of '$java' (java.home='$java_home')"

# --- The jar ----------------------------------------------------------------------------------------------------
src=$(cd "$(dirname "$0")" && pwd)
if [ -n "${IR_INSTALL_JAR:-}" ]; then
    jar=$IR_INSTALL_JAR
    [ -f "$jar" ] || die "IR_INSTALL_JAR='$jar' is not a file"
else
    command -v mvn >/dev/null 2>&1 || die "Maven ('mvn') is needed to build ir and was not found: install Maven 3.8+ (for example the maven package), or set IR_INSTALL_JAR to a built ir.jar"
    [ -x "$java_home/bin/javac" ] || command -v javac >/dev/null 2>&1 \
        || die "a JDK (with javac) is needed to build ir, and '$java' is only a runtime: install a JDK 17+ and set JAVA_HOME"
    [ -f "$src/pom.xml" ] || die "no pom.xml next to install.sh ($src): run install.sh from a clone of ir"
    say "Building ir with Maven (the first build downloads its dependencies)..."
    if [ -x "$java_home/bin/javac" ]; then
        (cd "$src" && JAVA_HOME=$java_home mvn -B -q -Dstyle.color=never -DskipTests package) || die "the Maven build failed (see above)"
    else
        (cd "$src" && mvn -B -q -Dstyle.color=never -DskipTests package) || die "the Maven build failed (see above)"
    fi
    jar="$src/target/ir.jar"
    [ -f "$jar" ] || die "the build did not produce $jar"
fi

# --- Install ----------------------------------------------------------------------------------------------------
mkdir -p "$bin" "$lib" || die "cannot create $bin and $lib"
if [ -f "$lib/ir.jar" ] && cmp -s "$jar" "$lib/ir.jar"; then
    jar_changed=0
else
    cp "$jar" "$lib/ir.jar.tmp" && mv -f "$lib/ir.jar.tmp" "$lib/ir.jar" || die "cannot write $lib/ir.jar"
    jar_changed=1
fi

# The launcher names the Java it was installed with, so the archive (which only that JVM can use) matches.
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
cat >"$launcher.tmp" <<EOF || die "cannot write $launcher"
#!/bin/sh
$MARKER: runs the installed jar with flags that make a
# one-shot command start fast, and with the class data sharing archive that install.sh built for this jar and this
# Java when it is still valid (archive newer than the jar, same Java build); otherwise without it: run install.sh
# again to rebuild it. IR_JAVA chooses another java (then without the archive).
lib=$(quote "$lib")
java_home=$(quote "$java_home")
flags='$JVM_FLAGS'
java="\$java_home/bin/java"
if [ -n "\${IR_JAVA:-}" ]; then
    exec "\$IR_JAVA" \$flags -jar "\$lib/ir.jar" "\$@"
fi
if [ ! -x "\$java" ]; then
    exec java \$flags -jar "\$lib/ir.jar" "\$@"
fi
# test -nt is not in POSIX, but every sh that runs a JDK has it (dash, bash, busybox, ksh, BSD and macOS sh).
# shellcheck disable=SC3013
if [ "\$lib/ir.jsa" -nt "\$lib/ir.jar" ] && [ -r "\$lib/ir.jsa.id" ] && [ -r "\$java_home/release" ]; then
    IFS= read -r built <"\$lib/ir.jsa.id" || built=
    running=
    while IFS= read -r line; do
        case \$line in JAVA_RUNTIME_VERSION=*) running=\$line; break ;; esac
    done <"\$java_home/release"
    if [ "\$built" = "\$java_home \$running" ]; then
        exec "\$java" \$flags -XX:SharedArchiveFile="\$lib/ir.jsa" -jar "\$lib/ir.jar" "\$@"
    fi
fi
exec "\$java" \$flags -jar "\$lib/ir.jar" "\$@"
EOF
chmod 755 "$launcher.tmp" && mv -f "$launcher.tmp" "$launcher" || die "cannot write $launcher"

# --- The class data sharing archive: a training run of everyday commands in a throw-away workspace ---------------
runtime=
if [ -r "$java_home/release" ]; then
    runtime=$(sed -n 's/^\(JAVA_RUNTIME_VERSION=.*\)$/\1/p' "$java_home/release" | head -n 1)
fi
stamp="$java_home $runtime"
# shellcheck disable=SC3013 # test -nt: see the launcher
if [ "${IR_INSTALL_NO_CDS:-}" = 1 ]; then
    rm -f "$lib/ir.jsa" "$lib/ir.jsa.id"
    say "Skipped the start-up archive (IR_INSTALL_NO_CDS=1)."
elif [ "$jar_changed" = 0 ] && [ "$lib/ir.jsa" -nt "$lib/ir.jar" ] && [ -r "$lib/ir.jsa.id" ] \
        && [ "$(cat "$lib/ir.jsa.id")" = "$stamp" ]; then
    say "The start-up archive is up to date."
else
    say "Building the start-up archive (a training run of ir in a temporary workspace)..."
    rm -f "$lib/ir.jsa.id" "$lib/ir.jsa" "$lib/ir.jsa.tmp" "$lib/ir.classlist.tmp"
    # The launcher trusts the archive only while it is newer than the jar: give the jar a time before the archive's
    # even if its clock was off (a jar copied with a future time would otherwise never get a usable archive).
    touch "$lib/ir.jar"
    # A static archive from the training run's class list (not -XX:ArchiveClassesAtExit's dynamic one): JDK 17 stores
    # classes of old class-file versions (picocli is compiled for Java 5) only in a static archive, unverified. The
    # build rewrites picocli's as Java 8 ones so they are stored verified too; a jar built without that still gains.
    # shellcheck disable=SC2086 # JVM_FLAGS is a list of flags
    if "$java_home/bin/java" $JVM_FLAGS -XX:DumpLoadedClassList="$lib/ir.classlist.tmp" -cp "$lib/ir.jar" ir.Training \
            >"$lib/training.log" 2>&1 </dev/null \
        && "$java_home/bin/java" $JVM_FLAGS -Xshare:dump -XX:SharedClassListFile="$lib/ir.classlist.tmp" \
            -XX:SharedArchiveFile="$lib/ir.jsa.tmp" -cp "$lib/ir.jar" >>"$lib/training.log" 2>&1 </dev/null \
        && [ -s "$lib/ir.jsa.tmp" ]; then
        rm -f "$lib/ir.classlist.tmp"
        mv -f "$lib/ir.jsa.tmp" "$lib/ir.jsa"
        printf '%s\n' "$stamp" >"$lib/ir.jsa.id"
    else
        rm -f "$lib/ir.jsa.tmp" "$lib/ir.classlist.tmp"
        say "install.sh: warning: could not build the start-up archive (see $lib/training.log); ir works, but starts more slowly"
    fi
fi

version=$("$launcher" --version 2>/dev/null) || die "the installed launcher does not run: try '$launcher --version'"
say "Installed $version: $launcher (Java $spec from $java_home)."
case ":${PATH:-}:" in
    *":$bin:"*) ;;
    *) say "Note: $bin is not on your PATH. Add it, e.g. in ~/.profile:  export PATH=\"$bin:\$PATH\"" ;;
esac
