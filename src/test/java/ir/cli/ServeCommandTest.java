package ir.cli;

import ir.store.UserConfig;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ir serve}'s refusals before it listens, and where its secrets come from. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @TempDir
    Path home;

    @Test
    void listeningBeyondLoopbackWithoutATokenIsRefusedAndChangesNothing() {
        IrTester ir = IrTester.workspace(dir).env("HOME", home.toString());
        ir.assertRefused(2, "ir: listening on 0.0.0.0:9095 lets other machines post alerts, so it needs a bearer "
                + "token", "serve", "--listen", "0.0.0.0:9095");
        assertThat(Files.exists(dir.resolve(".git/ir/inbox"))).isFalse();
    }

    @Test
    void aMalformedListenAddressIsAUsageError() {
        IrTester ir = IrTester.workspace(dir).env("HOME", home.toString());
        ir.assertRefused(2, "ir: --listen '9095' is not ADDR:PORT", "serve", "--listen", "9095");
        ir.assertRefused(2, "ir: --listen '127.0.0.1:99999' is not ADDR:PORT", "serve", "--listen",
                "127.0.0.1:99999");
    }

    @Test
    void aConfigFileOthersMayReadIsRefused() throws Exception {
        Path config = writeConfig("serve: {token: \"from-file\"}\n", "rw-r--r--");
        IrTester ir = IrTester.workspace(dir).env("HOME", home.toString());
        ir.assertRefused(2, "ir: " + config + " holds secrets but others may read or change it: run 'chmod 600",
                "serve", "--listen", "0.0.0.0:9095");
    }

    @Test
    void aTokenFileOthersMayReadIsRefused() throws Exception {
        Path token = home.resolve("token");
        Files.writeString(token, "abc\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-rw-r--"));
        IrTester ir = IrTester.workspace(dir).env("HOME", home.toString());
        ir.assertRefused(2, "ir: " + token + " holds secrets", "serve", "--token-file", token.toString());
    }

    @Test
    void secretsComeFromTheUserConfigAndTheEnvironmentWins() throws Exception {
        writeConfig("serve:\n  token: \"file-token\"\n  pagerduty_secret: \"file-secret\"\n", "rw-------");
        Map<String, String> env = Map.of("HOME", home.toString());
        UserConfig.ServeSecrets s = UserConfig.serveSecrets(env);
        assertThat(s.token()).isEqualTo("file-token");
        assertThat(s.pagerdutySecret()).isEqualTo("file-secret");
        s = UserConfig.serveSecrets(Map.of("HOME", home.toString(), "IR_SERVE_TOKEN", "env-token"));
        assertThat(s.token()).isEqualTo("env-token");
        assertThat(s.pagerdutySecret()).isEqualTo("file-secret");
        assertThat(s.toString()).doesNotContain("env-token").doesNotContain("file-secret");
    }

    @Test
    void xdgConfigHomeIsWhereTheConfigIs() throws Exception {
        Path xdg = home.resolve("xdg");
        Files.createDirectories(xdg.resolve("ir"));
        Path f = xdg.resolve("ir/config.yaml");
        Files.writeString(f, "serve: {token: xdg}\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertThat(UserConfig.serveSecrets(Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", xdg.toString()))
                .token()).isEqualTo("xdg");
    }

    @Test
    void aConfigWithAnAliasOrANonStringSecretIsRefused() throws Exception {
        writeConfig("a: &x {token: t}\nserve: *x\n", "rw-------");
        assertThatThrownBy(() -> UserConfig.serveSecrets(Map.of("HOME", home.toString())))
                .hasMessageContaining("anchor or alias");
        writeConfig("serve: {token: [1, 2]}\n", "rw-------");
        assertThatThrownBy(() -> UserConfig.serveSecrets(Map.of("HOME", home.toString())))
                .hasMessageContaining("serve.token must be a quoted string");
    }

    @Test
    void ir_yamlIsNeverASourceOfSecrets() throws Exception {
        IrTester ir = IrTester.workspace(dir).env("HOME", home.toString());
        Files.writeString(dir.resolve("ir.yaml"), Files.readString(dir.resolve("ir.yaml"))
                + "serve: {token: \"in-the-repository\"}\n");
        ir.assertRefused(2, "ir: listening on 0.0.0.0:9095 lets other machines post alerts, so it needs a bearer "
                + "token", "serve", "--listen", "0.0.0.0:9095");
    }

    private Path writeConfig(String text, String mode) throws Exception {
        Path f = home.resolve(".config/ir/config.yaml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }
}
