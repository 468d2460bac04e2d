package io.tether.streams.web;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.model.Direction;
import io.tether.schemas.model.Transfer;
import io.tether.streams.export.SetBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.tether.streams.export.SetBuilder.ip;
import static io.tether.streams.export.SetBuilder.use;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page in a real headless Chromium ({@link Chromium}) against a real HTTP server on loopback that serves sets
 * the test puts in ({@link PageServer}): find an AP, see its set drawn, see a change arrive without a reload, draw a
 * set of hundreds of members. Screenshots go to {@code target/screenshots/}. {@link GraphPageOnRunningAppBrowserTest}
 * does the same against the whole running app.
 */
class GraphPageBrowserTest {

    private static final String AP1 = "/opt/ap1/bin/ap1@computer1";
    private static final String AP2 = "/opt/ap2/bin/ap2@computer2";
    private static final String AP3 = "/usr/bin/python3 /srv/report.py@computer3";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static PageServer server;
    private static Chromium browser;
    private static WebDriver driver;

    @BeforeAll
    static void start() throws IOException {
        browser = Chromium.startOrSkip();
        driver = browser.driver();
        server = new PageServer(Duration.ofMillis(200));
        server.put(figureOne().build());
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (browser != null) {
            browser.close();
        }
    }

    private static SetBuilder figureOne() {
        return SetBuilder.figure1()
            .external(AP2, Direction.OUTBOUND, ip("198.18.9.9", 443), ip("198.18.0.2", 50000), Protocol.TCP);
    }

    @Test
    void findsAnApDrawsItsSetAndFollowsChangesWithoutReloading() throws Exception {
        driver.get(server.url() + "/");
        final WebDriverWait wait = new WebDriverWait(driver, WAIT);

        // find the AP: filter the list, pick it
        driver.findElement(By.id("ap-filter")).sendKeys("ap1");
        final WebElement item = wait.until(d -> d.findElements(By.cssSelector("#ap-items li")).stream()
            .filter(li -> li.getText().equals(AP1)).findFirst().orElse(null));
        assertEquals(1, driver.findElements(By.cssSelector("#ap-items li")).size(), "the filter leaves only AP1");
        item.click();
        wait.until(d -> "ready".equals(js("return document.body.dataset.state")));
        wait.until(d -> ((Number) js("return window.tether.cy.nodes().length")).intValue() == 9);

        assertEquals(new TreeSet<>(Set.of("host:computer1", "host:computer2", "ap:" + AP1, "ap:" + AP2,
            "file:computer1:/srv/ap1/A", "file:computer1:/srv/ap1/B", "file:computer2:/srv/ap2/C",
            "file:computer2:/srv/ap2/D", "ext:198.18.9.9:443")), nodes().keySet(), "nodes drawn");
        final Map<String, Map<String, Object>> nodes = nodes();
        assertEquals("host:computer1", nodes.get("ap:" + AP1).get("parent"), "programs sit inside their host");
        assertEquals("host:computer2", nodes.get("file:computer2:/srv/ap2/D").get("parent"));
        assertTrue(Chromium.classes(nodes, "file:computer1:/srv/ap1/A").contains("copy"));
        assertTrue(Chromium.classes(nodes, "file:computer1:/srv/ap1/B").contains("move"));
        assertTrue(Chromium.classes(nodes, "ext:198.18.9.9:443").contains("external"));
        assertEquals(Set.of(AP1 + " -reads-> computer1:/srv/ap1/A", AP1 + " -writes-> computer1:/srv/ap1/B",
                AP2 + " -reads-> computer2:/srv/ap2/C", AP2 + " -writes-> computer2:/srv/ap2/D",
                AP1 + " -connects :5432-> " + AP2, AP2 + " -connects :443-> 198.18.9.9:443"),
            edges(), "edges labelled with why they couple");
        browser.screenshot("graph-page.png");

        // the why of a member, by clicking its node on the canvas
        browser.clickNode("file:computer2:/srv/ap2/D");
        wait.until(d -> d.findElement(By.id("member-title")).getText().equals("computer2:/srv/ap2/D"));
        final String why = driver.findElement(By.id("why")).getText();
        assertTrue(why.contains(AP1) && why.contains(AP2) && why.contains("writes computer2:/srv/ap2/D"), why);

        // a change to the set arrives over the event stream, without a reload
        js("window.__sameDocument = 'yes'");
        server.put(figureOne()
            .app("/usr/bin/python3 /srv/report.py", "computer3", List.of(6100), CaptureSource.PROCSCAN)
            .tcp(AP3, ip("198.18.0.3", 43000), AP2, ip("198.18.0.2", 8080))
            .file("computer3", "/var/lib/report/out.csv", Transfer.MOVE, use(AP3, AccessMode.WRITE))
            .updatedMicros(1_800_000_000_000_000L)
            .build());
        wait.until(d -> nodes().containsKey("ap:" + AP3));
        wait.until(d -> edges().contains(AP3 + " -connects :8080-> " + AP2));
        assertEquals("yes", js("return window.__sameDocument"), "the page was not reloaded");
        final Map<String, Map<String, Object>> after = nodes();
        assertEquals("host:computer3", after.get("ap:" + AP3).get("parent"));
        assertTrue(Chromium.classes(after, "file:computer3:/var/lib/report/out.csv").contains("move"));
        assertTrue(edges().contains(AP3 + " -writes-> computer3:/var/lib/report/out.csv"));
        wait.until(d -> browser.allDrawnInsideTheCanvas());
        wait.until(d -> d.findElement(By.id("summary")).getText().startsWith("3 programs · 5 files (2 copy, 3 move)"));
        assertEquals(List.of(), js("return window.tether.state.errors"), "no script errors");
        assertEquals("", driver.findElement(By.id("message")).getText(), "no error shown");
        browser.screenshot("graph-page-after-change.png");
    }

    @Test
    void drawsASetOfHundredsOfMembers() throws Exception {
        final SetBuilder big = SetBuilder.set();
        final int programs = 120;
        for (int i = 0; i < programs; i++) {
            final String host = "rack" + (i % 6);
            final String ap = "/opt/svc" + i + "@" + host;
            big.app("/opt/svc" + i, host, List.of(2000 + i), CaptureSource.PROBE)
                .file(host, "/data/svc" + i + "/config", Transfer.COPY, use(ap, AccessMode.READ))
                .file(host, "/data/svc" + i + "/journal", Transfer.MOVE, use(ap, AccessMode.WRITE));
            if (i > 0) {
                big.tcp("/opt/svc" + (i - 1) + "@rack" + ((i - 1) % 6), ip("198.18.3." + (i % 250), 30000 + i), ap,
                    ip("198.18.4." + (i % 250), 9000 + i));
            }
        }
        server.put(big.build());
        driver.get(server.url() + "/?ap=" + java.net.URLEncoder.encode("/opt/svc0@rack0", java.nio.charset.StandardCharsets.UTF_8));
        final WebDriverWait wait = new WebDriverWait(driver, WAIT);
        final int expectedNodes = 6 + programs * 3;
        wait.until(d -> "ready".equals(js("return document.body.dataset.state"))
            && ((Number) js("return window.tether.cy.nodes().length")).intValue() == expectedNodes);
        assertEquals(programs * 2 + programs - 1, ((Number) js("return window.tether.cy.edges().length")).intValue());
        wait.until(d -> browser.allDrawnInsideTheCanvas());
        assertEquals(List.of(), js("return window.tether.state.errors"), "no script errors");
        browser.screenshot("graph-page-hundreds.png");
        System.out.println("layout of " + expectedNodes + " nodes took " + js("return window.tether.state.layoutMillis") + " ms");
    }

    private static Object js(final String script, final Object... args) {
        return browser.js(script, args);
    }

    private static Map<String, Map<String, Object>> nodes() {
        return browser.nodes();
    }

    private static Set<String> edges() {
        return browser.edges();
    }
}
