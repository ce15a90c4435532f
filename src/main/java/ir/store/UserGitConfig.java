package ir.store;

import org.eclipse.jgit.attributes.AttributesNodeProvider;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectDatabase;
import org.eclipse.jgit.lib.RefDatabase;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The git config files that git itself reads for an environment, lowest precedence first: the system file (unless
 * {@code GIT_CONFIG_NOSYSTEM}), then {@code $XDG_CONFIG_HOME/git/config} (default {@code $HOME/.config/git/config})
 * and {@code $HOME/.gitconfig}, or instead of those two the one file {@code GIT_CONFIG_GLOBAL} names. {@code HOME} is
 * the environment's, never the password database's home; {@code ~/} in an {@code include.path} means it too.
 * <p>
 * The system file is {@code GIT_CONFIG_SYSTEM}, else {@code /etc/gitconfig}, where the git of Linux distributions and
 * of most packagers keeps it. A git built with another prefix keeps it elsewhere; ir does not run {@code git} to ask,
 * which would cost more than an {@code ir log}.
 * <p>
 * A file that cannot be read or parsed is left out with a problem to report: git would refuse to run, but ir must
 * still log during an incident.
 */
final class UserGitConfig {
    /** Where git keeps its system config when installed with the prefix {@code /usr}. */
    static final Path SYSTEM_FILE = Path.of("/etc/gitconfig");

    private final List<FileBasedConfig> files;
    private final Config config;
    private final FS fs;
    private final List<String> problems;

    private UserGitConfig(List<FileBasedConfig> files, Config config, FS fs, List<String> problems) {
        this.files = files;
        this.config = config;
        this.fs = fs;
        this.problems = problems;
    }

    /** The files git would read for {@code env}, lowest precedence first; each may be missing. */
    static List<Path> paths(Map<String, String> env) {
        List<Path> out = new ArrayList<>(3);
        if (!gitTrue(env.get("GIT_CONFIG_NOSYSTEM"))) {
            String system = env.get("GIT_CONFIG_SYSTEM");
            if (system == null) {
                out.add(SYSTEM_FILE);
            } else if (!system.isEmpty()) {
                out.add(Path.of(system));
            }
        }
        String global = env.get("GIT_CONFIG_GLOBAL");
        if (global != null) {
            // as git: this one file instead of both; empty means none (as /dev/null does)
            if (!global.isEmpty()) {
                out.add(Path.of(global));
            }
            return out;
        }
        String home = nonEmpty(env.get("HOME"));
        String xdg = nonEmpty(env.get("XDG_CONFIG_HOME"));
        if (xdg != null) {
            out.add(Path.of(xdg, "git", "config"));
        } else if (home != null) {
            out.add(Path.of(home, ".config", "git", "config"));
        }
        if (home != null) {
            out.add(Path.of(home, ".gitconfig"));
        }
        return out;
    }

    /** Reads the files of {@link #paths}, each over the ones before it. */
    static UserGitConfig load(Map<String, String> env) {
        String home = nonEmpty(env.get("HOME"));
        FS fs = FS.DETECTED.newInstance().setUserHome(home == null ? null : new File(home));
        List<FileBasedConfig> files = new ArrayList<>(3);
        List<String> problems = new ArrayList<>(0);
        Config chain = null;
        for (Path p : paths(env)) {
            FileBasedConfig c = new EnvConfig(chain, p.toFile(), fs);
            load(c, problems);
            files.add(c);
            chain = c;
        }
        return new UserGitConfig(List.copyOf(files), chain == null ? new Config() : chain, fs, List.copyOf(problems));
    }

    /** The user's settings: the last file, with those before it as its base. */
    Config config() {
        return config;
    }

    /** What could not be read, one line each (the file was left out). */
    List<String> problems() {
        return problems;
    }

    /** True when one of the files changed (or appeared, or went away) since it was read. */
    boolean isOutdated() {
        for (FileBasedConfig f : files) {
            if (f.isOutdated()) {
                return true;
            }
        }
        return false;
    }

    /** The repository's own config file read over these settings: what git reads in that repository. */
    FileBasedConfig over(Repository repo) {
        FileBasedConfig c = new EnvConfig(config, configFile(repo), fs);
        List<String> ignored = new ArrayList<>(0);
        load(c, ignored);
        return c;
    }

    /**
     * {@code repo} as a transport ({@code ir sync}'s fetch and push) must see it: its own objects and refs, and its
     * config over these settings, so that {@code url.<base>.insteadOf} and {@code http.*} in the user's config work
     * as with {@code git fetch}. Closing it leaves {@code repo} open.
     */
    Repository transportView(Repository repo) {
        return new ConfigView(repo, this);
    }

    private static File configFile(Repository repo) {
        StoredConfig own = repo.getConfig();
        return own instanceof FileBasedConfig f ? f.getFile() : new File(repo.getCommonDirectory(), Constants.CONFIG);
    }

    private static void load(FileBasedConfig c, List<String> problems) {
        try {
            c.load();
        } catch (IOException | ConfigInvalidException e) {
            Throwable cause = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
            problems.add("ignoring git config " + c.getFile() + ": " + cause.getMessage());
        }
    }

    /** git's boolean for an environment variable: unset or empty, {@code 0}, false, no, off are false. */
    static boolean gitTrue(String v) {
        if (v == null) {
            return false;
        }
        String s = v.strip().toLowerCase(Locale.ROOT);
        return !(s.isEmpty() || s.equals("0") || s.equals("false") || s.equals("no") || s.equals("off"));
    }

    private static String nonEmpty(String v) {
        return v == null || v.isEmpty() ? null : v;
    }

    /** A config file whose {@code ~/} includes resolve in the environment's {@code HOME}, and nowhere without one. */
    private static final class EnvConfig extends FileBasedConfig {
        private final FS fs;

        EnvConfig(Config base, File file, FS fs) {
            super(base, file, fs);
            this.fs = fs;
        }

        @Override
        protected byte[] readIncludedConfig(String relPath) throws ConfigInvalidException {
            if (relPath.startsWith("~/") && fs.userHome() == null) {
                return null;
            }
            return super.readIncludedConfig(relPath);
        }
    }

    /** A repository's objects and refs (shared, never closed here) with its config read over the user's. */
    private static final class ConfigView extends Repository {
        private final Repository repo;
        private final UserGitConfig user;
        private FileBasedConfig config;

        ConfigView(Repository repo, UserGitConfig user) {
            super(builder(repo));
            this.repo = repo;
            this.user = user;
        }

        private static FileRepositoryBuilder builder(Repository repo) {
            FileRepositoryBuilder b = new FileRepositoryBuilder().setGitDir(repo.getDirectory())
                    .setGitCommonDir(repo.getCommonDirectory()).setFS(repo.getFS());
            if (!repo.isBare()) {
                b.setWorkTree(repo.getWorkTree()).setIndexFile(repo.getIndexFile());
            }
            return b;
        }

        @Override
        public synchronized FileBasedConfig getConfig() {
            if (config == null || config.isOutdated()) {
                config = user.over(repo);
            }
            return config;
        }

        @Override
        public void create(boolean bare) {
            throw new UnsupportedOperationException("the repository exists");
        }

        @Override
        public String getIdentifier() {
            return repo.getIdentifier();
        }

        @Override
        public ObjectDatabase getObjectDatabase() {
            return repo.getObjectDatabase();
        }

        @Override
        public RefDatabase getRefDatabase() {
            return repo.getRefDatabase();
        }

        @Override
        public AttributesNodeProvider createAttributesNodeProvider() {
            return repo.createAttributesNodeProvider();
        }

        @Override
        public void scanForRepoChanges() throws IOException {
            repo.scanForRepoChanges();
        }

        @Override
        public void notifyIndexChanged(boolean internal) {
            repo.notifyIndexChanged(internal);
        }

        @Override
        protected void doClose() {
            // the databases are the repository's, which stays open
        }
    }
}
