package ir;

import ir.cli.Cli;
import ir.env.Env;
import ir.model.ExitCode;

/** The {@code ir} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Env env = Env.system();
        String lost = Env.lostInDecoding(args, env.cwd());
        if (lost != null) {
            env.err().println("ir: " + lost);
            System.exit(ExitCode.USAGE.code());
        }
        System.exit(Cli.run(env, args));
    }
}
