package dev.sparx.core.checkpoint;

/** The file formats checkpoints are read from and written to. */
public enum CheckpointFormat {
    /** {@code torch.save} since torch 1.6: a zip archive of a pickle and storage records. */
    PTH_ZIP("torch.save zip"),
    /** {@code torch.save} before torch 1.6 (or with {@code _use_new_zipfile_serialization=False}). */
    PTH_LEGACY("torch.save legacy"),
    /** Hugging Face's {@code .safetensors}: a JSON header and raw little-endian tensors. */
    SAFETENSORS("safetensors");

    private final String description;

    CheckpointFormat(String description) {
        this.description = description;
    }

    /** @return a short human-readable name */
    public String description() {
        return description;
    }
}
