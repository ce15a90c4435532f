package ir.cli;

import ir.env.Env;
import ir.testing.FileIntake;
import picocli.CommandLine;

/**
 * {@code ir serve} exactly as the packaged jar runs it, recording through the test intake ({@link FileIntake}): the
 * end-to-end crash test checks the receiver's guarantee (every acknowledged payload is recorded) against the
 * intake's contract alone, whatever the real intake makes of a payload. Run with the jar and the test classes on
 * the class path.
 */
public final class ServeWithTestIntake {
    private ServeWithTestIntake() {
    }

    public static void main(String[] args) {
        Env env = Env.system();
        CommandLine cl = Cli.commandLine(env, "serve");
        ((ServeCommand) cl.getSubcommands().get("serve").getCommand()).intakes = FileIntake::new;
        int code = cl.execute(args);
        env.out().flush();
        env.err().flush();
        System.exit(code);
    }
}
