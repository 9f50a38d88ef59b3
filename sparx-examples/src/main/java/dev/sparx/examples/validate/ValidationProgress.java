package dev.sparx.examples.validate;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The validation's progress bar on stderr: images done, images/s, ETA and the running top-1. */
public final class ValidationProgress implements AutoCloseable {

    private final ProgressBar bar;

    /**
     * Starts the bar.
     *
     * @param images images to go through
     * @param enabled false to draw nothing
     */
    public ValidationProgress(long images, boolean enabled) {
        bar = enabled
                ? new ProgressBarBuilder().setTaskName("validate").setInitialMax(images).setUnit(" img", 1)
                        .showSpeed().setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build()
                : null;
    }

    /**
     * Records progress.
     *
     * @param done images handled so far
     * @param top1 running top-1 in percent
     */
    public void update(long done, double top1) {
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(String.format(Locale.ROOT, " top-1 %.2f%%", top1));
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
