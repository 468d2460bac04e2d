package io.tether.streams.web;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Test fixture: a real headless Chromium with a fresh profile, driven by Selenium through Debian's chromedriver, and
 * what the page tests read from it — the graph as Cytoscape holds it, screenshots into {@code target/screenshots/}.
 */
final class Chromium implements AutoCloseable {

    private final WebDriver driver;
    private final Path profile;

    private Chromium(final WebDriver driver, final Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts the browser, or skips the calling test when chromium or chromedriver is not installed. */
    static Chromium startOrSkip() throws IOException {
        final Optional<Path> chromium = executable("chromium", "chromium-browser", "google-chrome");
        final Optional<Path> chromedriver = executable("chromedriver");
        assumeTrue(chromium.isPresent() && chromedriver.isPresent(),
            "headless browser test skipped: needs chromium and chromedriver on PATH (Debian: apt-get install chromium chromium-driver)");
        final Path profile = Files.createTempDirectory("tether-chromium-profile");
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
            "--window-size=1400,900");
        final ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.get().toFile()).usingAnyFreePort().build();
        try {
            return new Chromium(new ChromeDriver(service, options), profile);
        } catch (final RuntimeException e) {
            delete(profile);
            throw e;
        }
    }

    WebDriver driver() {
        return driver;
    }

    Object js(final String script, final Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The nodes drawn, by id, each with its parent (host) and classes. */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> nodes() {
        final List<Map<String, Object>> list = (List<Map<String, Object>>) js(
            "return window.tether.cy.nodes().map(n => ({id: n.id(), parent: n.data('parent') || '', classes: n.classes().join(' ')}))");
        final Map<String, Map<String, Object>> byId = new TreeMap<>();
        list.forEach(n -> byId.put((String) n.get("id"), n));
        return byId;
    }

    /** Each edge as "source -label-> target", with members named as the API names them. */
    @SuppressWarnings("unchecked")
    Set<String> edges() {
        final List<String> list = (List<String>) js("return window.tether.cy.edges().map(e => "
            + "(e.source().data('member')) + ' -' + e.data('label') + '-> ' + (e.target().data('member')))");
        return new TreeSet<>(list);
    }

    static String classes(final Map<String, Map<String, Object>> nodes, final String id) {
        final Map<String, Object> node = nodes.get(id);
        if (node == null) {
            throw new AssertionError("no node " + id + " among " + nodes.keySet());
        }
        return String.valueOf(node.get("classes"));
    }

    boolean allDrawnInsideTheCanvas() {
        return Boolean.TRUE.equals(js("const cy = window.tether.cy; const w = cy.width(), h = cy.height();"
            + "return cy.nodes().every(n => { const b = n.renderedBoundingBox(); return n.visible() && b.w > 0 && b.h > 0"
            + " && b.x1 >= -1 && b.y1 >= -1 && b.x2 <= w + 1 && b.y2 <= h + 1; });"));
    }

    /** Clicks where Cytoscape drew the node, as a user would (offsets are from the canvas' centre). */
    @SuppressWarnings("unchecked")
    void clickNode(final String id) {
        final Map<String, Number> at = (Map<String, Number>) js("const cy = window.tether.cy; const p = cy.getElementById(arguments[0]).renderedPosition();"
            + "return {x: p.x - cy.width() / 2, y: p.y - cy.height() / 2};", id);
        new Actions(driver).moveToElement(driver.findElement(By.id("graph")), at.get("x").intValue(), at.get("y").intValue())
            .click().perform();
    }

    /** Saves what the page shows to {@code target/screenshots/<name>}, the test artifact. */
    void screenshot(final String name) throws IOException {
        // let the renderer paint what the model holds: two animation frames
        ((JavascriptExecutor) driver).executeAsyncScript(
            "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));");
        final Path dir = Path.of(System.getProperty("basedir", "."), "target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            delete(profile);
        }
    }

    private static void delete(final Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    private static Optional<Path> executable(final String... names) {
        final List<Path> candidates = new ArrayList<>();
        for (final String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            for (final String name : names) {
                candidates.add(Path.of(dir, name));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }
}
