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
#   IR_INSTALL_JAR   install this prebuilt jar instead of building one (no Maven needed); an ir-client.jar beside it
#                    is installed too (without one, every command runs in-process)
#   IR_INSTALL_NO_CDS=1  skip the class data sharing archive (ir then starts more slowly)
set -eu

# The JVM flags of the launcher: a one-shot JVM gains nothing from the optimising compiler. The default collector
# (G1) is kept: only with it does the JVM use the heap objects a class data sharing archive holds (the module graph,
# interned strings), which a hello-world measures at ~7 ms faster start than -XX:+UseSerialGC on this JDK.
# Kept in one place: the training runs must use the same ones as the launcher.
# Text is UTF-8 whatever the locale: file.encoding for the JVM's default charset, sun.std*.encoding for System.out
# and System.err (ir itself writes its streams as UTF-8 explicitly). Arguments, the environment and file names are
# decoded with the locale's character set, which no flag changes: the launcher runs Java under a UTF-8 locale.
JVM_FLAGS="-XX:TieredStopAtLevel=1 -Xshare:auto -Dfile.encoding=UTF-8 -Dsun.stdout.encoding=UTF-8 -Dsun.stderr.encoding=UTF-8"
# ir's background process (see 'ir daemon --help'): long-lived, so the optimising compiler pays (and it has
# intrinsics, e.g. for SHA-1, that the quick one lacks). One per user, so what it holds counts: the serial collector
# has the least overhead of its own; a small young generation (NewRatio=3) and heap that shrinks to 20% free at each
# full collection (which the process makes when it has been idle for 2 s) keep it near its live data (the summaries
# of the workspaces it serves: ~40 MiB for 11,000 incidents). The cap is only for a heavy command (ir stats over
# 10,000 incidents needs ~300 MiB while it runs), so that it runs here as it would in-process. Measured after a burst
# of 300 bench-like commands: ~140 MiB resident 5 s after the last, ~160 MiB at once (G1 with -Xmx512m, as before:
# ~200 and ~300 MiB, and ~400 MiB at its peak).
# Native memory goes back too: two malloc arenas (MALLOC_ARENA_MAX, in the launcher) and, where this Java has it
# (17.0.9 and later), a trim of the C heap every second.
DAEMON_FLAGS="-XX:+UseSerialGC -Xms16m -Xmx512m -XX:NewRatio=3 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:-ShrinkHeapInSteps -Xshare:auto -Dfile.encoding=UTF-8"

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
    [ -x "$launcher" ] && grep -q "^$MARKER" "$launcher" 2>/dev/null && { "$launcher" daemon stop >/dev/null 2>&1 || true; }
    if [ -f "$launcher" ]; then
        if grep -q "^$MARKER" "$launcher" 2>/dev/null; then
            rm -f "$launcher"
            removed=1
        else
            say "install.sh: $launcher was not written by install.sh: left in place"
        fi
    fi
    if [ -d "$lib" ]; then
        rm -f "$lib/ir.jar" "$lib/ir-client.jar" "$lib/ir.jsa" "$lib/client.jsa" "$lib/ir.jsa.id" "$lib/training.log" \
            "$lib"/*.tmp
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
# A UTF-8 locale this machine has, for the launcher to run Java under when the caller's is not UTF-8 (LC_ALL=C,
# POSIX, none at all): Java decodes arguments, the environment and file names with the locale's character set, and
# under C it turns every non-ASCII character into U+FFFD. Chosen here, by asking this Java, so that the launcher
# itself forks nothing to find one.
utf8_locale=
for candidate in C.UTF-8 C.utf8 en_US.UTF-8 en_US.utf8 UTF-8; do
    case $(LC_ALL=$candidate "$java_home/bin/java" -XshowSettings:properties -version 2>&1 </dev/null) in
        *"sun.jnu.encoding = UTF-8"*) utf8_locale=$candidate; break ;;
    esac
done
[ -n "$utf8_locale" ] || say "install.sh: warning: this machine has no UTF-8 locale (such as C.UTF-8) that Java accepts: \
ir refuses non-ASCII arguments unless the caller's locale is UTF-8 (install one, e.g. Debian's locales package)"
if "$java_home/bin/java" -XX:TrimNativeHeapInterval=1000 -version >/dev/null 2>&1; then
    DAEMON_FLAGS="$DAEMON_FLAGS -XX:TrimNativeHeapInterval=1000"
fi

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
client_jar="$(dirname "$jar")/ir-client.jar"
if [ -f "$lib/ir.jar" ] && cmp -s "$jar" "$lib/ir.jar" \
        && { [ ! -f "$client_jar" ] || cmp -s "$client_jar" "$lib/ir-client.jar"; }; then
    jar_changed=0
else
    # A background process of the old jar would idle on until it times out: stop it (an older launcher without
    # 'ir daemon' just fails here, harmlessly).
    if [ -x "$launcher" ] && grep -q "^$MARKER" "$launcher" 2>/dev/null; then
        "$launcher" daemon stop >/dev/null 2>&1 </dev/null || true
    fi
    cp "$jar" "$lib/ir.jar.tmp" && mv -f "$lib/ir.jar.tmp" "$lib/ir.jar" || die "cannot write $lib/ir.jar"
    jar_changed=1
fi
if [ -f "$client_jar" ]; then
    if ! cmp -s "$client_jar" "$lib/ir-client.jar" 2>/dev/null; then
        cp "$client_jar" "$lib/ir-client.jar.tmp" && mv -f "$lib/ir-client.jar.tmp" "$lib/ir-client.jar" \
            || die "cannot write $lib/ir-client.jar"
    fi
else
    rm -f "$lib/ir-client.jar" "$lib/client.jsa"
    say "install.sh: no ir-client.jar beside $jar: every command will run in-process (slower to start)"
fi

# The launcher names the Java it was installed with, so the archives (which only that JVM can use) match.
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
cat >"$launcher.tmp" <<EOF || die "cannot write $launcher"
#!/bin/sh
$MARKER.
#
# Commands go first to a small client JVM (ir-client.jar, about a hello-world JVM), which hands the everyday ones
# (log, show, list, open with its arguments, ...) to ir's background process, one per user; when no process serves
# this jar yet, or it does not answer within 1.5 s, the command runs in-process (and one is started for the next
# commands). The client declines what needs this process (a prompt, an editor, standard input, a remote): that, and
# everything when IR_DAEMON=0, runs in-process: the installed jar with flags that make a one-shot command start fast,
# and the class data sharing archives install.sh built for this jar and this Java while they are still valid (newer
# than their jar, same Java build; otherwise without them: run install.sh again). IR_JAVA chooses another java (then
# in-process and without the archives). See 'ir daemon --help'.
lib=$(quote "$lib")
java_home=$(quote "$java_home")
flags='$JVM_FLAGS'
daemon_flags='$DAEMON_FLAGS'
utf8=$(quote "$utf8_locale")
java="\$java_home/bin/java"
# Java decodes arguments, the environment and file names with the locale's character set: under a locale that is not
# UTF-8 (C, POSIX, none) it would turn every non-ASCII character into U+FFFD. Such a caller's commands run under
# \$utf8 (a UTF-8 locale install.sh found here) for the character set only (LC_CTYPE), or for everything when LC_ALL
# overrides it. Matched in sh: finding the locale's real character set would cost a fork on every command.
if [ -n "\$utf8" ]; then
    case \${LC_ALL:-} in
        *[Uu][Tt][Ff]-8*|*[Uu][Tt][Ff]8*) ;;
        ?*) LC_ALL=\$utf8; export LC_ALL ;;
        *) case \${LC_CTYPE:-\${LANG:-}} in
               *[Uu][Tt][Ff]-8*|*[Uu][Tt][Ff]8*) ;;
               *) LC_CTYPE=\$utf8; export LC_CTYPE ;;
           esac ;;
    esac
fi
if [ -n "\${IR_JAVA:-}" ]; then
    exec "\$IR_JAVA" \$flags -jar "\$lib/ir.jar" "\$@"
fi
if [ ! -x "\$java" ]; then
    exec java \$flags -jar "\$lib/ir.jar" "\$@"
fi
archives=no
# test -nt is not in POSIX, but every sh that runs a JDK has it (dash, bash, busybox, ksh, BSD and macOS sh).
# shellcheck disable=SC3013
if [ "\$lib/ir.jsa" -nt "\$lib/ir.jar" ] && [ -r "\$lib/ir.jsa.id" ] && [ -r "\$java_home/release" ]; then
    IFS= read -r built <"\$lib/ir.jsa.id" || built=
    running=
    while IFS= read -r line; do
        case \$line in JAVA_RUNTIME_VERSION=*) running=\$line; break ;; esac
    done <"\$java_home/release"
    [ "\$built" = "\$java_home \$running" ] && archives=yes
fi
case \${IR_DAEMON:-1} in 0|no|off|false) daemon=no ;; *) daemon=yes ;; esac
if [ "\$daemon" = yes ] && [ "\$archives" = yes ] && [ -r "\$lib/ir-client.jar" ]; then
    # The client and the process it may start must find the same socket: the process runs from /.
    case \${IR_DAEMON_DIR:-} in ''|/*) ;; *) IR_DAEMON_DIR=\$PWD/\$IR_DAEMON_DIR; export IR_DAEMON_DIR ;; esac
    client_archive=
    # shellcheck disable=SC3013
    [ "\$lib/client.jsa" -nt "\$lib/ir-client.jar" ] && client_archive=-XX:SharedArchiveFile=\$lib/client.jsa
    # The client decides which commands the process may run (ir.daemon.Protocol), and declines the others.
    "\$java" \$flags \$client_archive -cp "\$lib/ir-client.jar" ir.daemon.Client "\$lib/ir.jar" "\$@"
    code=\$?
    case \$code in
        111) # none serves this jar: start one for the next commands (it exits when another won the race). It
             # serves every caller, whose time zone and locale come with each request: its own are the system's
             # zone (no TZ) and a locale that can name any file (UTF-8).
            if command -v setsid >/dev/null 2>&1; then detach='setsid'; else detach='nohup'; fi
            (cd / && unset TZ && LC_ALL=\${utf8:-C.UTF-8} MALLOC_ARENA_MAX=2 && export LC_ALL MALLOC_ARENA_MAX \\
                && exec \$detach "\$java" \$daemon_flags \\
                -XX:SharedArchiveFile="\$lib/ir.jsa" -cp "\$lib/ir.jar" ir.Daemon "\$lib/ir.jar" \\
                </dev/null >/dev/null 2>&1 &) ;;
        112) ;; # declined, or the process did not answer in time (the command did not run): run it here
        *) exit \$code ;;
    esac
fi
if [ "\$archives" = yes ]; then
    exec "\$java" \$flags -XX:SharedArchiveFile="\$lib/ir.jsa" -jar "\$lib/ir.jar" "\$@"
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
    rm -f "$lib/ir.jsa" "$lib/ir.jsa.id" "$lib/client.jsa"
    say "Skipped the start-up archives (IR_INSTALL_NO_CDS=1): every command runs in-process, without them."
elif [ "$jar_changed" = 0 ] && [ "$lib/ir.jsa" -nt "$lib/ir.jar" ] && [ -r "$lib/ir.jsa.id" ] \
        && [ "$(cat "$lib/ir.jsa.id")" = "$stamp" ] \
        && { [ ! -f "$lib/ir-client.jar" ] || [ "$lib/client.jsa" -nt "$lib/ir-client.jar" ]; }; then
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
        # The client's own archive, from its training run (a request to a stand-in process, one with none).
        rm -f "$lib/client.jsa" "$lib/client.jsa.tmp" "$lib/client.classlist.tmp"
        if [ -f "$lib/ir-client.jar" ]; then
            touch "$lib/ir-client.jar"
            # shellcheck disable=SC2086 # JVM_FLAGS is a list of flags
            if "$java_home/bin/java" $JVM_FLAGS -XX:DumpLoadedClassList="$lib/client.classlist.tmp" \
                    -cp "$lib/ir-client.jar" ir.daemon.Client --training >>"$lib/training.log" 2>&1 </dev/null \
                && "$java_home/bin/java" $JVM_FLAGS -Xshare:dump -XX:SharedClassListFile="$lib/client.classlist.tmp" \
                    -XX:SharedArchiveFile="$lib/client.jsa.tmp" -cp "$lib/ir-client.jar" >>"$lib/training.log" 2>&1 \
                    </dev/null \
                && [ -s "$lib/client.jsa.tmp" ]; then
                mv -f "$lib/client.jsa.tmp" "$lib/client.jsa"
            else
                say "install.sh: warning: could not build the client's start-up archive (see $lib/training.log)"
            fi
            rm -f "$lib/client.jsa.tmp" "$lib/client.classlist.tmp"
        fi
    else
        rm -f "$lib/ir.jsa.tmp" "$lib/ir.classlist.tmp"
        say "install.sh: warning: could not build the start-up archive (see $lib/training.log); ir works, but starts more slowly"
    fi
fi

version=$(IR_DAEMON=0 "$launcher" --version 2>/dev/null) || die "the installed launcher does not run: try '$launcher --version'"
say "Installed $version: $launcher (Java $spec from $java_home)."
case ":${PATH:-}:" in
    *":$bin:"*) ;;
    *) say "Note: $bin is not on your PATH. Add it, e.g. in ~/.profile:  export PATH=\"$bin:\$PATH\"" ;;
esac
