package dev.sparx.examples.train;

import dev.sparx.core.SparxException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The training curves as one PNG of three panels over epochs: losses (train and validation),
 * validation top-1 (and the EMA's), and the learning rate.
 */
public final class CurvePlot {

    private static final int PANEL_WIDTH = 420;
    private static final int PANEL_HEIGHT = 320;

    private CurvePlot() {}

    /**
     * Draws the curves.
     *
     * @param rows the epochs so far, at least one
     * @param out where the PNG goes
     * @throws IOException if writing fails
     */
    public static void write(List<EpochMetrics> rows, OutputStream out) throws IOException {
        if (rows.isEmpty()) {
            throw new SparxException("no epochs to plot");
        }
        System.setProperty("java.awt.headless", "true");
        XYChart loss = panel("Loss", "cross-entropy");
        series(loss, "train (smoothed)", rows, EpochMetrics::trainLoss);
        series(loss, "validation", rows, EpochMetrics::valLoss);
        XYChart top1 = panel("Validation top-1", "%");
        series(top1, "model", rows, EpochMetrics::valTop1);
        series(top1, "EMA", rows, EpochMetrics::emaTop1);
        XYChart lr = panel("Learning rate (end of epoch)", "lr");
        series(lr, "lr", rows, EpochMetrics::lr);
        BitmapEncoder.saveBitmap(List.of(loss, top1, lr), 1, 3, out, BitmapEncoder.BitmapFormat.PNG);
    }

    private static XYChart panel(String title, String yTitle) {
        XYChart chart =
                new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title).xAxisTitle("epoch")
                        .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        return chart;
    }

    private static void series(XYChart chart, String name, List<EpochMetrics> rows, ToDoubleFunction<EpochMetrics> f) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (EpochMetrics r : rows) {
            double v = f.applyAsDouble(r);
            if (!Double.isNaN(v)) {
                x.add((double) r.epoch());
                y.add(v);
            }
        }
        if (!x.isEmpty()) {
            chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
        }
    }
}
