package ir.cli;

import ir.testing.Fixtures;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class PostmortemSmokeTest {
    @Test
    void smoke(@TempDir Path dir) throws Exception {
        IrTester t = IrTester.workspace(dir).at("2026-11-28T17:00:00Z");
        Fixtures.write(t, Fixtures.REENACTED, Fixtures.reenactedYaml());
        var r = t.run("postmortem", "--stdout");
        System.out.println(r);
        r = t.run("postmortem", "--template", "update", "--stdout");
        System.out.println(r);
        r = t.run("postmortem");
        System.out.println(r);
        System.out.println(t.read("incidents/" + Fixtures.REENACTED + ".yaml"));
        r = t.run("postmortem", "--check");
        System.out.println(r);
    }
}
