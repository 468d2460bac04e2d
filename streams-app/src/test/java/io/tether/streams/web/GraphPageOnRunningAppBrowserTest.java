package io.tether.streams.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.tether.schemas.Topics;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.SocketAddress;
import io.tether.streams.e2e.HostEvents;
import io.tether.streams.e2e.RunningTether;
import io.tether.streams.testing.Eventually;
import io.tether.streams.testing.Http;
import io.tether.testkit.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.tether.streams.e2e.HostEvents.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page in a real headless Chromium against the whole running app: a real KRaft broker, the real schema registry,
 * Tether's streams app with its real topology. Input events for the research's Figure 1 go in as a collector would
 * publish them; the page finds AP1 and draws its set. Then a third program starts writing AP1's file B, and the page
 * shows it joining the set without a reload. Screenshots go to {@code target/screenshots/}.
 */
class GraphPageOnRunningAppBrowserTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.singleNode();

    private static final String AP1 = "/usr/bin/ap1@computer-1";
    private static final String AP2 = "/usr/bin/ap2@computer-2";
    private static final String AP3 = "/usr/bin/ap3@computer-1";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Event time of the scenario: in the past, as when a collector's backlog arrives; advanced by each event sent. */
    private static long clock = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
    private static final long STARTED = clock - 60_000;

    @TempDir
    static Path stateDir;

    private static Chromium browser;
    private static WebDriver driver;
    private static RunningTether tether;
    private static int ticks;

    @BeforeAll
    static void start() throws IOException {
        // the browser first: without it the test is skipped before the registry and the app start
        browser = Chromium.startOrSkip();
        driver = browser.driver();
        tether = RunningTether.start(KAFKA, stateDir);
    }

    @AfterAll
    static void stop() throws IOException {
        if (tether != null) {
            tether.close();
        }
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void drawsTheSetOfARunningAppAndFollowsItsChangesWithoutReloading() throws Exception {
        figureOne();
        waitForSet(2, 4);

        driver.get(tether.url() + "/");
        final WebDriverWait wait = new WebDriverWait(driver, WAIT);
        driver.findElement(By.id("ap-filter")).sendKeys("ap1");
        final WebElement item = wait.until(d -> d.findElements(By.cssSelector("#ap-items li")).stream()
            .filter(li -> li.getText().equals(AP1)).findFirst().orElse(null));
        item.click();
        wait.until(d -> "ready".equals(browser.js("return document.body.dataset.state"))
            && ((Number) browser.js("return window.tether.cy.nodes().length")).intValue() == 8);

        final Map<String, Map<String, Object>> nodes = browser.nodes();
        assertEquals(new TreeSet<>(Set.of("host:computer-1", "host:computer-2", "ap:" + AP1, "ap:" + AP2,
            "file:computer-1:/data/A", "file:computer-1:/data/B", "file:computer-2:/data/C", "file:computer-2:/data/D")),
            nodes.keySet(), "nodes drawn");
        assertEquals("host:computer-1", nodes.get("ap:" + AP1).get("parent"), "programs sit inside their host");
        assertEquals("host:computer-2", nodes.get("ap:" + AP2).get("parent"));
        assertEquals("host:computer-1", nodes.get("file:computer-1:/data/B").get("parent"), "files sit inside their host");
        assertTrue(Chromium.classes(nodes, "file:computer-1:/data/A").contains("copy"), "read only: copied");
        assertTrue(Chromium.classes(nodes, "file:computer-1:/data/B").contains("move"), "written: moved");
        assertTrue(Chromium.classes(nodes, "file:computer-2:/data/C").contains("copy"));
        assertTrue(Chromium.classes(nodes, "file:computer-2:/data/D").contains("move"));
        assertEquals(Set.of(AP1 + " -reads-> computer-1:/data/A", AP1 + " -writes-> computer-1:/data/B",
                AP2 + " -reads-> computer-2:/data/C", AP2 + " -writes-> computer-2:/data/D", AP1 + " -connects :5432-> " + AP2),
            browser.edges(), "edges labelled with why they couple");
        wait.until(d -> browser.allDrawnInsideTheCanvas());
        browser.screenshot("running-app-figure-1.png");

        browser.clickNode("file:computer-2:/data/D");
        wait.until(d -> d.findElement(By.id("member-title")).getText().equals("computer-2:/data/D"));
        final String why = driver.findElement(By.id("why")).getText();
        assertTrue(why.contains(AP1) && why.contains(AP2) && why.contains("writes computer-2:/data/D"), why);

        // the set changes while the page is open: AP3 starts on computer 1 and writes B, so it must move with AP1
        browser.js("window.__sameDocument = 'yes'");
        final HostEvents ap3 = HostEvents.process("computer-1", 300, STARTED);
        tether.send(Topics.EXEC, ap3.exec(tick(), "/usr/bin/ap3"));
        awaitProgramKnown("computer-1", 300);
        tether.send(Topics.OPEN, ap3.open(tick(), "/data/B", AccessMode.WRITE));
        tether.flush();
        waitForSet(3, 4);

        wait.until(d -> browser.nodes().containsKey("ap:" + AP3));
        wait.until(d -> browser.edges().contains(AP3 + " -writes-> computer-1:/data/B"));
        assertEquals("yes", browser.js("return window.__sameDocument"), "the page was not reloaded");
        final Map<String, Map<String, Object>> after = browser.nodes();
        assertEquals(9, after.size(), "one node more: " + after.keySet());
        assertEquals("host:computer-1", after.get("ap:" + AP3).get("parent"));
        assertTrue(Chromium.classes(after, "file:computer-1:/data/B").contains("move"));
        wait.until(d -> d.findElement(By.id("summary")).getText().startsWith("3 programs · 4 files (2 copy, 2 move)"));
        wait.until(d -> browser.allDrawnInsideTheCanvas());
        assertEquals(List.of(), browser.js("return window.tether.state.errors"), "no script errors");
        assertEquals("", driver.findElement(By.id("message")).getText(), "no error shown");
        browser.screenshot("running-app-after-change.png");
    }

    /** AP1 on computer 1 reads A and writes B, AP2 on computer 2 reads C and writes D, AP1 connects to AP2. */
    private static void figureOne() {
        final HostEvents ap1 = HostEvents.process("computer-1", 100, STARTED);
        final HostEvents ap2 = HostEvents.process("computer-2", 200, STARTED);
        tether.send(Topics.EXEC, ap1.exec(tick(), "/usr/bin/ap1"));
        tether.send(Topics.EXEC, ap2.exec(tick(), "/usr/bin/ap2"));
        awaitProgramKnown("computer-1", 100);
        awaitProgramKnown("computer-2", 200);
        final long at = tick();
        tether.send(Topics.OPEN, ap1.open(at, "/data/A", AccessMode.READ));
        tether.send(Topics.OPEN, ap1.open(at, "/data/B", AccessMode.WRITE));
        tether.send(Topics.OPEN, ap2.open(at, "/data/C", AccessMode.READ));
        tether.send(Topics.OPEN, ap2.open(at, "/data/D", AccessMode.WRITE));
        final SocketAddress client = address("198.18.0.1", 40000);
        final SocketAddress server = address("198.18.0.2", 5432);
        tether.send(Topics.CONNECT, ap1.connect(at, client, server));
        tether.send(Topics.ACCEPT, ap2.accept(at, server, client));
        tether.flush();
    }

    /**
     * The process table is fed through repartition topics: let it learn a program before that process's events are
     * released from the attribution join, as it would in the hours a real system runs.
     */
    private static void awaitProgramKnown(final String host, final int pid) {
        tether.flush();
        Eventually.waitUntil("the process table knows " + host + "|" + pid, WAIT, () -> tether.knowsProcess(host, pid));
    }

    /** Waits until AP1's set, as the HTTP API answers it, has this many programs and files. */
    private static void waitForSet(final int apps, final int files) {
        final String[] last = {""};
        Eventually.waitUntil(() -> "the set of AP1 holds " + apps + " programs and " + files + " files; last answer: " + last[0], WAIT, () -> {
            advanceStreamTime();
            final Http.Response response = Http.migrationSet(tether.app().httpPort(), AP1);
            last[0] = response.body();
            if (response.status() != 200) {
                return false;
            }
            final JsonNode set = response.json();
            return set.get("apps").size() == apps && set.get("files").size() == files;
        });
    }

    /** The next event time: every event of the scenario happens after the one before. */
    private static long tick() {
        clock += 2_000;
        return clock;
    }

    /**
     * WORKAROUND while attribution waits for stream time to pass its grace before releasing an event: events of a
     * process nobody exec'd, on the open, connect and accept topics (one partition each), move stream time on. They
     * are never attributed, so they add nothing to any set.
     */
    private static void advanceStreamTime() {
        final HostEvents clockProcess = HostEvents.process("clock", 1, STARTED);
        final long at = tick();
        ticks++;
        tether.send(Topics.OPEN, clockProcess.open(at, "/tick", AccessMode.READ));
        tether.send(Topics.CONNECT, clockProcess.connect(at, address("198.19.0.1", 1000), address("198.19.0.2", 1000 + ticks)));
        tether.send(Topics.ACCEPT, clockProcess.accept(at, address("198.19.0.3", 1000), address("198.19.0.4", 1000 + ticks)));
        tether.flush();
    }
}
