package dev.sparx.models;

import dev.sparx.core.SparxException;

/**
 * A state dict that does not fit a network in strict loading. The message lists the first keys of
 * each problem; {@link #report()} has them all.
 */
public final class StateDictMismatchException extends SparxException {

    private static final long serialVersionUID = 1L;

    /** What would have been loaded and skipped; not serialised. */
    private final transient LoadReport report;

    /**
     * @param report every missing, unexpected and mismatched key
     */
    public StateDictMismatchException(LoadReport report) {
        super("state dict does not fit the model: " + report.describe().replaceFirst("^\\d+ entries loaded; ", ""));
        this.report = report;
    }

    /** @return every missing, unexpected and mismatched key; nothing was loaded */
    public LoadReport report() {
        return report;
    }
}
