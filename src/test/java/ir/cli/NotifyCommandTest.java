package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.testing.FakeService;
import ir.testing.FakeService.Answer;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notifications end to end: the real CLI, a real outbox, and a real local HTTP server standing in for each service.
 */
class NotifyCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "2026-11-28-checkout-errors";

    @TempDir
    Path dir;

    private IrTester workspace(String channels) throws Exception {
        IrTester ir = IrTester.workspace(dir);
        Files.writeString(dir.resolve("ir.yaml"), "\nchannels:\n" + channels, StandardOpenOption.APPEND);
        return ir;
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    /** Runs a command and checks it succeeded. */
    private static IrTester.Result ok(IrTester ir, String... args) {
        IrTester.Result r = ir.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    /** The outbox as ir notify --json shows it (this runs a delivery too, which is what a next command does). */
    private static JsonNode outbox(IrTester ir) throws Exception {
        return json(ok(ir, "notify", "--json").out());
    }

    /** Waits until the outbox has no message in state 'sending' (a delivery thread still at work). */
    private static JsonNode settled(IrTester ir) throws Exception {
        for (int k = 0; k < 200; k++) {
            JsonNode o = outbox(ir);
            boolean busy = false;
            for (JsonNode m : o) {
                busy |= m.path("state").asText().equals("sending");
            }
            if (!busy) {
                return o;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("a message stayed 'sending'");
    }

    @Test
    void slackGetsTextAndBlocksAsItsIncomingWebhooksDocument() throws Exception {
        IrTester ir = workspace("  incidents: {kind: slack, events: [declared, status, resolved]}\n");
        try (FakeService slack = FakeService.start()) {
            ir.env("IR_CHANNEL_INCIDENTS_URL", slack.url("/services/T000/B000/XXXX"));
            ok(ir, "open", "Checkout errors", "-s", "SEV-1", "--commander", "alice");
            List<FakeService.Request> got = slack.awaitRequests(1);
            assertThat(got).hasSize(1);
            assertThat(got.get(0).method()).isEqualTo("POST");
            assertThat(got.get(0).pathAndQuery()).isEqualTo("/services/T000/B000/XXXX");
            assertThat(got.get(0).contentType()).isEqualTo("application/json");
            assertThat(got.get(0).body()).isEqualTo("""
                    {"text":"[SEV-1] %1$s Checkout errors: Investigating (IC: alice). Declared SEV-1: Checkout errors",\
                    "blocks":[{"type":"header","text":{"type":"plain_text","text":"SEV-1 · %1$s · Checkout errors"}},\
                    {"type":"section","fields":[{"type":"mrkdwn","text":"*Status:*\\nInvestigating"},\
                    {"type":"mrkdwn","text":"*IC:*\\nalice"}]},\
                    {"type":"section","text":{"type":"mrkdwn","text":"Declared SEV-1: Checkout errors"}},\
                    {"type":"context","elements":[{"type":"mrkdwn","text":"sent by `ir`"}]}]}""".formatted(ID));
            ok(ir, "status", "identified", "bad deploy <@U123> & rollback");
            got = slack.awaitRequests(2);
            JsonNode status = json(got.get(1).body());
            // Slack's three control characters are escaped, so a text cannot mention or link anyone.
            assertThat(status.path("text").asText()).isEqualTo("[SEV-1] " + ID + " Checkout errors: Identified "
                    + "(IC: alice). bad deploy &lt;@U123&gt; &amp; rollback");
            assertThat(settled(ir)).allSatisfy(m -> assertThat(m.path("state").asText()).isEqualTo("delivered"));
            assertThat(slack.requests()).hasSize(2);
        }
    }

    @Test
    void teamsGetsAnAdaptiveCardAttachment() throws Exception {
        IrTester ir = workspace("  execs: {kind: teams, events: [declared]}\n");
        try (FakeService teams = FakeService.start().answer(new Answer(202, ""))) {
            ir.env("IR_CHANNEL_EXECS_URL", teams.url("/workflows/abc"));
            ok(ir, "open", "Checkout errors", "-s", "SEV-1", "--commander", "alice");
            assertThat(json(teams.awaitRequests(1).get(0).body())).isEqualTo(json("""
                    {"type": "message",
                     "attachments": [{
                       "contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": null,
                       "content": {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                         "type": "AdaptiveCard", "version": "1.2",
                         "body": [
                           {"type": "TextBlock", "size": "Large", "weight": "Bolder",
                            "text": "SEV-1 · %1$s · Checkout errors"},
                           {"type": "FactSet", "facts": [{"title": "Status", "value": "Investigating"},
                                                         {"title": "IC", "value": "alice"}]},
                           {"type": "TextBlock", "wrap": true, "text": "Declared SEV-1: Checkout errors"}]}}]}
                    """.formatted(ID)));
            JsonNode m = settled(ir).get(0);
            assertThat(m.path("state").asText()).isEqualTo("delivered");
            assertThat(m.path("status").asInt()).isEqualTo(202);
        }
    }

    @Test
    void googleChatIsThreadedPerIncident() throws Exception {
        IrTester ir = workspace("  chat: {kind: google-chat, events: [declared, severity]}\n");
        try (FakeService chat = FakeService.start()) {
            ir.env("IR_CHANNEL_CHAT_URL", chat.url("/v1/spaces/SPACE/messages?key=KEY&token=TOKEN"));
            ok(ir, "open", "Checkout errors", "-s", "SEV-2");
            ok(ir, "severity", "SEV-1", "--reason", "spreading to EU");
            List<FakeService.Request> got = chat.awaitRequests(2);
            assertThat(got).extracting(FakeService.Request::pathAndQuery).containsOnly(
                    "/v1/spaces/SPACE/messages?key=KEY&token=TOKEN"
                            + "&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD");
            assertThat(json(got.get(0).body())).isEqualTo(json("""
                    {"text": "[SEV-2] %1$s Checkout errors: Investigating. Declared SEV-2: Checkout errors",
                     "thread": {"threadKey": "%1$s"}}""".formatted(ID)));
            assertThat(json(got.get(1).body())).isEqualTo(json("""
                    {"text": "[SEV-1] %1$s Checkout errors: Investigating. Escalated SEV-2 -> SEV-1: spreading to EU",
                     "thread": {"threadKey": "%1$s"}}""".formatted(ID)));
        }
    }

    @Test
    void theGenericWebhookGetsTheDocumentedDocument() throws Exception {
        IrTester ir = workspace("  hook: {kind: webhook, events: [declared]}\n");
        try (FakeService hook = FakeService.start()) {
            ir.env("IR_CHANNEL_HOOK_URL", hook.url("/ir"));
            ok(ir, "open", "Checkout errors", "-s", "SEV-1", "--commander", "alice");
            JsonNode body = json(hook.awaitRequests(1).get(0).body());
            String event = body.path("event").path("id").asText();
            assertThat(event).isNotBlank();
            assertThat(body).isEqualTo(json("""
                    {"version": "1", "source": "ir",
                     "text": "[SEV-1] %1$s Checkout errors: Investigating (IC: alice). Declared SEV-1: Checkout errors",
                     "event": {"id": "%2$s", "type": "declared", "at": "2026-11-28T10:00:00Z",
                               "author": "Alice Responder <alice@example.com>",
                               "text": "Declared SEV-1: Checkout errors", "attrs": {"severity": "SEV-1"}},
                     "incident": {"id": "%1$s", "title": "Checkout errors", "severity": "SEV-1",
                                  "status": "investigating", "drill": false, "commander": "alice"}}
                    """.formatted(ID, event)));
        }
    }

    @Test
    void pageTriggersPagerDutyEventsV2AndResolveResolvesIt() throws Exception {
        IrTester ir = workspace("  pager: {kind: pagerduty}\n  incidents: {kind: slack, events: [declared]}\n");
        try (FakeService pd = FakeService.start().answer(new Answer(202,
                "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"" + ID + "\"}"))) {
            ir.env("IR_CHANNEL_PAGER_ROUTING_KEY", "R0UTINGKEY").env("IR_CHANNEL_PAGER_URL", pd.url("/v2/enqueue"));
            ok(ir, "open", "Checkout errors", "-s", "SEV-1");
            ok(ir, "page", "sme", "--message", "DB SME needed");
            List<FakeService.Request> got = pd.awaitRequests(1);
            assertThat(got).hasSize(1); // the slack channel has no URL here: nothing queued for it
            assertThat(got.get(0).pathAndQuery()).isEqualTo("/v2/enqueue");
            assertThat(json(got.get(0).body())).isEqualTo(json("""
                    {"routing_key": "R0UTINGKEY", "event_action": "trigger", "dedup_key": "%1$s",
                     "payload": {"summary": "[SEV-1] Checkout errors", "source": "ir", "severity": "critical",
                                 "timestamp": "2026-11-28T10:00:00Z",
                                 "custom_details": {"incident": "%1$s", "status": "investigating", "paged": "sme",
                                                    "message": "Paged sme: DB SME needed"}}}
                    """.formatted(ID)));
            JsonNode comms = ir.yaml(ID).path("timeline").get(1);
            assertThat(comms.path("type").asText()).isEqualTo("comms");
            assertThat(comms.path("text").asText()).isEqualTo("Paged sme: DB SME needed");
            assertThat(ir.commits().get(0).getFullMessage()).contains("Ir-Event: comms");

            ok(ir, "resolve");
            got = pd.awaitRequests(2);
            assertThat(json(got.get(1).body())).isEqualTo(json("""
                    {"routing_key": "R0UTINGKEY", "event_action": "resolve", "dedup_key": "%s"}""".formatted(ID)));
            assertThat(settled(ir)).allSatisfy(m -> assertThat(m.path("state").asText()).isEqualTo("delivered"));
            assertThat(pd.requests()).hasSize(2);
            // The routing key is a secret: it is never written to the outbox.
            try (var files = Files.list(dir.resolve(".git/ir/outbox"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                    assertThat(Files.readString(f)).doesNotContain("R0UTINGKEY");
                }
            }
        }
    }

    @Test
    void pagerDutySeverityFollowsTheIncidents() throws Exception {
        IrTester ir = workspace("  pager: {kind: pagerduty}\n");
        try (FakeService pd = FakeService.start()) {
            ir.env("IR_CHANNEL_PAGER_ROUTING_KEY", "K").env("IR_CHANNEL_PAGER_URL", pd.url("/e"));
            String sev3 = ir.open("Slow search", "-s", "SEV-3");
            ok(ir, "page", "-i", sev3, "search-oncall");
            String sev4 = ir.open("Typo", "-s", "SEV-4");
            ok(ir, "page", "-i", sev4, "docs");
            List<FakeService.Request> got = pd.awaitRequests(2);
            assertThat(got).extracting(r -> json(r.body()).path("payload").path("severity").asText())
                    .containsExactly("error", "warning");
        }
    }

    @Test
    void pageWithoutARoutingKeyIsRefusedAndRecordsNothing() throws Exception {
        IrTester ir = workspace("  pager: {kind: pagerduty}\n");
        ir.open("Checkout errors", "-s", "SEV-1");
        int before = ir.commits().size();
        IrTester.Result r = ir.run("page", "sme");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ir: no routing key for channel 'pager'").contains("IR_CHANNEL_PAGER_ROUTING_KEY");
        assertThat(ir.commits()).hasSize(before);
    }

    @Test
    void aFailedAttemptIsRetriedAndTheMessageDeliveredExactlyOnce() throws Exception {
        IrTester ir = workspace("  incidents: {kind: slack, events: [declared]}\n");
        try (FakeService slack = FakeService.start().answer(new Answer(500, "oops"), new Answer(429, "slow down"),
                new Answer(200, "ok"))) {
            ir.env("IR_CHANNEL_INCIDENTS_URL", slack.url("/hook"));
            ok(ir, "open", "Checkout errors", "-s", "SEV-1");
            slack.awaitRequests(1);
            JsonNode m = settled(ir).get(0);
            assertThat(m.path("state").asText()).isEqualTo("queued");
            assertThat(m.path("last_error").asText()).isEqualTo("HTTP 500 oops");
            // back-off: not tried again before it is due, however many commands run
            ok(ir, "show");
            ok(ir, "list");
            assertThat(slack.requests()).hasSize(1);
            ir.advance(Duration.ofSeconds(11));
            ok(ir, "show");
            slack.awaitRequests(2);
            m = settled(ir).get(0);
            assertThat(m.path("state").asText()).isEqualTo("queued");
            assertThat(m.path("attempts").asInt()).isEqualTo(2);
            ir.advance(Duration.ofSeconds(21)); // the second wait is twice the first
            ok(ir, "show");
            slack.awaitRequests(3);
            m = settled(ir).get(0);
            assertThat(m.path("state").asText()).isEqualTo("delivered");
            assertThat(m.path("answer").asText()).isEqualTo("ok");
            ir.advance(Duration.ofHours(3));
            ok(ir, "show");
            ok(ir, "notify", "retry");
            settled(ir);
            assertThat(slack.requests()).hasSize(3);
            assertThat(slack.requests()).extracting(FakeService.Request::body).containsOnly(
                    slack.requests().get(0).body());
        }
    }

    @Test
    void aServiceDownAtFirstGetsTheMessageLaterOnce() throws Exception {
        IrTester ir = workspace("  incidents: {kind: slack, events: [declared]}\n");
        FakeService down = FakeService.start();
        int port = down.port();
        down.close();
        ir.env("IR_CHANNEL_INCIDENTS_URL", "http://127.0.0.1:" + port + "/hook");
        ok(ir, "open", "Checkout errors", "-s", "SEV-1");
        JsonNode m = settled(ir).get(0);
        assertThat(m.path("state").asText()).isEqualTo("queued");
        assertThat(m.path("last_error").asText()).startsWith("no answer");
        IrTester.Result show = ok(ir, "show");
        assertThat(show.err()).contains("1 notification of " + ID + " not delivered yet: see 'ir notify'");
        try (FakeService up = FakeService.startOn(port)) {
            ir.advance(Duration.ofMinutes(1));
            ok(ir, "log", "rolled back");
            up.awaitRequests(1);
            assertThat(settled(ir).get(0).path("state").asText()).isEqualTo("delivered");
            ir.advance(Duration.ofHours(2));
            ok(ir, "notify", "retry");
            ok(ir, "show");
            settled(ir);
            assertThat(up.requests()).hasSize(1);
            assertThat(ok(ir, "show").err()).doesNotContain("not delivered");
        }
    }

    @Test
    void aRefusalIsReportedAndNotRetriedUntilAsked() throws Exception {
        IrTester ir = workspace("  incidents: {kind: slack, events: [declared]}\n");
        try (FakeService slack = FakeService.start().answer(new Answer(400, "invalid_payload"),
                new Answer(200, "ok"))) {
            ir.env("IR_CHANNEL_INCIDENTS_URL", slack.url("/hook"));
            IrTester.Result open = ok(ir, "open", "Checkout errors", "-s", "SEV-1");
            slack.awaitRequests(1);
            JsonNode m = settled(ir).get(0);
            assertThat(m.path("state").asText()).isEqualTo("failed");
            assertThat(m.path("status").asInt()).isEqualTo(400);
            assertThat(m.path("answer").asText()).isEqualTo("invalid_payload");
            for (int k = 0; k < 5; k++) {
                ir.advance(Duration.ofHours(2));
                ok(ir, "show");
            }
            settled(ir);
            assertThat(slack.requests()).hasSize(1);
            IrTester.Result status = ok(ir, "notify");
            assertThat(status.out()).contains("failed").contains("HTTP 400").contains("invalid_payload");
            assertThat(status.err()).contains("1 not delivered");
            // the person fixes it, then asks for it again: one more attempt
            ok(ir, "notify", "retry");
            slack.awaitRequests(2);
            assertThat(settled(ir).get(0).path("state").asText()).isEqualTo("delivered");
            assertThat(slack.requests()).hasSize(2);
            assertThat(open.exit()).isZero();
        }
    }

    @Test
    void aRefusalSeenByTheCommandIsReportedOnOneLine() throws Exception {
        IrTester ir = workspace("  incidents: {kind: slack, events: [declared, status]}\n");
        try (FakeService slack = FakeService.start().answer(new Answer(404, "no_service"))) {
            ir.env("IR_CHANNEL_INCIDENTS_URL", slack.url("/hook"));
            ok(ir, "open", "Checkout errors", "-s", "SEV-1");
            slack.awaitRequests(1);
            settled(ir);
            ok(ir, "status", "identified");
            slack.awaitRequests(2);
            // the delivery after 'status' normally ends within its second: its refusal is a warning
            IrTester.Result r = ok(ir, "notify");
            assertThat(r.out().lines().filter(l -> l.startsWith("failed"))).hasSize(2);
        }
    }

    @Test
    void aUrlInTheRepositorysIrYamlIsRefusedAndNothingIsContacted() throws Exception {
        try (FakeService slack = FakeService.start()) {
            IrTester ir = workspace("  incidents: {kind: slack, url: \"" + slack.url("/hook") + "\"}\n");
            int before = ir.commits().size();
            IrTester.Result r = ir.run("open", "Checkout errors", "-s", "SEV-1");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).startsWith("ir: ir.yaml: channels.incidents").contains("~/.config/ir/config.yaml")
                    .contains("IR_CHANNEL_INCIDENTS_URL").doesNotContain(slack.url("/hook"));
            assertThat(r.err().strip().lines()).hasSize(1);
            assertThat(ir.commits()).hasSize(before);
            assertThat(dir.resolve(".git/ir/outbox")).doesNotExist();
            Thread.sleep(200);
            assertThat(slack.requests()).isEmpty();
        }
    }

    @Test
    void aUrlAsTheChannelItselfOrAKeyUnderAnotherNameIsRefusedToo() throws Exception {
        IrTester ir = workspace("  incidents: \"https://hooks.example.com/services/T/B/X\"\n");
        assertThat(ir.run("list").err()).startsWith("ir: ir.yaml: channels.incidents")
                .contains("never in the repository");
        Files.writeString(dir.resolve("ir.yaml"), Files.readString(dir.resolve("ir.yaml")).replace(
                "  incidents: \"https://hooks.example.com/services/T/B/X\"",
                "  pager: {kind: pagerduty, routing_key: R0UT1NG}"));
        assertThat(ir.run("list").err()).startsWith("ir: ir.yaml: channels.pager")
                .contains("IR_CHANNEL_PAGER_ROUTING_KEY");
    }

    @Test
    void badChannelDeclarationsAreRefusedByName() throws Exception {
        IrTester ir = workspace("  incidents: {kind: irc}\n");
        assertThat(ir.run("list").err()).startsWith("ir: ir.yaml: channels.incidents")
                .contains("slack, teams, google-chat, webhook, pagerduty");
        Files.writeString(dir.resolve("ir.yaml"), Files.readString(dir.resolve("ir.yaml"))
                .replace("{kind: irc}", "{kind: slack, events: [declard]}"));
        assertThat(ir.run("list").err()).contains("unknown event 'declard'");
        Files.writeString(dir.resolve("ir.yaml"), Files.readString(dir.resolve("ir.yaml"))
                .replace("events: [declard]", "min_severity: SEV-9"));
        assertThat(ir.run("list").err()).contains("min_severity 'SEV-9'");
    }

    @Test
    void aDrillIsSentOnlyToChannelsThatTakeDrills() throws Exception {
        IrTester ir = workspace("""
                  incidents: {kind: slack, events: [declared, status]}
                  practice: {kind: slack, events: [declared, status], drills: true}
                  pager: {kind: pagerduty}
                """);
        try (FakeService real = FakeService.start(); FakeService practice = FakeService.start();
             FakeService pd = FakeService.start()) {
            ir.env("IR_CHANNEL_INCIDENTS_URL", real.url("/real")).env("IR_CHANNEL_PRACTICE_URL",
                    practice.url("/practice")).env("IR_CHANNEL_PAGER_ROUTING_KEY", "K")
                    .env("IR_CHANNEL_PAGER_URL", pd.url("/pd"));
            ok(ir, "open", "Failover drill", "-s", "SEV-1", "--drill");
            IrTester.Result page = ok(ir, "page", "sme");
            assertThat(page.err()).contains("is a drill: the page is recorded but not sent");
            ok(ir, "status", "identified");
            practice.awaitRequests(2);
            settled(ir);
            assertThat(practice.requests()).hasSize(2);
            assertThat(real.requests()).isEmpty();
            assertThat(pd.requests()).isEmpty();
            assertThat(outbox(ir)).extracting(m -> m.path("channel").asText()).containsOnly("practice");
        }
    }

    @Test
    void minSeverityAndAudiencesChooseTheChannels() throws Exception {
        IrTester ir = workspace("""
                  majors: {kind: webhook, events: [declared], min_severity: SEV-2}
                  all: {kind: webhook, events: [declared]}
                """);
        try (FakeService majors = FakeService.start(); FakeService all = FakeService.start()) {
            ir.env("IR_CHANNEL_MAJORS_URL", majors.url("/m")).env("IR_CHANNEL_ALL_URL", all.url("/a"));
            ir.open("Minor", "-s", "SEV-3");
            ir.open("Major", "-s", "SEV-2");
            all.awaitRequests(2);
            majors.awaitRequests(1);
            settled(ir);
            assertThat(all.requests()).hasSize(2);
            assertThat(majors.requests()).hasSize(1);
            assertThat(json(majors.requests().get(0).body()).path("incident").path("title").asText())
                    .isEqualTo("Major");
        }
    }

    @Test
    void aProcessThatDiesAfterTheServiceAcceptedSendsAtMostOnceMoreAndNeverLosesIt() throws Exception {
        IrTester ir = workspace("  incidents: {kind: slack, events: [declared]}\n");
        try (FakeService slack = FakeService.start()) {
            ir.env("IR_CHANNEL_INCIDENTS_URL", slack.url("/hook"));
            // the service accepts, then recording that fails (as if the process were killed at that moment)
            System.setProperty("ir.test.fault", "sent:fail");
            try {
                ok(ir, "open", "Checkout errors", "-s", "SEV-1");
                slack.awaitRequests(1);
                Thread.sleep(300);
            } finally {
                System.clearProperty("ir.test.fault");
            }
            JsonNode m = settled(ir).get(0);
            assertThat(slack.awaitRequests(2)).hasSize(2); // sent once more by the next command
            assertThat(m.path("state").asText()).isEqualTo("delivered");
            for (int k = 0; k < 3; k++) {
                ir.advance(Duration.ofHours(1));
                ok(ir, "notify", "retry");
            }
            settled(ir);
            assertThat(slack.requests()).hasSize(2);
        }
    }

    @Test
    void theEndpointComesFromTheUsersOwnConfigFile() throws Exception {
        IrTester ir = workspace("  incidents: {kind: slack, events: [declared]}\n");
        Path home = Files.createTempDirectory(dir.getParent(), "home");
        Path cfg = home.resolve(".config/ir/config.yaml");
        Files.createDirectories(cfg.getParent());
        try (FakeService slack = FakeService.start()) {
            Files.writeString(cfg, "channels:\n  incidents: {url: \"" + slack.url("/from-config") + "\"}\n");
            Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-r--r--"));
            ir.env("HOME", home.toString());
            // readable by others: refused as a source of secrets, but the incident is still recorded
            IrTester.Result r = ok(ir, "open", "Checkout errors", "-s", "SEV-1");
            assertThat(r.err()).contains("chmod 600").contains("no notification was queued");
            Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-------"));
            ok(ir, "status", "identified"); // not subscribed
            ok(ir, "open", "Search down", "-s", "SEV-2");
            List<FakeService.Request> got = slack.awaitRequests(1);
            assertThat(got).hasSize(1);
            assertThat(got.get(0).pathAndQuery()).isEqualTo("/from-config");
            assertThat(json(got.get(0).body()).path("text").asText()).contains("Search down");
            // the environment wins over the file
            try (FakeService other = FakeService.start()) {
                ir.env("IR_CHANNEL_INCIDENTS_URL", other.url("/from-env"));
                ok(ir, "open", "Login slow", "-s", "SEV-3");
                assertThat(other.awaitRequests(1)).hasSize(1);
            }
        }
    }

    @Test
    void dropRemovesUndeliveredMessages() throws Exception {
        IrTester ir = workspace("  incidents: {kind: slack, events: [declared]}\n");
        FakeService down = FakeService.start();
        int port = down.port();
        down.close();
        ir.env("IR_CHANNEL_INCIDENTS_URL", "http://127.0.0.1:" + port + "/hook");
        ok(ir, "open", "Checkout errors", "-s", "SEV-1");
        settled(ir);
        assertThat(ir.run("notify", "drop").exit()).isEqualTo(2);
        assertThat(ok(ir, "notify", "drop", ID).err()).contains("dropped 1 undelivered message");
        assertThat(outbox(ir)).isEmpty();
        try (FakeService up = FakeService.startOn(port)) {
            ok(ir, "notify", "retry");
            Thread.sleep(200);
            assertThat(up.requests()).isEmpty();
        }
    }

    @Test
    void nothingIsQueuedWithoutChannelsOrEndpoints() throws Exception {
        IrTester ir = IrTester.workspace(dir);
        ok(ir, "open", "Checkout errors", "-s", "SEV-1");
        assertThat(dir.resolve(".git/ir/outbox")).doesNotExist();
        assertThat(ok(ir, "notify").err()).contains("no notifications");
        assertThat(ok(ir, "notify", "--json").out().strip()).isEqualTo("[ ]");
    }

    @Test
    void onlyTheCloneThatRecordedAnEventSendsIt() throws Exception {
        Path bare = ir.testing.Clones.bare(dir.resolve("remote.git"));
        IrTester a = ir.testing.Clones.first(dir.resolve("a"), bare);
        Files.writeString(dir.resolve("a/ir.yaml"), "\nchannels:\n  incidents: {kind: slack, events: [declared, "
                + "status]}\n", StandardOpenOption.APPEND);
        try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(dir.resolve("a").toFile())) {
            git.add().addFilepattern("ir.yaml").call();
            git.commit().setMessage("channels").setAuthor("A", "a@example.com").setCommitter("A", "a@example.com")
                    .call();
        }
        ok(a, "sync");
        IrTester b = ir.testing.Clones.clone(bare, dir.resolve("b"), "Bob <bob@example.com>");
        try (FakeService forA = FakeService.start(); FakeService forB = FakeService.start()) {
            a.env("IR_CHANNEL_INCIDENTS_URL", forA.url("/a"));
            b.env("IR_CHANNEL_INCIDENTS_URL", forB.url("/b"));
            String id = b.open("Checkout errors", "-s", "SEV-1");
            ok(b, "sync");
            ok(a, "sync");
            ok(a, "status", "-i", id, "identified");
            forA.awaitRequests(1);
            forB.awaitRequests(1);
            settled(a);
            settled(b);
            // each clone sent what it recorded, and nothing it only synced in
            assertThat(forB.requests()).extracting(r -> json(r.body()).path("text").asText())
                    .singleElement().asString().contains("Declared SEV-1");
            assertThat(forA.requests()).extracting(r -> json(r.body()).path("text").asText())
                    .singleElement().asString().contains("Identified");
        }
    }

    @Test
    void messagesLeftStagedByAKilledCommandAreSentWhenTheirEventWasCommittedAndDroppedWhenNot() throws Exception {
        IrTester ir = workspace("  incidents: {kind: slack, events: [declared]}\n");
        try (FakeService slack = FakeService.start()) {
            ir.env("IR_CHANNEL_INCIDENTS_URL", slack.url("/hook"));
            ok(ir, "open", "Checkout errors", "-s", "SEV-1");
            slack.awaitRequests(1);
            JsonNode delivered = settled(ir).get(0);
            String event = delivered.path("event").asText();
            // What a command killed between its outbox and its commit leaves: staged messages of a dead process,
            // one for an event that was committed (here under a second channel) and one for an event that was not.
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            Path outbox = dir.resolve(".git/ir/outbox");
            Path sample = outbox.resolve(delivered.path("key").asText() + ".json");
            com.fasterxml.jackson.databind.node.ObjectNode staged =
                    (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(Files.readString(sample));
            for (String[] kv : new String[][]{{event, "late"}, {"3zzzzzzzzzzzzz", "late"}}) {
                staged.put("key", kv[0] + "." + kv[1]).put("event", kv[0]).put("channel", kv[1])
                        .put("state", "staged").put("pid", gone.pid()).put("attempts", 0);
                staged.remove(List.of("status", "answer", "delivered_at", "last_attempt_at"));
                Files.writeString(outbox.resolve(kv[0] + "." + kv[1] + ".json"), staged.toString());
            }
            ir.env("IR_CHANNEL_LATE_URL", slack.url("/late"));
            ok(ir, "show");
            slack.awaitRequests(2);
            JsonNode all = settled(ir);
            assertThat(all).extracting(m -> m.path("key").asText() + " " + m.path("state").asText())
                    .containsExactlyInAnyOrder(event + ".incidents delivered", event + ".late delivered");
            assertThat(slack.requests()).extracting(FakeService.Request::pathAndQuery)
                    .containsExactly("/hook", "/late");
        }
    }

    @Test
    void anIncidentOpenedByAnAlertIsAnnounced() throws Exception {
        IrTester ir = workspace("  incidents: {kind: webhook, events: [declared]}\n");
        Path payload = dir.resolve("firing.json");
        Files.writeString(payload, IngestCommandTest.resource("alertmanager-firing.json"));
        try (FakeService hook = FakeService.start()) {
            ir.env("IR_CHANNEL_INCIDENTS_URL", hook.url("/ir"));
            ok(ir, "ingest", payload.toString());
            JsonNode body = json(hook.awaitRequests(1).get(0).body());
            assertThat(body.path("event").path("type").asText()).isEqualTo("declared");
            assertThat(body.path("event").path("author").asText()).isEqualTo("ir intake <intake@localhost>");
            ok(ir, "ingest", payload.toString()); // the same payload again: nothing new, nothing sent
            settled(ir);
            assertThat(hook.requests()).hasSize(1);
        }
    }

    @Test
    void cancelingAPagedIncidentResolvesThePage() throws Exception {
        IrTester ir = workspace("  pager: {kind: pagerduty}\n");
        try (FakeService pd = FakeService.start()) {
            ir.env("IR_CHANNEL_PAGER_ROUTING_KEY", "K").env("IR_CHANNEL_PAGER_URL", pd.url("/e"));
            ok(ir, "open", "Checkout errors", "-s", "SEV-1");
            ok(ir, "page", "sme");
            pd.awaitRequests(1);
            ok(ir, "cancel", "false alarm");
            List<FakeService.Request> got = pd.awaitRequests(2);
            assertThat(got).extracting(r -> json(r.body()).path("event_action").asText())
                    .containsExactly("trigger", "resolve");
        }
    }
}
