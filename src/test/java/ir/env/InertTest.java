package ir.env;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InertTest {
    static final String HOSTILE = "a\u001b]52;c;eA==\u0007b\u001b[2J\r\b\u007f\u009b1m\u202ex\u2066\ty\n";

    @Test
    void controlsAreShownAsCaretOrQuestionMarkAndTextIsKept() {
        assertThat(Inert.text(HOSTILE)).isEqualTo("a^[]52;c;eA==^Gb^[[2J^M^H^??1m?x?\ty\n");
        String plain = "héllo, 世界 😀\n\tend";
        assertThat(Inert.text(plain)).isSameAs(plain);
    }

    @Test
    void everyWayOfWritingToAnEnvStreamIsFiltered() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Env env = new Env(new PrintWriter(out), new PrintWriter(err), null, Clock.systemUTC(), Path.of("."),
                Map.of(), false);
        PrintWriter o = env.out();
        o.print(HOSTILE);
        o.println(HOSTILE.toCharArray());
        o.print('\u001b');
        o.write('\u009b');
        o.write(HOSTILE, 1, 4);
        o.printf("%s|%n", "\u0007");
        o.append("\u001b[1A");
        o.flush();
        env.err().println("ir: bad value '\u001b]0;t\u0007'");
        env.err().flush();
        String inert = "a^[]52;c;eA==^Gb^[[2J^M^H^??1m?x?\ty\n";
        assertThat(out.toString()).isEqualTo(inert + inert + "\n" + "^[" + "?" + "^[]52" + "^G|\n" + "^[[1A");
        assertThat(err.toString()).isEqualTo("ir: bad value '^[]0;t^G'\n");
        assertThat(env.withBackends(env.backends()).out()).isSameAs(env.out());
    }

    @Test
    void aLineFlushesExactlyWhenTheWrappedWriterWould() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintWriter autoFlush = Inert.printWriter(new PrintWriter(
                new java.io.OutputStreamWriter(bytes, StandardCharsets.UTF_8), true));
        autoFlush.println("line\u001b");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("line^[\n");
        autoFlush.printf("x%s", "\u0007");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("line^[\nx^G");

        ByteArrayOutputStream later = new ByteArrayOutputStream();
        PrintWriter buffered = Inert.printWriter(new PrintWriter(
                new java.io.OutputStreamWriter(later, StandardCharsets.UTF_8), false));
        buffered.println("line");
        assertThat(later.size()).isZero();
        buffered.flush();
        assertThat(later.toString(StandardCharsets.UTF_8)).isEqualTo("line\n");
    }
}
