package io.tether.streams.query;

/**
 * One link of a {@code why} chain, oriented along the chain (from the member nearer the queried AP to the next one).
 *
 * @param from   the AP the step starts at
 * @param to     the next member: an AP, or for the last step of a file's chain the file ({@code host:path})
 * @param kind   {@code CONNECTS}, {@code SHARES_WRITTEN_FILE} or {@code OPENS}
 * @param detail the evidence as the model records it (address, shared file, or the access mode for {@code OPENS})
 * @param text   the step as a sentence, for people
 */
public record WhyStep(String from, String to, String kind, String detail, String text) {
}
