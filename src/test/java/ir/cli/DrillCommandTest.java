package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

class DrillCommandTest {
    @TempDir
    Path dir;

    @Test
    void initShipsThreeScenariosThatPassCheck() {
        IrTester ir = IrTester.workspace(dir);
        IrTester.Result r = ir.run("drill", "check", "drills/bad-deploy.yaml", "drills/database-failover.yaml",
                "drills/third-party-outage.yaml");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(ok(ir.run("drill", "list")).out()).contains("bad-deploy", "database-failover",
                "third-party-outage");
    }
}
