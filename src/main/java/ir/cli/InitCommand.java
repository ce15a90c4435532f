package ir.cli;

import ir.env.Env;
import ir.render.BuiltinTemplates;
import ir.store.GitIncidentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** {@code ir init}: creates a workspace. */
@Command(name = "init", description = {"Create an ir workspace: ir.yaml, incidents/ and templates/, committed to git.",
        "Runs 'git init' first when DIR is not in a git work tree. On an existing workspace it changes nothing."},
        footer = {"", "Example:", "  ir init incident-response && cd incident-response"})
public final class InitCommand extends IrCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Where (default: the current directory).")
    Path dir;

    @Override
    protected int run() {
        Env env = env();
        Path base = root().directory == null ? env.cwd() : env.cwd().resolve(root().directory);
        Path target = dir == null ? base : base.resolve(dir);
        var result = GitIncidentStore.init(target, BuiltinTemplates.all(), session());
        // The merge driver lives in this clone's own git config (never in repository content).
        GitIncidentStore.registerMergeDriver(result.root(), SyncCommand.mergeDriver(env), this::warn);
        if (!result.created()) {
            info(result.root() + " is already an ir workspace: nothing changed");
        } else {
            info("Created an ir workspace in " + result.root() + (result.gitInitialised() ? " (new git repository)"
                    : "") + ". Next: ir open \"What is broken\" --severity SEV-2");
        }
        return 0;
    }
}
