package dev.sparx.examples.train;

/**
 * What one epoch measured; a row of {@code metrics.csv}. Accuracies are percentages; EMA figures
 * are NaN when the EMA is off.
 *
 * @param epoch the epoch, from 1
 * @param step global optimiser steps done at its end
 * @param lr the learning rate of its last step
 * @param trainLoss mean training loss (label-smoothed) over its steps
 * @param valLoss mean validation cross-entropy
 * @param valTop1 validation top-1
 * @param valTop5 validation top-5
 * @param emaTop1 validation top-1 of the EMA weights
 * @param emaTop5 validation top-5 of the EMA weights
 * @param imagesPerSecond training throughput (forward, backward and update; evaluation excluded)
 * @param seconds wall time of the epoch, evaluation included
 */
public record EpochMetrics(
        int epoch,
        long step,
        double lr,
        double trainLoss,
        double valLoss,
        double valTop1,
        double valTop5,
        double emaTop1,
        double emaTop5,
        double imagesPerSecond,
        double seconds) {

    /** The CSV header, in field order. */
    public static final String HEADER =
            "epoch,step,lr,train_loss,val_loss,val_top1,val_top5,ema_top1,ema_top5,images_per_s,seconds";

    /** @return this row as CSV, NaN written as an empty field */
    public String toCsv() {
        return epoch + "," + step + "," + num(lr) + "," + num(trainLoss) + "," + num(valLoss) + "," + num(valTop1)
                + "," + num(valTop5) + "," + num(emaTop1) + "," + num(emaTop5) + "," + num(imagesPerSecond) + ","
                + num(seconds);
    }

    /**
     * Parses a row written by {@link #toCsv()}.
     *
     * @param line the row
     * @return the metrics
     * @throws dev.sparx.core.SparxException if it does not have the columns of {@link #HEADER}
     */
    public static EpochMetrics parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 11) {
            throw new dev.sparx.core.SparxException(
                    "metrics row '" + line + "' does not have the 11 columns " + HEADER);
        }
        return new EpochMetrics(
                Integer.parseInt(f[0]), Long.parseLong(f[1]), val(f[2]), val(f[3]), val(f[4]), val(f[5]),
                val(f[6]), val(f[7]), val(f[8]), val(f[9]), val(f[10]));
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static double val(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }
}
