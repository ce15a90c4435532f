package ir.term;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a shell command line into words like a forgiving POSIX shell: whitespace separates words, and a word that
 * starts with a quote and has its closing quote runs to that quote ({@code "Bob <bob@example.com>"}). A lone
 * apostrophe is just a character, so {@code /log don't restart} keeps it. No other escapes.
 */
final class Words {
    private Words() {
    }

    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            char c = line.charAt(i);
            if (c == '"' || c == '\'') {
                int close = closingQuote(line, i);
                if (close > 0) {
                    words.add(line.substring(i + 1, close));
                    i = close + 1;
                    continue;
                }
            }
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            words.add(line.substring(start, i));
        }
        return words;
    }

    /** The index of the quote that closes the one at {@code open} and ends a word, or -1. */
    private static int closingQuote(String line, int open) {
        char q = line.charAt(open);
        for (int j = open + 1; j < line.length(); j++) {
            if (line.charAt(j) == q && (j + 1 == line.length() || Character.isWhitespace(line.charAt(j + 1)))) {
                return j;
            }
        }
        return -1;
    }
}
