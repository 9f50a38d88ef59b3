package dev.sparx.core.image;

/**
 * What libjpeg learns from a JPEG's markers before the first scan and that decides PIL's colour
 * handling: the number of components in the frame and the Adobe APP14 transform flag.
 */
final class JpegHeader {

    /** No Adobe APP14 marker was seen. */
    static final int NO_ADOBE = -1;

    final int components;
    final int adobeTransform;

    private JpegHeader(int components, int adobeTransform) {
        this.components = components;
        this.adobeTransform = adobeTransform;
    }

    /**
     * Whether libjpeg reads a four-component frame as YCCK: only when an Adobe marker says the
     * transform is not 0 ({@code jdapimin.c}, {@code default_decompress_parms}).
     */
    boolean isYcck() {
        return components == 4 && adobeTransform != NO_ADOBE && adobeTransform != 0;
    }

    /**
     * Walks the markers from SOI to the first SOS.
     *
     * @param data the whole file
     * @return the header, with 0 components when no frame header was found before the scan
     */
    static JpegHeader scan(byte[] data) {
        int components = 0;
        int transform = NO_ADOBE;
        int i = 2;
        while (i + 3 < data.length) {
            if ((data[i] & 0xff) != 0xff) {
                i++;
                continue;
            }
            int marker = data[i + 1] & 0xff;
            if (marker == 0xff || marker == 0x01 || marker >= 0xd0 && marker <= 0xd8) {
                i += marker == 0xff ? 1 : 2; // fill byte, TEM, RSTn, SOI: no length field
                continue;
            }
            if (marker == 0xda || marker == 0xd9) {
                break;
            }
            int length = (data[i + 2] & 0xff) << 8 | (data[i + 3] & 0xff);
            int seg = i + 4;
            int segLength = length - 2;
            // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
            boolean sof = marker >= 0xc0 && marker <= 0xcf
                    && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (sof && segLength >= 6 && seg + 5 < data.length) {
                components = data[seg + 5] & 0xff;
            } else if (marker == 0xee && segLength >= 12 && seg + 11 < data.length && isAdobe(data, seg)) {
                // libjpeg's examine_app14: "Adobe", version, flags0, flags1, transform.
                transform = data[seg + 11] & 0xff;
            }
            i = seg + Math.max(segLength, 0);
        }
        return new JpegHeader(components, transform);
    }

    private static boolean isAdobe(byte[] data, int at) {
        byte[] tag = {'A', 'd', 'o', 'b', 'e'};
        for (int k = 0; k < tag.length; k++) {
            if (data[at + k] != tag[k]) {
                return false;
            }
        }
        return true;
    }
}
