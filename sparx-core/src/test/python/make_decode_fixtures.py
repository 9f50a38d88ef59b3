"""Writes the decoder fixtures in src/test/resources/preprocess/decode/ and their expected pixels,
and resize_expected.npz: PIL's resize of one small image to several sizes.

Run with Debian's Pillow (apt-get install python3-pil python3-numpy), from the module directory:
    /usr/bin/python3 src/test/python/make_decode_fixtures.py SOURCE.jpg
SOURCE.jpg is any RGB photograph (the fixtures used kitten.jpg of the golden preprocess set).
expected_rgb.npz holds, for each file, numpy.asarray(Image.open(f).convert('RGB')): the pixels that
ImageDecoder must reproduce. Not run by the build; Python is never needed by the tests.

Files that Pillow cannot write are made here: 16-bit and tRNS PNGs with a minimal PNG writer; a
YCCK JPEG and a four-component JPEG without Adobe marker by patching the APP14 marker of a CMYK JPEG
that Pillow wrote (the scan data then means YCCK, or CMYK without Adobe's flag; Pillow reads both).
linear_rgb.icc, a non-sRGB profile for the ICC test, is Java's
ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData(), saved beforehand.
"""
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

OUT = Path("src/test/resources/preprocess/decode")


def png(path, array, color_type, bit_depth, extra=b""):
    """A minimal PNG writer: no filtering, one IDAT; array is H x W (x channels), uint8 or uint16."""
    h, w = array.shape[:2]
    dtype = ">u2" if bit_depth == 16 else "u1"
    if bit_depth < 8:
        per_byte = 8 // bit_depth
        rows = []
        for row in array.reshape(h, w):
            padded = np.zeros(-(-w // per_byte) * per_byte, np.uint8)
            padded[:w] = row
            packed = np.zeros(len(padded) // per_byte, np.uint8)
            for k in range(per_byte):
                packed |= padded[k::per_byte] << (8 - bit_depth * (k + 1))
            rows.append(packed.tobytes())
    else:
        rows = [r.astype(dtype).tobytes() for r in array.reshape(h, -1)]
    raw = b"".join(b"\x00" + r for r in rows)
    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(raw))
                     + chunk(b"IEND", b""))


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def adobe_marker(data):
    """Offset of the APP14 marker (FF EE, length, "Adobe", version, flags0, flags1, transform)."""
    at = data.index(b"Adobe") - 4
    assert data[at:at + 2] == b"\xff\xee"
    return at


def main(source):
    OUT.mkdir(parents=True, exist_ok=True)
    rgb = Image.open(source).convert("RGB").resize((40, 30), Image.BICUBIC)
    a = np.asarray(rgb)
    gray = np.asarray(rgb.convert("L"))
    rng = np.random.default_rng(5)
    alpha = rng.integers(0, 256, gray.shape, dtype=np.uint8)

    Image.fromarray(np.dstack([gray, alpha]), "LA").save(OUT / "la.png")
    Image.fromarray(gray).save(OUT / "gray.png")
    pal = rgb.quantize(16)
    pal.save(OUT / "palette_trns.png", transparency=bytes(range(0, 256, 16)))
    pal.save(OUT / "palette4.png", bits=4)
    rgb.quantize(64).save(OUT / "palette.gif")
    rgb.save(OUT / "rgb.bmp")
    # 16-bit samples whose low byte is noise: PIL keeps the high byte.
    wide = a.astype(np.uint16) * 256 + rng.integers(0, 256, a.shape, dtype=np.uint16)
    png(OUT / "rgb16.png", wide, 2, 16)
    wide_alpha = alpha.astype(np.uint16) * 256 + 7
    png(OUT / "rgba16.png", np.dstack([wide, wide_alpha]), 6, 16)
    wide_gray = gray.astype(np.uint16) * 256 + rng.integers(0, 256, gray.shape, dtype=np.uint16)
    png(OUT / "la16.png", np.dstack([wide_gray, wide_alpha]), 4, 16)
    # 16-bit gray without alpha: PIL clips to 255, so keep many values below 256.
    png(OUT / "gray16.png", gray.astype(np.uint16) * 2, 0, 16)
    png(OUT / "gray2.png", gray >> 6, 0, 2)
    png(OUT / "gray4.png", gray >> 4, 0, 4)
    png(OUT / "bw1.png", gray >> 7, 0, 1)
    png(OUT / "gray_trns.png", gray, 0, 8, chunk(b"tRNS", struct.pack(">H", int(gray[0, 0]))))
    # ImageIO turns tRNS into an alpha channel; PIL still opens 16-bit gray as mode I and clips.
    png(OUT / "gray16_trns.png", gray.astype(np.uint16) * 2, 0, 16, chunk(b"tRNS", struct.pack(">H", 9)))
    png(OUT / "rgb_trns.png", a, 2, 8, chunk(b"tRNS", struct.pack(">HHH", *map(int, a[0, 0]))))
    cmyk = rgb.convert("CMYK")
    cmyk.save(OUT / "cmyk.jpg", quality=90)
    cmyk.save(OUT / "cmyk420.jpg", quality=90, subsampling="4:2:0")
    # convert("CMYK") leaves K at 0; real CMYK photos use black ink, which cmyk2rgb must weigh.
    inks = np.dstack([255 - a, rng.integers(0, 256, gray.shape, dtype=np.uint8)])
    Image.fromarray(inks, "CMYK").save(OUT / "cmyk_black.jpg", quality=95)
    data = (OUT / "cmyk420.jpg").read_bytes()
    transform = adobe_marker(data) + 4 + 11
    (OUT / "ycck.jpg").write_bytes(data[:transform] + b"\x02" + data[transform + 1:])
    # APP14 renamed to APP15: libjpeg sees no Adobe marker, Pillow still reads the data inverted.
    data = (OUT / "cmyk.jpg").read_bytes()
    marker = adobe_marker(data)
    (OUT / "cmyk_no_adobe.jpg").write_bytes(data[:marker + 1] + b"\xef" + data[marker + 2:])
    # Damaged entropy-coded data in a complete file: libjpeg warns and decodes on, as does PIL.
    rgb.save(OUT / "corrupt_scan.jpg", quality=90)
    data = bytearray((OUT / "corrupt_scan.jpg").read_bytes())
    scan = data.index(b"\xff\xda")
    for i in range(scan + 200, scan + 240):
        data[i] ^= 0x5A
    (OUT / "corrupt_scan.jpg").write_bytes(bytes(data))
    rgb.save(OUT / "icc_linear.jpg", quality=90, icc_profile=(OUT / "linear_rgb.icc").read_bytes())

    expected = {}
    for f in sorted(OUT.iterdir()):
        if f.suffix in (".png", ".jpg", ".gif", ".bmp") and not f.name.startswith("bad_"):
            expected[f.name] = np.asarray(Image.open(f).convert("RGB"))
    np.savez_compressed(OUT / "expected_rgb.npz", **expected)

    # PIL's resize of the 40x30 source to sizes that exercise both passes, each pass alone,
    # upscaling and mixed scaling, with both filters.
    resized = {"source": a}
    for w, h in ((17, 23), (64, 48), (40, 11), (13, 30), (97, 5)):
        for name, flt in (("bilinear", Image.BILINEAR), ("bicubic", Image.BICUBIC)):
            resized[f"{name}_{w}x{h}"] = np.asarray(rgb.resize((w, h), flt))
    np.savez_compressed(OUT.parent / "resize_expected.npz", **resized)
    print("\n".join(f"{k}: {Image.open(OUT / k).mode} {v.shape}" for k, v in expected.items()))


if __name__ == "__main__":
    main(sys.argv[1])
