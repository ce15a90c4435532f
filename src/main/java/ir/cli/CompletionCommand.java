package ir.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ir completion bash|zsh}: prints the shell completion script, generated from ir's own commands. */
@Command(name = "completion", description = {"Print the TAB-completion script for bash or zsh.",
        "It completes commands, subcommands and options, and values from the workspace you are in: incident IDs "
                + "(after -i and for 'ir use'), severities, roles, statuses and milestones, read when you press TAB. "
                + "It never writes or asks anything.",
        "Enable it in bash with 'eval \"$(ir completion bash)\"' in ~/.bashrc (install.sh also installs it where "
                + "the bash-completion package loads it by itself), in zsh with 'eval \"$(ir completion zsh)\"' in "
                + "~/.zshrc, after compinit."},
        footer = {"", "Examples:", "  eval \"$(ir completion bash)\"",
                "  ir completion bash > ~/.local/share/bash-completion/completions/ir"})
public final class CompletionCommand extends IrCommand {
    /** The shells a script is made for. */
    public enum Shell { bash, zsh }

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    protected int run() {
        CompletionScript script = new CompletionScript(spec.root().commandLine());
        out().print(shell == Shell.bash ? script.bash() : script.zsh());
        return 0;
    }
}
