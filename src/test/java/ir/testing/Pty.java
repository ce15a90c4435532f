package ir.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

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
}
