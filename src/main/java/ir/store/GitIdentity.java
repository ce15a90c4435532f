package ir.store;

import ir.model.IrException;
import ir.model.Person;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileBasedConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Who a command's commits are by: {@code --as} or {@code IR_AUTHOR} (both author and committer), else what
 * {@code git commit} would use in the same environment and repository:
 * <ul>
 *   <li>the author's name: {@code GIT_AUTHOR_NAME}, else {@code author.name}, else {@code user.name};</li>
 *   <li>the author's email: {@code GIT_AUTHOR_EMAIL}, else {@code author.email}, else {@code user.email}, else
 *       {@code EMAIL};</li>
 *   <li>the committer the same with {@code GIT_COMMITTER_*} and {@code committer.*};</li>
 *   <li>config keys from the repository's config over the user's and the system's ({@link UserGitConfig});</li>
 *   <li>with no name, the OS user name; with no email, {@code user@host}; and a warning, as ir never refuses to log
 *       during an incident (git would refuse to commit, or commit with a made-up address).</li>
 * </ul>
 * Names and emails are cleaned as git cleans them. One instance per backend remembers its last answer until the
 * environment's identity variables or one of the config files change.
 */
final class GitIdentity {
    /** The environment variables the answer depends on. */
    private static final List<String> VARIABLES = List.of("HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL",
            "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
            "GIT_COMMITTER_EMAIL", "EMAIL");

    /** A name and an email, written as git writes them: {@code Name <email>}. */
    record Ident(String name, String email) {
        PersonIdent at(Instant when, ZoneId zone) {
            return new PersonIdent(name, email, when, zone);
        }

        @Override
        public String toString() {
            return name + " <" + email + ">";
        }
    }

    /** The author and committer of the commits, and what to warn about once (a guessed identity, a bad file). */
    record Resolved(Ident author, Ident committer, List<String> warnings) {
    }

    private record Memo(Map<String, String> variables, UserGitConfig user, FileBasedConfig repoConfig,
                        Resolved resolved) {
        boolean current(Map<String, String> vars) {
            return variables.equals(vars) && !user.isOutdated() && !repoConfig.isOutdated();
        }
    }

    private final Supplier<String> osUser;
    private final Supplier<String> host;
    private Memo memo;

    /** Falls back to this process's OS user and host name. */
    GitIdentity() {
        this(() -> System.getProperty("user.name", "unknown"), new Supplier<>() {
            private String name;

            @Override
            public synchronized String get() {
                // looked up once, and only when needed: it may ask DNS
                if (name == null) {
                    name = hostName();
                }
                return name;
            }
        });
    }

    GitIdentity(Supplier<String> osUser, Supplier<String> host) {
        this.osUser = osUser;
        this.host = host;
    }

    /**
     * The identity for a command.
     *
     * @param env      the command's environment (the caller's, in the background process)
     * @param override {@code --as} or {@code IR_AUTHOR}, or null; must be a valid {@code Name <email>}
     * @param repo     the repository whose config counts, opened only when there is no override
     */
    synchronized Resolved resolve(Map<String, String> env, String override, Supplier<Repository> repo) {
        if (override != null) {
            String problem = Person.problem(override);
            if (problem != null && !Person.informal(override)) {
                throw IrException.usage("the identity to act as " + problem + ": give it as \"Name <email>\", "
                        + "e.g. \"Alice Smith <alice@example.com>\"");
            }
            String[] p = problem == null ? Person.parts(override) : Person.informalParts(override);
            Ident who = new Ident(p[0], p[1]);
            return new Resolved(who, who, List.of());
        }
        Map<String, String> vars = new HashMap<>();
        for (String v : VARIABLES) {
            if (env.get(v) != null) {
                vars.put(v, env.get(v));
            }
        }
        Memo m = memo;
        if (m != null && m.current(vars)) {
            return m.resolved;
        }
        UserGitConfig user = UserGitConfig.load(vars);
        FileBasedConfig repoConfig = user.over(repo.get());
        Resolved r = resolve(vars, repoConfig, user.problems());
        memo = new Memo(Map.copyOf(vars), user, repoConfig, r);
        return r;
    }

    /** git's answer from {@code env} and {@code config} (the repository's over the user's and the system's). */
    Resolved resolve(Map<String, String> env, Config config, List<String> problems) {
        List<String> warnings = new ArrayList<>(problems);
        List<String> guessed = new ArrayList<>(2);
        Ident author = ident(env, config, "AUTHOR", guessed);
        Ident committer = ident(env, config, "COMMITTER", guessed);
        if (!guessed.isEmpty()) {
            List<String> keys = guessed.stream().distinct().map(k -> "user." + k).toList();
            warnings.add("no git " + String.join(" or ", keys) + " configured: logging as " + author + " (set "
                    + String.join(" and ", keys) + " with 'git config --global', or IR_AUTHOR or --as "
                    + "\"Name <email>\")");
        }
        return new Resolved(author, committer, List.copyOf(warnings));
    }

    private Ident ident(Map<String, String> env, Config config, String whose, List<String> guessed) {
        String section = whose.toLowerCase(java.util.Locale.ROOT);
        String name = first(env.get("GIT_" + whose + "_NAME"), config.getString(section, null, "name"),
                config.getString("user", null, "name"));
        String email = first(env.get("GIT_" + whose + "_EMAIL"), config.getString(section, null, "email"),
                config.getString("user", null, "email"), env.get("EMAIL"));
        if (name == null) {
            name = clean(osUser.get());
            name = name == null ? "unknown" : name;
            guessed.add("name");
        }
        if (email == null) {
            String user = clean(osUser.get());
            String at = clean(host.get());
            email = (user == null ? "unknown" : user) + "@" + (at == null ? "localhost" : at);
            guessed.add("email");
        }
        return new Ident(name, email);
    }

    /** The first value that is something once cleaned, cleaned. */
    private static String first(String... values) {
        for (String v : values) {
            String c = clean(v);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    /**
     * As git cleans a name or email: no leading or trailing blanks and punctuation ({@code . , : ; < > " \ '}),
     * no {@code <}, {@code >} or control characters inside; null when nothing is left.
     */
    static String clean(String v) {
        if (v == null) {
            return null;
        }
        int from = 0;
        int to = v.length();
        while (from < to && crud(v.charAt(from))) {
            from++;
        }
        while (to > from && crud(v.charAt(to - 1))) {
            to--;
        }
        StringBuilder b = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = v.charAt(i);
            if (c != '<' && c != '>' && !Character.isISOControl(c)) {
                b.append(c);
            }
        }
        return b.isEmpty() ? null : b.toString();
    }

    private static boolean crud(char c) {
        return c <= ' ' || ".,:;<>\"\\'".indexOf(c) >= 0;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
