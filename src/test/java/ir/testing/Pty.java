package ir.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Reading what a program in a pseudo-terminal (util-linux {@code script}) shows, as it comes. */
public final class Pty {
    private Pty() {
    }

    /** Appends everything {@code in} gives to {@code into}, as UTF-8, on a thread of its own until it ends. */
    public static void collect(InputStream in, StringBuffer into) {
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    into.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "pty-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * {@code ir shell} in the workspace {@code dir}, run from this test's classes in a 160x40 pseudo-terminal made by
     * util-linux {@code script}, as {@code author}; its output (stdout and stderr) is the process's input stream.
     */
    public static Process shell(Path dir, String author) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "stty cols 160 rows 40; exec '" + java + "' -cp '" + System.getProperty("java.class.path")
                + "' ir.Main -C '" + dir + "' shell";
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", command, "/dev/null");
        pb.environment().put("IR_AUTHOR", author);
        pb.environment().put("TERM", "xterm");
        pb.environment().remove("IR_DIR");
        pb.redirectErrorStream(true);
        return pb.start();
    }
}
