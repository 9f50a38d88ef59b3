package dev.sparx.core.image;

import dev.sparx.core.tensor.HostTensor;
import dev.sparx.core.tensor.Npy;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;

/** Test resources under {@code /preprocess}: images, their PIL decodings and timm's tensors. */
final class Fixtures {

    private Fixtures() {}

    static Path path(String relative) {
        URL url = Fixtures.class.getResource("/preprocess/" + relative);
        if (url == null) {
            throw new IllegalStateException("missing test resource /preprocess/" + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, HostTensor> npz(String relative) {
        return Npy.readNpz(path(relative));
    }

    /** An expected H x W x 3 uint8 array as an image. */
    static RgbImage image(HostTensor hwc) {
        long[] s = hwc.shape();
        byte[] px = new byte[Math.toIntExact(hwc.numel())];
        hwc.data().get(px);
        return RgbImage.of((int) s[1], (int) s[0], px);
    }
}
