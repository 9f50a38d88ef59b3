package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NdArraySelectiveScanTest {

    private final SelectiveScan scan = new NdArraySelectiveScan();

    /** Random inputs of the scan in the interface's spatial layout, as float64 host arrays. */
    private static final class Case {
        final int batch;
        final int channels;
        final int n;
        final int height;
        final int width;
        final double[][] inputs; // u, delta, a, b, c, d, deltaBias

        Case(Random rnd, int batch, int channels, int n, int height, int width, double deltaScale, double aLogScale) {
            this.batch = batch;
            this.channels = channels;
            this.n = n;
            this.height = height;
            this.width = width;
            int l = height * width;
            int kd = 4 * channels;
            double[] aLogs = gaussian(rnd, kd * n, aLogScale);
            double[] a = new double[aLogs.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = -Math.exp(aLogs[i]);
            }
            inputs =
                    new double[][] {
                        gaussian(rnd, batch * channels * l, 1),
                        gaussian(rnd, batch * kd * l, deltaScale),
                        a,
                        gaussian(rnd, batch * 4 * n * l, 1),
                        gaussian(rnd, batch * 4 * n * l, 1),
                        gaussian(rnd, kd, 1),
                        gaussian(rnd, kd, 1)
                    };
        }

        Shape[] shapes() {
            int kd = 4 * channels;
            return new Shape[] {
                new Shape(batch, channels, height, width),
                new Shape(batch, 4, channels, height, width),
                new Shape(kd, n),
                new Shape(batch, 4, n, height, width),
                new Shape(batch, 4, n, height, width),
                new Shape(kd),
                new Shape(kd)
            };
        }

        double[] reference() {
            return SequentialReference.crossScanMerge(
                    inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], inputs[5], inputs[6],
                    batch, channels, n, height, width);
        }

        NDList arrays(NDManager manager, DataType type) {
            NDList list = new NDList();
            Shape[] shapes = shapes();
            for (int i = 0; i < inputs.length; i++) {
                list.add(manager.create(inputs[i], shapes[i]).toType(type, false));
            }
            return list;
        }
    }

    private static double[] gaussian(Random rnd, int size, double scale) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = scale * rnd.nextGaussian();
        }
        return v;
    }

    private NDArray run(NDList in) {
        return scan.crossScanMerge(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5), in.get(6));
    }

    @Test
    void matchesSequentialReferenceOnNonSquareMaps() {
        Random rnd = new Random(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int n : new int[] {1, 2}) {
                Case c = new Case(rnd, 2, 3, n, 5, 7, 1, 1);
                NDArray y = run(c.arrays(manager, DataType.FLOAT32));
                assertEquals(new Shape(2, 3, 5, 7), y.getShape());
                assertEquals(DataType.FLOAT32, y.getDataType());
                double err = SequentialReference.relativeL2(SequentialReference.toDouble(y.toFloatArray()), c.reference());
                assertTrue(err < 2e-6, "N=" + n + ": relative L2 error " + err);
            }
        }
    }

    @Test
    void staysAccurateForExtremeStepsAndDecays() {
        // delta up to about +-60 (softplus past its linear threshold, and down to e^-60) and A down
        // to -e^9: per-step decays from 1 to exactly 0
        Random rnd = new Random(4);
        try (NDManager manager = NDManager.newBaseManager()) {
            Case c = new Case(rnd, 1, 4, 1, 12, 9, 20, 3);
            NDArray y = run(c.arrays(manager, DataType.FLOAT32));
            double err = SequentialReference.relativeL2(SequentialReference.toDouble(y.toFloatArray()), c.reference());
            assertTrue(err < 2e-6, "relative L2 error " + err);
            assertEquals(0, y.isNaN().sum().getLong(), "no NaN");
        }
    }

    @Test
    void matchesTheAuthorsScanOnTinyTStageOne() {
        GoldenScan golden = GoldenScan.load(GoldenScan.TINY_T);
        try (NDManager manager = NDManager.newBaseManager()) {
            double err = ScanCase.relativeError(golden.input.run(scan, manager), golden.merged);
            assertTrue(err < 2e-6, "relative L2 error " + err);
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesOfTheReference() {
        Random rnd = new Random(5);
        Case c = new Case(rnd, 1, 2, 2, 3, 4, 1, 1);
        double[] weights = gaussian(rnd, 2 * 3 * 4, 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList in = c.arrays(manager, DataType.FLOAT64);
            for (NDArray x : in) {
                x.setRequiresGradient(true);
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = run(in).mul(manager.create(weights, new Shape(1, 2, 3, 4))).sum();
                gc.backward(loss);
            }
            double eps = 1e-6;
            for (int i = 0; i < c.inputs.length; i++) {
                double[] grad = in.get(i).getGradient().toDoubleArray();
                double[] numeric = new double[grad.length];
                for (int j = 0; j < grad.length; j++) {
                    double saved = c.inputs[i][j];
                    c.inputs[i][j] = saved + eps;
                    double plus = dot(c.reference(), weights);
                    c.inputs[i][j] = saved - eps;
                    double minus = dot(c.reference(), weights);
                    c.inputs[i][j] = saved;
                    numeric[j] = (plus - minus) / (2 * eps);
                }
                double err = SequentialReference.relativeL2(grad, numeric);
                assertTrue(err < 1e-6, "input " + i + ": relative L2 error of the gradient " + err);
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
