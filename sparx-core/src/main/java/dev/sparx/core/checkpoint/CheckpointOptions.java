package dev.sparx.core.checkpoint;

/**
 * How to pick the state dict out of a checkpoint.
 *
 * @param ema take the EMA weights ({@code state_dict_ema} of timm's training checkpoints, or {@code
 *     model_ema}) instead of the plain ones
 * @param stripPrefix remove this prefix from every key that has it (e.g. {@code module.}, which
 *     DistributedDataParallel adds), or {@code null} to keep keys as saved
 */
public record CheckpointOptions(boolean ema, String stripPrefix) {

    /** The plain state dict, keys as saved. */
    public static final CheckpointOptions DEFAULT = new CheckpointOptions(false, null);

    /**
     * The plain state dict with DistributedDataParallel's {@code module.} prefix removed: how every
     * command that loads a network reads a checkpoint, so that a file saved from a wrapped model
     * loads as one saved from the bare model.
     */
    public static final CheckpointOptions NETWORK = DEFAULT.withStripPrefix("module.");

    /**
     * @param ema whether to take the EMA weights
     * @return these options with {@code ema} replaced
     */
    public CheckpointOptions withEma(boolean ema) {
        return new CheckpointOptions(ema, stripPrefix);
    }

    /**
     * @param prefix the prefix to remove, or {@code null}
     * @return these options with {@code stripPrefix} replaced
     */
    public CheckpointOptions withStripPrefix(String prefix) {
        return new CheckpointOptions(ema, prefix);
    }
}
