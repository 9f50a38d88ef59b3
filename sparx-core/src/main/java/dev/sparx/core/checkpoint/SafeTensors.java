package dev.sparx.core.checkpoint;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.sparx.core.tensor.DType;
import dev.sparx.core.tensor.HostTensor;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes Hugging Face's {@code .safetensors} format: an 8-byte little-endian header
 * length, a JSON header mapping each tensor name to its {@code dtype}, {@code shape} and {@code
 * data_offsets} (begin and end in the data section) plus an optional {@code __metadata__} dict of
 * strings, then the data section of contiguous little-endian tensors. Reading enforces the format's
 * rules: the header is at most 100 MB, every tensor's byte count matches its shape and the tensors
 * tile the data section exactly, without gaps or overlaps.
 */
final class SafeTensors {

    /** The format caps the header, so a corrupt length cannot make a reader allocate gigabytes. */
    static final long MAX_HEADER = 100_000_000;

    private static final String METADATA = "__metadata__";
    private static final int HEADER_NESTING = 4;

    private record Declared(String name, DType dtype, long[] shape, long begin, long end) {}

    private SafeTensors() {}

    /**
     * Parses the header and locates the tensors, without reading their data.
     *
     * @param file an open {@code .safetensors} file
     * @return the checkpoint: a dict of its tensors, and its metadata
     */
    static Checkpoint read(CheckpointFile file) {
        if (file.length() < 8) {
            throw file.error("too short for a .safetensors file (" + file.length() + " bytes)");
        }
        long headerLen = file.read(0, 8, "safetensors header length").getLong(0);
        if (headerLen < 2 || headerLen > MAX_HEADER || headerLen > file.length() - 8) {
            throw file.error("the safetensors header length " + headerLen + " is impossible for a file of "
                    + file.length() + " bytes (at most " + MAX_HEADER + ")");
        }
        ByteBuffer raw = file.read(8, headerLen, "safetensors header");
        String header = StandardCharsets.UTF_8.decode(raw).toString();
        long dataStart = 8 + headerLen;
        long dataLen = file.length() - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Declared> declared = parseHeader(file, header, metadata);
        checkTiling(file, declared, dataLen);
        Map<Object, Object> tensors = new LinkedHashMap<>();
        for (Declared d : declared) {
            StorageRecord rec = new StorageRecord(d.name(), d.dtype(), numel(file, d), file::error);
            long offset = dataStart + d.begin();
            long size = d.end() - d.begin();
            rec.bind(file, size, dest -> file.readInto(offset, dest, "tensor '" + d.name() + "'"));
            tensors.put(d.name(), StoredTensor.create(
                    rec.whole(), d.dtype(), 0, d.shape(), PthWriter.contiguousStrides(d.shape()), file::error));
        }
        return new Checkpoint(file, CheckpointFormat.SAFETENSORS, tensors, metadata);
    }

    private static List<Declared> parseHeader(CheckpointFile file, String header, Map<String, String> metadata) {
        List<Declared> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        try (JsonReader r = new JsonReader(new StringReader(header))) {
            r.setStrictness(Strictness.STRICT);
            r.setNestingLimit(HEADER_NESTING);
            r.beginObject();
            while (r.hasNext()) {
                String name = r.nextName();
                if (!names.add(name)) {
                    throw file.error("the safetensors header names '" + name + "' twice");
                }
                if (name.equals(METADATA)) {
                    r.beginObject();
                    while (r.hasNext()) {
                        metadata.put(r.nextName(), r.nextString());
                    }
                    r.endObject();
                } else {
                    out.add(tensorEntry(file, r, name));
                }
            }
            r.endObject();
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw file.error("the safetensors header has text after its JSON object");
            }
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new CheckpointException(file.path() + ": malformed safetensors header: " + e.getMessage(), e);
        }
        return out;
    }

    private static Declared tensorEntry(CheckpointFile file, JsonReader r, String name) throws IOException {
        String dtype = null;
        long[] shape = null;
        long[] offsets = null;
        r.beginObject();
        while (r.hasNext()) {
            switch (r.nextName()) {
                case "dtype" -> dtype = r.nextString();
                case "shape" -> shape = longs(r);
                case "data_offsets" -> offsets = longs(r);
                default -> r.skipValue();
            }
        }
        r.endObject();
        if (dtype == null || shape == null || offsets == null || offsets.length != 2) {
            throw file.error("safetensors entry '" + name + "' needs dtype, shape and two data_offsets");
        }
        if (shape.length > StoredTensor.MAX_RANK || Arrays.stream(shape).anyMatch(d -> d < 0)) {
            throw file.error("safetensors entry '" + name + "' has an invalid shape " + Arrays.toString(shape));
        }
        if (offsets[0] < 0 || offsets[1] < offsets[0]) {
            throw file.error("safetensors entry '" + name + "' has invalid data_offsets " + Arrays.toString(offsets));
        }
        return new Declared(name, dtypeOf(file, dtype, name), shape, offsets[0], offsets[1]);
    }

    private static long[] longs(JsonReader r) throws IOException {
        List<Long> values = new ArrayList<>();
        r.beginArray();
        while (r.hasNext()) {
            if (values.size() > StoredTensor.MAX_RANK) {
                throw new IOException("an array longer than " + StoredTensor.MAX_RANK);
            }
            values.add(r.nextLong());
        }
        r.endArray();
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static long numel(CheckpointFile file, Declared d) {
        long n = 1;
        for (long s : d.shape()) {
            if (s != 0 && n > Long.MAX_VALUE / s) {
                throw file.error("safetensors entry '" + d.name() + "' has a shape too large to count");
            }
            n *= s;
        }
        return n;
    }

    private static void checkTiling(CheckpointFile file, List<Declared> declared, long dataLen) {
        List<Declared> sorted = new ArrayList<>(declared);
        sorted.sort(Comparator.comparingLong(Declared::begin).thenComparingLong(Declared::end));
        long expected = 0;
        for (Declared d : sorted) {
            if (d.begin() != expected) {
                throw file.error("safetensors entry '" + d.name() + "' starts at " + d.begin() + ", expected "
                        + expected + ": the tensors must tile the data section without gaps or overlaps");
            }
            long numel = numel(file, d);
            int es = d.dtype().byteSize();
            if (numel > Long.MAX_VALUE / es || numel * es != d.end() - d.begin()) {
                throw file.error("safetensors entry '" + d.name() + "' spans " + (d.end() - d.begin())
                        + " bytes, but its shape " + Arrays.toString(d.shape()) + " of "
                        + d.dtype().displayName() + " needs " + numel + " elements of " + es + " bytes");
            }
            expected = d.end();
        }
        if (expected != dataLen) {
            throw file.error("the safetensors data section has " + dataLen + " bytes but its tensors cover "
                    + expected + ": the file is truncated or has trailing bytes");
        }
    }

    private static DType dtypeOf(CheckpointFile file, String code, String name) {
        return switch (code) {
            case "F32" -> DType.FLOAT32;
            case "F16" -> DType.FLOAT16;
            case "BF16" -> DType.BFLOAT16;
            case "F64" -> DType.FLOAT64;
            case "I8" -> DType.INT8;
            case "I16" -> DType.INT16;
            case "I32" -> DType.INT32;
            case "I64" -> DType.INT64;
            case "U8" -> DType.UINT8;
            case "BOOL" -> DType.BOOL;
            default -> throw file.error("safetensors entry '" + name + "' has dtype " + code
                    + "; supported are F32, F16, BF16, F64, I8, I16, I32, I64, U8 and BOOL");
        };
    }

    private static String code(DType t) {
        return switch (t) {
            case FLOAT32 -> "F32";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case FLOAT64 -> "F64";
            case INT8 -> "I8";
            case INT16 -> "I16";
            case INT32 -> "I32";
            case INT64 -> "I64";
            case UINT8 -> "U8";
            case BOOL -> "BOOL";
        };
    }

    /**
     * Writes a state dict with the metadata {@code {"format": "pt"}} that transformers expects.
     *
     * @param path the destination, replaced atomically
     * @param stateDict the tensors, written in its order
     */
    static void write(Path path, StateDict stateDict) {
        StringWriter json = new StringWriter();
        try (JsonWriter w = new JsonWriter(json)) {
            w.beginObject();
            w.name(METADATA).beginObject().name("format").value("pt").endObject();
            long offset = 0;
            for (Map.Entry<String, HostTensor> e : stateDict.asMap().entrySet()) {
                HostTensor t = e.getValue();
                long bytes = t.numel() * t.dtype().byteSize();
                w.name(e.getKey()).beginObject();
                w.name("dtype").value(code(t.dtype()));
                w.name("shape").beginArray();
                for (long d : t.shape()) {
                    w.value(d);
                }
                w.endArray();
                w.name("data_offsets").beginArray().value(offset).value(offset + bytes).endArray();
                w.endObject();
                offset += bytes;
            }
            w.endObject();
        } catch (IOException e) {
            throw new CheckpointException("cannot build the safetensors header for " + path + ": " + e, e);
        }
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        // pad with spaces so that the data section starts 8-byte aligned, as the reference writer does
        int padded = (header.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(header);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        AtomicWrite.write(path, (FileChannel out) -> {
            AtomicWrite.writeFully(out, head.flip());
            for (HostTensor t : stateDict.asMap().values()) {
                AtomicWrite.writeFully(out, t.data());
            }
        });
    }
}
