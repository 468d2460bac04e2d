package io.tether.testkit.netns;

import io.tether.netns.NamespacesUnavailableException;
import io.tether.netns.NetnsHosts;
import org.junit.jupiter.api.Assumptions;

/** {@link NetnsHosts} for tests: where namespaces are not permitted, the calling test is skipped, not failed. */
public final class TestHosts {
    private TestHosts() {
    }

    /** {@code count} simulated hosts (see {@link NetnsHosts#create}); skips the test when namespaces are not allowed. */
    public static NetnsHosts create(final int count) {
        try {
            return NetnsHosts.create(count);
        } catch (final NamespacesUnavailableException e) {
            Assumptions.abort(e.getMessage());
            throw new AssertionError("unreachable");
        }
    }
}
