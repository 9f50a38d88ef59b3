package dev.sparx.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.UniformInitializer;
import dev.sparx.kernels.ArrayScope;
import dev.sparx.kernels.CrossScan;
import dev.sparx.kernels.SelectiveScan;
import java.util.List;

/**
 * The SSM over four scan directions (the authors' {@code forward_ssm}): per-position projections of
 * the D-channel map into step sizes (rank R, then D per direction), B and C (N each per direction),
 * then the {@link SelectiveScan}. Its parameters (x_proj_weight, dt_projs_weight, dt_projs_bias,
 * A_logs, Ds) belong to the {@link TokenMixer} in the state dict, so this is not a block of its
 * own: the mixer registers them.
 *
 * <p>The projections commute with the cross scan, so they run once on the map in spatial order:
 * x_proj as one (K*(R+2N), D) by (D, L) matrix product per image; dt_projs, K products (D, R) by
 * (R, L), are left to the scan ({@link SelectiveScan#crossScanMergeLowRank}), which may expand them
 * where it reads the step sizes instead of writing the (B, K, D, H, W) array.
 */
final class FourDirectionSsm {

    private static final int K = CrossScan.K;

    private final int inner;
    private final int rank;
    private final int state;
    private final SelectiveScan scan;
    private final Parameter xProjWeight;
    private final Parameter dtProjsWeight;
    private final Parameter dtProjsBias;
    private final Parameter aLogs;
    private final Parameter ds;

    /**
     * @param inner D, the inner width
     * @param rank R, the step-size rank
     * @param state N, the state size
     * @param scan the selective-scan implementation
     */
    FourDirectionSsm(int inner, int rank, int state, SelectiveScan scan) {
        this.inner = inner;
        this.rank = rank;
        this.state = state;
        this.scan = scan;
        // initial values as the authors' code: x_proj as torch's Linear default, U(+-1/sqrt(D));
        // dt_projs U(+-R^-0.5); a bias that makes softplus(bias) log-uniform in [1e-3, 1e-1];
        // A = -(1..N); D = 1
        xProjWeight =
                parameter("x_proj_weight", new Shape(K * (rank + 2L * state), inner, 1),
                        new UniformInitializer((float) (1 / Math.sqrt(inner))));
        dtProjsWeight =
                parameter("dt_projs_weight", new Shape(K, inner, rank),
                        new UniformInitializer((float) (1 / Math.sqrt(rank))));
        dtProjsBias = parameter("dt_projs_bias", new Shape(K, inner), FourDirectionSsm::stepBias);
        aLogs =
                parameter("A_logs", new Shape((long) K * inner, state),
                        (m, shape, type) -> m.ones(shape, type).mul(m.arange(1, state + 1, 1, type).log()));
        ds = parameter("Ds", new Shape((long) K * inner), (m, shape, type) -> m.ones(shape, type));
    }

    private static Parameter parameter(String name, Shape shape, Initializer init) {
        return Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape).optInitializer(init)
                .build();
    }

    /** softplus^-1 of dt, dt log-uniform in [1e-3, 1e-1] and at least 1e-4 (the authors' dt_init). */
    private static NDArray stepBias(NDManager m, Shape shape, DataType type) {
        double lo = Math.log(1e-3);
        double hi = Math.log(1e-1);
        NDArray dt = m.randomUniform((float) lo, (float) hi, shape, type).exp().maximum(1e-4f);
        return dt.add(dt.neg().exp().neg().add(1).log());
    }

    /** @return the parameters in the authors' order */
    List<Parameter> parameters() {
        return List.of(xProjWeight, dtProjsWeight, dtProjsBias, aLogs, ds);
    }

    /**
     * @param parameterStore the parameters
     * @param z the scanned map, (B, D, H, W)
     * @param training whether in training mode
     * @return the four directions' outputs merged, (B, D, H, W)
     */
    NDArray forward(ParameterStore parameterStore, NDArray z, boolean training) {
        Device device = z.getDevice();
        Shape s = z.getShape();
        long batch = s.get(0);
        long height = s.get(2);
        long width = s.get(3);
        long rows = rank + 2L * state;
        try (ArrayScope scope = ArrayScope.of(z)) {
            // matrix products rather than 1x1 convolutions: with one libtorch thread and a batch below
            // 16, a 1x1 convolution falls onto libtorch's slow path, and the grouped one of dt_projs
            // runs group by group and concatenates
            NDArray xWeight =
                    scope.own(parameterStore.getValue(xProjWeight, device, training).reshape(K * rows, inner));
            // for one image a 2-D product, which libtorch runs on all its threads (a batched product
            // of one matrix runs on one)
            NDArray x = (batch == 1 ? xWeight.matMul(z.reshape(inner, height * width))
                    : xWeight.matMul(z.reshape(batch, inner, height * width))).reshape(batch, K, rows, height * width);
            NDList parts = x.split(new long[] {rank, rank + state}, 2);
            NDArray dtWeight =
                    scope.own(parameterStore.getValue(dtProjsWeight, device, training).reshape(K, inner, rank));
            NDArray a = scope.own(parameterStore.getValue(aLogs, device, training).exp()).neg();
            NDArray bias = scope.own(parameterStore.getValue(dtProjsBias, device, training).reshape((long) K * inner));
            Shape perDirection = new Shape(batch, K, state, height, width);
            NDArray y =
                    scan.crossScanMergeLowRank(
                            z,
                            parts.get(0).reshape(batch, K, rank, height, width),
                            dtWeight,
                            a,
                            parts.get(1).reshape(perDirection),
                            parts.get(2).reshape(perDirection),
                            parameterStore.getValue(ds, device, training),
                            bias);
            return scope.keep(y);
        }
    }

    /**
     * Multiply-accumulates for one image: the projections, and the scan as
     * 9*L*(K*D)*N + L*(K*D), the count VMamba-style FLOP tables use.
     *
     * @param tokens L = H*W
     * @return the count
     */
    long macs(long tokens) {
        long kd = (long) K * inner;
        long projections = tokens * inner * K * (rank + 2L * state) + tokens * kd * rank;
        return projections + 9 * tokens * kd * state + tokens * kd;
    }
}
