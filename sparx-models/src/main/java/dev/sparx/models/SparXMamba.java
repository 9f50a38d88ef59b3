package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;
import dev.sparx.core.SparxException;
import dev.sparx.kernels.ArrayScope;
import dev.sparx.kernels.SelectiveScan;
import dev.sparx.kernels.SelectiveScans;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * SparX-Mamba: the stem, four {@link Stage}s and the classifier, as one DJL block that works with
 * {@code Model}, {@code Predictor} and {@code Trainer}. ARCHITECTURE.md, "Backbone":
 * <pre>
 * x = stem(x); for each stage: x = stage(x); logits = Linear(mean_hw(GN(x)))
 * </pre>
 * Its parameters are named so that {@link StateDictKeys} maps them one-to-one onto the authors'
 * state-dict keys. Input: a float32 batch (B, 3, H, W); output: logits (B, classes).
 */
public final class SparXMamba extends AbstractBlock {

    private final SparXConfig config;
    private final SelectiveScan scan;
    private final Stem stem;
    private final List<Stage> stages = new ArrayList<>();
    private final ClassifierHead head;

    private SparXMamba(Builder builder) {
        config = builder.config;
        scan = builder.scan;
        stem = addChildBlock("patch_embed", new Stem(config.stemType(), config.dim(0)));
        for (int s = 0; s < SparXConfig.STAGES; s++) {
            stages.add(addChildBlock("layers." + s, new Stage(config, s, builder.scan)));
        }
        head = addChildBlock("classifier", new ClassifierHead(config.dim(SparXConfig.STAGES - 1), config.numClasses()));
        // the authors' initialisation for training from scratch: truncated normal, std 0.02, for
        // convolution and linear weights; norms, layer scales and the SSM set their own
        setInitializer(new TruncatedNormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the configuration this network was built from */
    public SparXConfig getConfig() {
        return config;
    }

    /** @return the selective-scan implementation the token mixers call */
    public SelectiveScan getSelectiveScan() {
        return scan;
    }

    /** @return the stem */
    public Stem getStem() {
        return stem;
    }

    /** @return the four stages */
    public List<Stage> getStages() {
        return Collections.unmodifiableList(stages);
    }

    /** @return the classifier */
    public ClassifierHead getHead() {
        return head;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = checkInput(inputs);
        try (ArrayScope scope = ArrayScope.of(x)) {
            NDArray h = stem.forward(parameterStore, new NDList(x), training, params).head();
            for (Stage stage : stages) {
                h = stage.forward(parameterStore, new NDList(h), training, params).get(1);
            }
            return scope.keep(head.forward(parameterStore, new NDList(h), training, params));
        }
    }

    /**
     * Runs the backbone and returns its features instead of the logits.
     *
     * @param parameterStore the parameters
     * @param inputs the batch, (B, 3, H, W) float32
     * @param training whether in training mode
     * @return the four stage outputs before their downsamples, (B, dims[i], H/4/2^i, W/4/2^i)
     *     (rounded up), then the pooled embedding the classifier's linear layer reads, (B, dims[3])
     */
    public NDList forwardFeatures(ParameterStore parameterStore, NDList inputs, boolean training) {
        if (training && !isInitialized()) {
            initialize(parameterStore.getManager(), DataType.FLOAT32, inputs.getShapes());
        }
        NDArray x = checkInput(inputs);
        try (ArrayScope scope = ArrayScope.of(x)) {
            NDList features = new NDList();
            NDArray h = stem.forward(parameterStore, new NDList(x), training, null).head();
            for (Stage stage : stages) {
                NDList out = stage.forward(parameterStore, new NDList(h), training, null);
                features.add(out.get(0));
                h = out.get(1);
            }
            features.add(head.embed(parameterStore, h, training));
            return scope.keep(features);
        }
    }

    private NDArray checkInput(NDList inputs) {
        if (inputs.size() != 1) {
            throw new SparxException("SparX-Mamba takes one input, an image batch (B, 3, H, W); got " + inputs.size());
        }
        NDArray x = inputs.head();
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != SparXConfig.IN_CHANNELS || x.getDataType() != DataType.FLOAT32
                || s.get(0) < 1 || s.get(2) < 1 || s.get(3) < 1) {
            throw new SparxException(
                    "SparX-Mamba input must be a float32 image batch (B, 3, H, W); got "
                            + x.getDataType().name().toLowerCase(Locale.ROOT) + " " + s);
        }
        return x;
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.numClasses())};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        stem.initialize(manager, dataType, inputShapes);
        Shape[] x = stem.getOutputShapes(inputShapes);
        for (Stage stage : stages) {
            stage.initialize(manager, dataType, x);
            x = new Shape[] {stage.getOutputShapes(x)[1]};
        }
        head.initialize(manager, dataType, x);
    }

    @Override
    public String toString() {
        return "SparXMamba" + config;
    }

    /** Builds a {@link SparXMamba}. */
    public static final class Builder {
        private SparXConfig config;
        private SelectiveScan scan;

        private Builder() {}

        /**
         * @param config a variant's or a custom configuration
         * @return this
         */
        public Builder setConfig(SparXConfig config) {
            this.config = config;
            return this;
        }

        /**
         * @param scan the selective-scan implementation (default: {@link SelectiveScans#auto()})
         * @return this
         */
        public Builder optSelectiveScan(SelectiveScan scan) {
            this.scan = scan;
            return this;
        }

        /**
         * @return the network, uninitialised: call {@code initialize} (or let a {@code Trainer} do
         *     it) before loading a state dict
         */
        public SparXMamba build() {
            if (config == null) {
                throw new SparxException("SparXMamba.builder() needs a config: setConfig(SparXConfig.variant(...))");
            }
            if (scan == null) {
                scan = SelectiveScans.auto();
            }
            return new SparXMamba(this);
        }
    }
}
