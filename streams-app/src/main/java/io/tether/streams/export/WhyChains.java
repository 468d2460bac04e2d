package io.tether.streams.export;

/**
 * Explains why a member AP is in the queried AP's migration set, as readable text such as
 * {@code a@h1 -[connects :5432]-> b@h2}. The path itself is computed by the query layer from the
 * component's couplings; exports only print it.
 */
@FunctionalInterface
public interface WhyChains {

    /** No explanations: every {@code why} column stays empty. */
    WhyChains NONE = ap -> "";

    /** @return the chain from the queried AP to {@code ap}; empty for the queried AP itself or when unknown */
    String describe(String ap);
}
