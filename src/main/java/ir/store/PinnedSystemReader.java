package ir.store;

import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

import java.io.IOException;

/**
 * Keeps JGit from reading any user or system git config by itself, as JGit's own tests pin theirs with
 * {@code MockSystemReader}: JGit would read the password database's home ({@code user.home}), never the {@code HOME}
 * of the environment a command runs in, ignore {@code GIT_CONFIG_GLOBAL}, and fork {@code git} to find the system
 * file. ir reads the files git would read itself, from the command's environment ({@link UserGitConfig}).
 * <p>
 * Installed once, before the first repository is opened; the configs it gives are empty and stay empty. JGit's own
 * file ({@code ~/.config/jgit/config}) stays JGit's: it holds no identity, only what JGit measured of the file system
 * (timestamp resolution), which every process would otherwise measure again at a cost to start-up.
 */
public final class PinnedSystemReader extends SystemReader.Delegate {
    static {
        SystemReader.setInstance(new PinnedSystemReader(SystemReader.getInstance()));
    }

    private PinnedSystemReader(SystemReader delegate) {
        super(delegate);
    }

    /** Makes sure JGit is pinned (for code, such as tests, that uses JGit before the store does). */
    public static void install() {
        // the static initialiser did it
    }

    @Override
    public FileBasedConfig openUserConfig(Config parent, FS fs) {
        return new Empty(parent, fs);
    }

    @Override
    public FileBasedConfig openSystemConfig(Config parent, FS fs) {
        return new Empty(parent, fs);
    }

    /** A config with no file that loads nothing, is never outdated and refuses to be saved or changed. */
    private static final class Empty extends FileBasedConfig {
        Empty(Config parent, FS fs) {
            super(parent, null, fs);
        }

        @Override
        public void load() {
            // nothing to read
        }

        @Override
        public boolean isOutdated() {
            return false;
        }

        @Override
        public void save() throws IOException {
            throw new IOException("ir never writes git's user or system config");
        }

        @Override
        public void setStringList(String section, String subsection, String name, java.util.List<String> values) {
            throw new UnsupportedOperationException("ir never changes git's user or system config");
        }

        @Override
        public void fromText(String text) {
            throw new UnsupportedOperationException("ir never changes git's user or system config");
        }

        @Override
        public void unsetSection(String section, String subsection) {
            throw new UnsupportedOperationException("ir never changes git's user or system config");
        }
    }
}
