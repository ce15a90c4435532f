package ir;

import ir.cli.Cli;
import ir.env.Env;

/** The {@code ir} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Cli.run(Env.system(), args));
    }
}
