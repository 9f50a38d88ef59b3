package dev.sparx.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Reading and writing checkpoints: {@code torch.save} files (zip and legacy formats) and {@code
 * .safetensors}, in pure Java. Reading recognises the format from the file's first bytes; writing
 * chooses it from the file name's extension.
 *
 * <pre>{@code
 * StateDict sd = Checkpoints.read(Path.of("sparx_mamba_t.pth"));
 * StateDict ema = Checkpoints.read(path, CheckpointOptions.DEFAULT.withEma(true).withStripPrefix("module."));
 * Checkpoints.write(Path.of("weights.safetensors"), sd);
 * }</pre>
 */
public final class Checkpoints {

    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final byte[] EMPTY_ZIP_MAGIC = {'P', 'K', 5, 6};
    private static final int PICKLE_PROTO = 0x80;

    private Checkpoints() {}

    /**
     * Reads the plain state dict of a checkpoint, keys as saved.
     *
     * @param path a {@code .pth}/{@code .pt}/{@code .bin}/{@code .pth.tar} or {@code .safetensors} file
     * @return the state dict
     * @throws CheckpointException if the file is missing, corrupt, not a checkpoint, or refused
     */
    public static StateDict read(Path path) {
        return read(path, CheckpointOptions.DEFAULT);
    }

    /**
     * Reads the state dict the options select.
     *
     * @param path the checkpoint
     * @param options EMA weights or not, key prefix to strip
     * @return the state dict
     * @throws CheckpointException if the file is missing, corrupt, not a checkpoint, or refused
     */
    public static StateDict read(Path path, CheckpointOptions options) {
        try (Checkpoint c = open(path)) {
            return c.stateDict(options);
        }
    }

    /**
     * Opens a checkpoint and parses its structure (the pickle, the safetensors header) without
     * reading tensor data; close it when done.
     *
     * @param path the checkpoint
     * @return the open checkpoint
     * @throws CheckpointException if the file is missing, corrupt, not a checkpoint, or refused
     */
    public static Checkpoint open(Path path) {
        CheckpointFile file = CheckpointFile.open(path);
        try {
            return switch (detect(file)) {
                case PTH_ZIP -> PthReader.readZip(file);
                case PTH_LEGACY -> PthReader.readLegacy(file);
                case SAFETENSORS -> SafeTensors.read(file);
            };
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static CheckpointFormat detect(CheckpointFile file) {
        if (file.length() == 0) {
            throw file.error("the file is empty");
        }
        ByteBuffer head = file.read(0, Math.min(file.length(), 16), "file header");
        if (startsWith(head, ZIP_MAGIC) || startsWith(head, EMPTY_ZIP_MAGIC)) {
            return CheckpointFormat.PTH_ZIP;
        }
        // safetensors first: its 8-byte header length can begin with the pickle PROTO byte 0x80,
        // while a legacy pickle never has '{' at offset 8 (it starts with the LONG1 magic number)
        if (head.limit() >= 9 && head.get(8) == '{' && head.getLong(0) > 0
                && head.getLong(0) <= file.length() - 8) {
            return CheckpointFormat.SAFETENSORS;
        }
        if ((head.get(0) & 0xff) == PICKLE_PROTO) {
            return CheckpointFormat.PTH_LEGACY;
        }
        if (startsWith(head, new byte[] {0x1f, (byte) 0x8b})) {
            throw file.error("the file is gzip-compressed; decompress it first");
        }
        throw file.error("not a checkpoint: it starts with " + printable(head)
                + "; expected a torch.save zip archive, a legacy torch.save pickle or a .safetensors file");
    }

    private static boolean startsWith(ByteBuffer b, byte[] magic) {
        if (b.limit() < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (b.get(i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static String printable(ByteBuffer head) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < head.limit(); i++) {
            int c = head.get(i) & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.append('"').toString();
    }

    /**
     * Writes a state dict, atomically (a temporary file renamed over the target): {@code .safetensors}
     * by that extension, otherwise ({@code .pth}, {@code .pt}, {@code .bin}) torch's zip format, which
     * {@code torch.load(path, weights_only=True)} reads.
     *
     * @param path the destination
     * @param stateDict the tensors
     * @throws CheckpointException if the extension is not one of these or the file cannot be written
     */
    public static void write(Path path, StateDict stateDict) {
        switch (formatFor(path)) {
            case SAFETENSORS -> SafeTensors.write(path, stateDict);
            default -> PthWriter.write(path, stateDict);
        }
    }

    /**
     * Writes a checkpoint that is a dict of Python values, such as timm's training checkpoint
     * ({@code epoch}, {@code state_dict}, {@code optimizer}, ...), atomically in torch's zip format,
     * which {@code torch.load(path, weights_only=True)} reads (torch 1.13 only with {@code
     * weights_only=False} if the dict holds floats: its restricted unpickler lacks {@code BINFLOAT}).
     *
     * @param path the destination ({@code .pth}, {@code .pt} or {@code .bin})
     * @param checkpoint str keys to values: nested {@link Map} (keys str or int), {@link
     *     java.util.List}, {@link PyTuple}, {@link StateDict} (an {@code OrderedDict}), {@link
     *     dev.sparx.core.tensor.HostTensor}, {@link String}, {@link Long}, {@link Integer}, {@link
     *     Double}, {@link Float}, {@link Boolean} and null
     * @throws CheckpointException if the extension is not a torch one, a value has another type, or
     *     the file cannot be written
     */
    public static void write(Path path, Map<String, ?> checkpoint) {
        if (formatFor(path) != CheckpointFormat.PTH_ZIP) {
            throw new CheckpointException("a checkpoint with more than a state dict needs torch's format (.pth,"
                    + " .pt or .bin), not " + path);
        }
        PthWriter.write(path, checkpoint, false);
    }

    /**
     * The format {@link #write} uses for a file name.
     *
     * @param path the destination
     * @return {@link CheckpointFormat#SAFETENSORS} or {@link CheckpointFormat#PTH_ZIP}
     * @throws CheckpointException for any other extension
     */
    public static CheckpointFormat formatFor(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return CheckpointFormat.SAFETENSORS;
        }
        if (name.endsWith(".pth") || name.endsWith(".pt") || name.endsWith(".bin")) {
            return CheckpointFormat.PTH_ZIP;
        }
        throw new CheckpointException("cannot tell the checkpoint format of " + path
                + " from its name; use .pth, .pt or .bin (torch) or .safetensors");
    }
}
