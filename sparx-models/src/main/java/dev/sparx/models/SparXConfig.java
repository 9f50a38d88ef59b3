package dev.sparx.models;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.sparx.core.SparxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The configuration of a SparX-Mamba network: the released variants ({@link #variant(String)}) and
 * custom ones read from JSON ({@link #fromJson(String)}), validated so that every configuration that
 * exists can be built. ARCHITECTURE.md, "Variants" and "Which blocks are cross layers", defines the
 * fields; what all variants share (ssm ratio 2, d_state 1, dt rank ceil(dim/16), conv kernel 5, MLP
 * ratio 4, layer scale in stages 3 and 4, 3 input channels) is fixed here.
 */
public final class SparXConfig {

    /** Stages of the backbone. */
    public static final int STAGES = 4;
    /** Input channels (RGB). */
    public static final int IN_CHANNELS = 3;
    /** d_inner / dim. */
    public static final int SSM_RATIO = 2;
    /** N, the state size of the selective scan. */
    public static final int D_STATE = 1;
    /** Kernel of the depthwise convolution before the SSM. */
    public static final int SSM_CONV = 5;
    /** Hidden width / dim of the MLP. */
    public static final int MLP_RATIO = 4;
    /** Channel-attention groups of the cross-layer token mixer. */
    public static final int ATTENTION_GROUPS = 4;

    /** The two stems: v1 has two convolutions, v2 three. */
    public enum StemType {
        /** conv s2, BN, GELU, conv s2, BN. */
        V1,
        /** conv s2, BN, GELU, conv s1, BN, GELU, conv s2, BN. */
        V2
    }

    private static final Map<String, SparXConfig> VARIANTS = new LinkedHashMap<>();

    static {
        int[] maxDepth = {100, 100, 3, 100};
        int[] sr = {8, 4, 2, 1};
        VARIANTS.put(
                "sparx_mamba_t",
                builder().setDepths(2, 2, 7, 2).setDims(96, 192, 320, 512).setStemType(StemType.V1)
                        .setDenseStep(1, 1, 2, 1).setDenseStart(100, 1, 0, 0).setMaxDenseDepth(maxDepth)
                        .setSrRatio(sr).optCropPct(0.9).build());
        VARIANTS.put(
                "sparx_mamba_s",
                builder().setDepths(2, 2, 17, 2).setDims(96, 192, 328, 544).setStemType(StemType.V2)
                        .setDenseStep(1, 1, 3, 1).setDenseStart(100, 1, 0, 0).setMaxDenseDepth(maxDepth)
                        .setSrRatio(sr).optCropPct(0.95).build());
        VARIANTS.put(
                "sparx_mamba_b",
                builder().setDepths(2, 2, 21, 3).setDims(120, 240, 396, 636).setStemType(StemType.V2)
                        .setDenseStep(1, 1, 3, 2).setDenseStart(100, 1, 0, 2).setMaxDenseDepth(maxDepth)
                        .setSrRatio(sr).optCropPct(0.95).build());
    }

    private final int[] depths;
    private final int[] dims;
    private final StemType stemType;
    private final int[] denseStep;
    private final int[] denseStart;
    private final int[] maxDenseDepth;
    private final boolean[] crossStage;
    private final int[] srRatio;
    private final int numClasses;
    private final double dropPathRate;
    private final double cropPct;

    private SparXConfig(Builder b) {
        depths = b.depths.clone();
        dims = b.dims.clone();
        stemType = b.stemType;
        denseStep = b.denseStep.clone();
        denseStart = b.denseStart.clone();
        maxDenseDepth = b.maxDenseDepth.clone();
        crossStage = b.crossStage.clone();
        srRatio = b.srRatio.clone();
        numClasses = b.numClasses;
        dropPathRate = b.dropPathRate;
        cropPct = b.cropPct;
    }

    /** @return the names {@link #variant(String)} accepts */
    public static List<String> variantNames() {
        return List.copyOf(VARIANTS.keySet());
    }

    /**
     * A released variant.
     *
     * @param name {@code sparx_mamba_t}, {@code sparx_mamba_s} or {@code sparx_mamba_b}
     * @return its configuration (1000 classes, no drop path)
     * @throws SparxException for other names
     */
    public static SparXConfig variant(String name) {
        SparXConfig c = VARIANTS.get(name);
        if (c == null) {
            throw new SparxException("unknown model '" + name + "'; expected one of " + variantNames());
        }
        return c;
    }

    /** @return a builder for a custom configuration */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder that starts from this configuration, e.g. to change the head's classes */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.depths = depths.clone();
        b.dims = dims.clone();
        b.stemType = stemType;
        b.denseStep = denseStep.clone();
        b.denseStart = denseStart.clone();
        b.maxDenseDepth = maxDenseDepth.clone();
        b.crossStage = crossStage.clone();
        b.srRatio = srRatio.clone();
        b.numClasses = numClasses;
        b.dropPathRate = dropPathRate;
        b.cropPct = cropPct;
        return b;
    }

    /**
     * Reads a configuration file.
     *
     * @param file JSON as described at {@link #fromJson(String)}
     * @return the configuration
     * @throws SparxException naming the file and what is wrong in it
     */
    public static SparXConfig fromJson(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new SparxException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        try {
            return fromJson(text);
        } catch (SparxException e) {
            throw new SparxException("config file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses a configuration in the form of the {@code config} object of the golden cases:
     * <pre>{"depths": [2, 2, 7, 2], "dims": [96, 192, 320, 512], "stem_type": "v1",
     *  "dense_config": {"dense_step": [1, 1, 2, 1], "dense_start": [100, 1, 0, 0],
     *                   "max_dense_depth": [100, 100, 3, 100], "cross_stage": [false, false, false, false]},
     *  "sr_ratio": [8, 4, 2, 1], "num_classes": 1000}</pre>
     * with the optional {@code drop_path_rate} (default 0) and {@code crop_pct} (default 0.9).
     * Unknown and missing fields are errors.
     *
     * @param json the text
     * @return the configuration
     * @throws SparxException naming the field that is missing, unknown, mistyped or impossible
     */
    public static SparXConfig fromJson(String json) {
        JsonObject root;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new SparxException("a config must be a JSON object, got " + e);
            }
            root = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new SparxException("config is not valid JSON: " + e.getMessage(), e);
        }
        checkFields(root, "", Set.of("depths", "dims", "stem_type", "dense_config", "sr_ratio", "num_classes"),
                Set.of("drop_path_rate", "crop_pct"));
        JsonObject dense = object(root, "dense_config");
        checkFields(dense, "dense_config.", Set.of("dense_step", "dense_start", "max_dense_depth", "cross_stage"),
                Set.of());
        Builder b =
                builder()
                        .setDepths(ints(root, "depths", ""))
                        .setDims(ints(root, "dims", ""))
                        .setStemType(stemType(root))
                        .setDenseStep(ints(dense, "dense_step", "dense_config."))
                        .setDenseStart(ints(dense, "dense_start", "dense_config."))
                        .setMaxDenseDepth(ints(dense, "max_dense_depth", "dense_config."))
                        .setCrossStage(booleans(dense, "cross_stage", "dense_config."))
                        .setSrRatio(ints(root, "sr_ratio", ""))
                        .setNumClasses(integer(root.get("num_classes"), "num_classes"));
        if (root.has("drop_path_rate")) {
            b.optDropPathRate(number(root.get("drop_path_rate"), "drop_path_rate"));
        }
        if (root.has("crop_pct")) {
            b.optCropPct(number(root.get("crop_pct"), "crop_pct"));
        }
        return b.build();
    }

    /** @return this configuration as JSON, in the form {@link #fromJson(String)} reads */
    public String toJson() {
        JsonObject dense = new JsonObject();
        dense.add("dense_step", array(denseStep));
        dense.add("dense_start", array(denseStart));
        dense.add("max_dense_depth", array(maxDenseDepth));
        JsonArray cross = new JsonArray();
        for (boolean c : crossStage) {
            cross.add(c);
        }
        dense.add("cross_stage", cross);
        JsonObject o = new JsonObject();
        o.add("depths", array(depths));
        o.add("dims", array(dims));
        o.addProperty("stem_type", stemType.name().toLowerCase(Locale.ROOT));
        o.add("dense_config", dense);
        o.add("sr_ratio", array(srRatio));
        o.addProperty("num_classes", numClasses);
        o.addProperty("drop_path_rate", dropPathRate);
        o.addProperty("crop_pct", cropPct);
        return o.toString();
    }

    private static JsonArray array(int[] values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    private static void checkFields(JsonObject o, String prefix, Set<String> required, Set<String> optional) {
        for (String key : o.keySet()) {
            if (!required.contains(key) && !optional.contains(key)) {
                List<String> known = new ArrayList<>(required);
                known.addAll(optional);
                known.sort(null);
                throw new SparxException("unknown config field '" + prefix + key + "'; known fields: " + known);
            }
        }
        List<String> sorted = new ArrayList<>(required);
        sorted.sort(null);
        for (String key : sorted) {
            if (!o.has(key)) {
                throw new SparxException("config field '" + prefix + key + "' is missing");
            }
        }
    }

    private static JsonObject object(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (!e.isJsonObject()) {
            throw new SparxException("config field '" + key + "' must be an object, got " + e);
        }
        return e.getAsJsonObject();
    }

    private static StemType stemType(JsonObject o) {
        JsonElement e = o.get("stem_type");
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            switch (e.getAsString()) {
                case "v1":
                    return StemType.V1;
                case "v2":
                    return StemType.V2;
                default:
                    break;
            }
        }
        throw new SparxException("config field 'stem_type' must be \"v1\" or \"v2\", got " + e);
    }

    private static JsonArray stageArray(JsonObject o, String key, String prefix) {
        JsonElement e = o.get(key);
        if (!e.isJsonArray() || e.getAsJsonArray().size() != STAGES) {
            throw new SparxException(
                    "config field '" + prefix + key + "' must be an array of " + STAGES + " values, one per stage, got "
                            + e);
        }
        return e.getAsJsonArray();
    }

    private static int[] ints(JsonObject o, String key, String prefix) {
        JsonArray a = stageArray(o, key, prefix);
        int[] out = new int[STAGES];
        for (int i = 0; i < STAGES; i++) {
            out[i] = integer(a.get(i), prefix + key + "[" + i + "]");
        }
        return out;
    }

    private static boolean[] booleans(JsonObject o, String key, String prefix) {
        JsonArray a = stageArray(o, key, prefix);
        boolean[] out = new boolean[STAGES];
        for (int i = 0; i < STAGES; i++) {
            JsonElement e = a.get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw new SparxException("config field '" + prefix + key + "[" + i + "]' must be true or false, got " + e);
            }
            out[i] = e.getAsBoolean();
        }
        return out;
    }

    private static int integer(JsonElement e, String field) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            double v = e.getAsDouble();
            if (v == Math.rint(v) && Math.abs(v) <= Integer.MAX_VALUE) {
                return (int) v;
            }
        }
        throw new SparxException("config field '" + field + "' must be an integer, got " + e);
    }

    private static double number(JsonElement e, String field) {
        if (e.isJsonPrimitive() && ((JsonPrimitive) e).isNumber()) {
            return e.getAsDouble();
        }
        throw new SparxException("config field '" + field + "' must be a number, got " + e);
    }

    /** @return blocks per stage */
    public int[] depths() {
        return depths.clone();
    }

    /**
     * @param stage 0..3
     * @return the number of blocks of the stage
     */
    public int depth(int stage) {
        return depths[stage];
    }

    /** @return channel widths per stage */
    public int[] dims() {
        return dims.clone();
    }

    /**
     * @param stage 0..3
     * @return the stage's width, dim
     */
    public int dim(int stage) {
        return dims[stage];
    }

    /** @return the stem */
    public StemType stemType() {
        return stemType;
    }

    /**
     * @param stage 0..3
     * @return the spacing of the stage's cross-layer blocks
     */
    public int denseStep(int stage) {
        return denseStep[stage];
    }

    /**
     * @param stage 0..3
     * @return the lowest block index that may be a cross layer
     */
    public int denseStart(int stage) {
        return denseStart[stage];
    }

    /**
     * @param stage 0..3
     * @return how many cross-layer outputs the stage keeps for later cross layers
     */
    public int maxDenseDepth(int stage) {
        return maxDenseDepth[stage];
    }

    /**
     * @param stage 0..3
     * @return whether the previous stage's output joins the cross list (else the inner list)
     */
    public boolean crossStage(int stage) {
        return crossStage[stage];
    }

    /**
     * @param stage 0..3
     * @return the spatial reduction of q and k in the channel attention
     */
    public int srRatio(int stage) {
        return srRatio[stage];
    }

    /** @return classes of the head */
    public int numClasses() {
        return numClasses;
    }

    /** @return the stochastic-depth rate of the last block (linear from 0 over all blocks) */
    public double dropPathRate() {
        return dropPathRate;
    }

    /** @return the eval crop fraction (resize the shorter side to 224 / cropPct, centre-crop 224) */
    public double cropPct() {
        return cropPct;
    }

    /**
     * The cross-layer blocks of a stage: depth-1, depth-1-step, ... down to dense_start, increasing.
     *
     * @param stage 0..3
     * @return block indices, ascending
     */
    public int[] denseIndices(int stage) {
        List<Integer> idx = new ArrayList<>();
        for (int i = depths[stage] - 1; i >= denseStart[stage]; i -= denseStep[stage]) {
            idx.add(0, i);
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The channel width of the shortcut a cross-layer block reads (its d_norm and d_proj width):
     * dim*(1+j) for the first cross layer at index j, then
     * dim*min(max_dense_depth, cross layers before it) + dim*(dense_step-1), counting the previous
     * stage's output as one when it joins the cross list.
     *
     * @param stage 0..3
     * @param block a cross-layer block of the stage
     * @return the width
     */
    public int shortcutWidth(int stage, int block) {
        int[] idx = denseIndices(stage);
        int dim = dims[stage];
        if (block == idx[0]) {
            return dim * (1 + block);
        }
        int count = crossStage[stage] ? 1 : 0;
        for (int i : idx) {
            if (i == block) {
                break;
            }
            count++;
        }
        return dim * Math.min(maxDenseDepth[stage], count) + dim * (denseStep[stage] - 1);
    }

    /**
     * @param stage 0..3
     * @return R = ceil(dim / 16), the rank of the step-size projection
     */
    public int dtRank(int stage) {
        return (dims[stage] + 15) / 16;
    }

    /**
     * The stochastic-depth rate of each block, linear from 0 to drop_path_rate over all blocks.
     *
     * @param stage 0..3
     * @param block block index in the stage
     * @return the rate
     */
    public double dropPath(int stage, int block) {
        int total = Arrays.stream(depths).sum();
        int index = block;
        for (int s = 0; s < stage; s++) {
            index += depths[s];
        }
        return total == 1 ? 0 : dropPathRate * index / (total - 1);
    }

    /**
     * @param stage 0..3
     * @return whether the stage's blocks have layer scale (stages 3 and 4)
     */
    public boolean layerScale(int stage) {
        return stage >= 2;
    }

    @Override
    public String toString() {
        return toJson();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparXConfig && toJson().equals(((SparXConfig) o).toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    /** Builds and validates a configuration; every field but the optional ones must be set. */
    public static final class Builder {
        private int[] depths;
        private int[] dims;
        private StemType stemType;
        private int[] denseStep;
        private int[] denseStart;
        private int[] maxDenseDepth;
        private boolean[] crossStage = new boolean[STAGES];
        private int[] srRatio;
        private int numClasses = 1000;
        private double dropPathRate;
        private double cropPct = 0.9;

        private Builder() {}

        /**
         * @param depths blocks per stage
         * @return this
         */
        public Builder setDepths(int... depths) {
            this.depths = depths.clone();
            return this;
        }

        /**
         * @param dims widths per stage
         * @return this
         */
        public Builder setDims(int... dims) {
            this.dims = dims.clone();
            return this;
        }

        /**
         * @param stemType v1 or v2
         * @return this
         */
        public Builder setStemType(StemType stemType) {
            this.stemType = stemType;
            return this;
        }

        /**
         * @param denseStep spacing of cross-layer blocks per stage
         * @return this
         */
        public Builder setDenseStep(int... denseStep) {
            this.denseStep = denseStep.clone();
            return this;
        }

        /**
         * @param denseStart lowest cross-layer index per stage
         * @return this
         */
        public Builder setDenseStart(int... denseStart) {
            this.denseStart = denseStart.clone();
            return this;
        }

        /**
         * @param maxDenseDepth cross-layer outputs kept per stage
         * @return this
         */
        public Builder setMaxDenseDepth(int... maxDenseDepth) {
            this.maxDenseDepth = maxDenseDepth.clone();
            return this;
        }

        /**
         * @param crossStage whether the previous stage joins the cross list, per stage (default all false)
         * @return this
         */
        public Builder setCrossStage(boolean... crossStage) {
            this.crossStage = crossStage.clone();
            return this;
        }

        /**
         * @param srRatio spatial reduction of q and k per stage
         * @return this
         */
        public Builder setSrRatio(int... srRatio) {
            this.srRatio = srRatio.clone();
            return this;
        }

        /**
         * @param numClasses classes of the head (default 1000)
         * @return this
         */
        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /**
         * @param dropPathRate stochastic depth of the last block, in [0, 1) (default 0)
         * @return this
         */
        public Builder optDropPathRate(double dropPathRate) {
            this.dropPathRate = dropPathRate;
            return this;
        }

        /**
         * @param cropPct eval crop fraction in (0, 1] (default 0.9)
         * @return this
         */
        public Builder optCropPct(double cropPct) {
            this.cropPct = cropPct;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the configuration
         * @throws SparxException naming the first field that is missing or impossible
         */
        public SparXConfig build() {
            stageValues("depths", depths, 1);
            stageValues("dims", dims, 1);
            if (stemType == null) {
                throw new SparxException("config field 'stem_type' is missing");
            }
            stageValues("dense_config.dense_step", denseStep, 1);
            stageValues("dense_config.dense_start", denseStart, 0);
            stageValues("dense_config.max_dense_depth", maxDenseDepth, 1);
            if (crossStage == null || crossStage.length != STAGES) {
                throw new SparxException("config field 'dense_config.cross_stage' must have " + STAGES + " values");
            }
            stageValues("sr_ratio", srRatio, 1);
            if (numClasses < 1) {
                throw new SparxException("config field 'num_classes' = " + numClasses + " must be at least 1");
            }
            if (!(dropPathRate >= 0 && dropPathRate < 1)) {
                throw new SparxException("config field 'drop_path_rate' = " + dropPathRate + " must be in [0, 1)");
            }
            if (!(cropPct > 0 && cropPct <= 1)) {
                throw new SparxException("config field 'crop_pct' = " + cropPct + " must be in (0, 1]");
            }
            if (dims[0] % 2 != 0) {
                throw new SparxException(
                        "config field 'dims[0]' = " + dims[0] + " is odd; the stem's first convolution has dims[0]/2"
                                + " channels, so it must be even");
            }
            SparXConfig c = new SparXConfig(this);
            for (int s = 0; s < STAGES; s++) {
                int[] dense = c.denseIndices(s);
                if (dense.length == 0) {
                    continue;
                }
                if (s == 0) {
                    throw new SparxException(
                            "config field 'dense_config.dense_start[0]' = " + denseStart[0] + " puts cross-layer block "
                                    + dense[0] + " in stage 1, which has no previous stage to connect; use a value"
                                    + " of at least depths[0] = " + depths[0]);
                }
                if (dims[s] % ATTENTION_GROUPS != 0) {
                    throw new SparxException(
                            "config field 'dims[" + s + "]' = " + dims[s] + " is not divisible by " + ATTENTION_GROUPS
                                    + ": stage " + (s + 1) + " has cross-layer blocks, whose channel attention splits"
                                    + " the channels into " + ATTENTION_GROUPS + " groups");
                }
            }
            return c;
        }

        private static void stageValues(String field, int[] values, int min) {
            if (values == null) {
                throw new SparxException("config field '" + field + "' is missing");
            }
            if (values.length != STAGES) {
                throw new SparxException(
                        "config field '" + field + "' has " + values.length + " values; expected " + STAGES
                                + ", one per stage");
            }
            for (int i = 0; i < STAGES; i++) {
                if (values[i] < min) {
                    throw new SparxException(
                            "config field '" + field + "[" + i + "]' = " + values[i] + " must be at least " + min);
                }
            }
        }
    }
}
