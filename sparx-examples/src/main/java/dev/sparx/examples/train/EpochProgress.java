package dev.sparx.examples.train;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr for one epoch: images done, images/s, ETA, running loss and lr. */
final class EpochProgress implements AutoCloseable {

    private final ProgressBar bar;

    /**
     * Starts the bar.
     *
     * @param title e.g. {@code epoch 3/10}
     * @param images images in the epoch
     * @param enabled false to draw nothing (tests)
     */
    EpochProgress(String title, long images, boolean enabled) {
        this.bar = enabled
                ? new ProgressBarBuilder().setTaskName(title).setInitialMax(images).setUnit(" img", 1).showSpeed()
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build()
                : null;
    }

    /**
     * Records a finished step.
     *
     * @param images images in the step
     * @param meanLoss running mean training loss
     * @param lr the step's learning rate
     */
    void step(int images, double meanLoss, double lr) {
        if (bar != null) {
            bar.stepBy(images);
            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f lr %.2e", meanLoss, lr));
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
