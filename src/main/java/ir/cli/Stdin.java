package ir.cli;

import ir.model.ExitCode;
import ir.model.IrException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads text a user pipes in for {@code -}: bounded, with the final newline removed and inner lines kept. */
final class Stdin {
    private Stdin() {
    }

    static String read(InputStream in, int maxChars) {
        try {
            byte[] b = in.readNBytes(maxChars * 4 + 1);
            if (b.length > maxChars * 4) {
                throw IrException.usage("standard input is longer than " + maxChars + " characters: link to long "
                        + "output instead of pasting it");
            }
            String s = new String(b, StandardCharsets.UTF_8).replace("\r\n", "\n");
            return s.stripTrailing().replaceAll("^\\n+", "");
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read standard input: " + e.getMessage(), e);
        }
    }
}
