package dev.sparx.examples.validate;

/**
 * The outcome of a validation run, in timm's units.
 *
 * @param images images evaluated
 * @param skipped images left out because they could not be decoded
 * @param top1 percentage of images whose best class is the label
 * @param top5 percentage whose label is among the five best classes (all K if K is below five)
 * @param loss mean cross-entropy over the images
 * @param seconds wall time of the run
 * @param waitSeconds of that, the time the model waited for the loader's next batch (decoding and
 *     preprocessing); near zero when the model is the bottleneck, as it should be
 */
public record ValidationResult(
        long images, long skipped, double top1, double top5, double loss, double seconds, double waitSeconds) {

    /** @return images evaluated per second of wall time */
    public double imagesPerSecond() {
        return images / seconds;
    }
}
