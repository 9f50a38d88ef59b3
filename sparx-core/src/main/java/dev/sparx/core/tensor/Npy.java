package dev.sparx.core.tensor;

import dev.sparx.core.SparxException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes numpy's {@code .npy} arrays and {@code .npz} archives (format versions 1-3,
 * little-endian, C order), the exchange format of the golden files and of {@code predict-tensor}.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /**
     * Reads one {@code .npy} file.
     *
     * @param file the file
     * @return its array
     * @throws SparxException if the file is missing or not a supported array
     */
    public static HostTensor read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new SparxException("cannot read .npy file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads all arrays of a {@code .npz} archive.
     *
     * @param file the archive
     * @return array name (without {@code .npy}) to array, in archive order
     */
    public static Map<String, HostTensor> readNpz(Path file) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName();
                if (!name.endsWith(".npy")) {
                    continue;
                }
                String key = name.substring(0, name.length() - 4);
                out.put(key, read(zip, file + "!" + name));
            }
        } catch (IOException e) {
            throw new SparxException("cannot read .npz file " + file + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new SparxException(file + " holds no .npy arrays; expected a numpy .npz archive");
        }
        return out;
    }

    /**
     * Reads an array from a stream positioned at its magic string.
     *
     * @param in the stream
     * @param name how to name the source in errors
     * @return the array
     * @throws IOException if the stream fails
     */
    public static HostTensor read(InputStream in, String name) throws IOException {
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8) {
            throw new SparxException(name + " is too short to be a .npy array");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic[i] != MAGIC[i]) {
                throw new SparxException(name + " is not a .npy array (bad magic string)");
            }
        }
        int major = magic[6];
        int headerLen;
        if (major == 1) {
            byte[] l = in.readNBytes(2);
            headerLen = (l[0] & 0xff) | (l[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] l = in.readNBytes(4);
            headerLen = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt();
        } else {
            throw new SparxException(name + ": unsupported .npy format version " + major);
        }
        if (headerLen < 0 || headerLen > 1 << 20) {
            throw new SparxException(name + ": implausible .npy header length " + headerLen);
        }
        String header = new String(in.readNBytes(headerLen), StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new SparxException(name + ": malformed .npy header '" + header.trim() + "'");
        }
        if (f.group(1).equals("True")) {
            throw new SparxException(name + ": Fortran-order arrays are not supported");
        }
        DType dtype = DType.fromNumpyDescr(d.group(1));
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                dims.add(Long.parseLong(part.trim()));
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long bytes = HostTensor.numel(shape) * dtype.byteSize();
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new SparxException(name + ": array of " + bytes + " bytes is too large");
        }
        byte[] payload = in.readNBytes((int) bytes);
        if (payload.length != bytes) {
            throw new SparxException(
                    name + ": truncated .npy data, expected " + bytes + " bytes, got " + payload.length);
        }
        return new HostTensor(dtype, shape, ByteBuffer.wrap(payload));
    }

    /**
     * Writes one {@code .npy} file (format 1.0).
     *
     * @param file destination
     * @param tensor the array
     */
    public static void write(Path file, HostTensor tensor) {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, tensor);
        } catch (IOException e) {
            throw new SparxException("cannot write .npy file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a {@code .npz} archive (stored, uncompressed).
     *
     * @param file destination
     * @param arrays name to array
     */
    public static void writeNpz(Path file, Map<String, HostTensor> arrays) {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, HostTensor> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                write(zip, e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new SparxException("cannot write .npz file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(OutputStream out, HostTensor tensor) throws IOException {
        long[] dims = tensor.shape();
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            shape.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        shape.append(dims.length == 1 ? ",)" : ")");
        String dict =
                "{'descr': '"
                        + tensor.dtype().numpyDescr()
                        + "', 'fortran_order': False, 'shape': "
                        + shape
                        + ", }";
        // numpy pads the header with spaces so that the data starts on a 64-byte boundary.
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(MAGIC);
        head.write(1);
        head.write(0);
        head.write(header.length() & 0xff);
        head.write(header.length() >> 8 & 0xff);
        head.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(head.toByteArray());
        ByteBuffer data = tensor.data();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        out.write(bytes);
    }
}
