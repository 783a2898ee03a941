#!/usr/bin/python3
"""Regenerates the PPM/PGM/PBM and TIFF fixtures used by Keras.Preprocessing.Memory.Tests.

Run with the system Python (Pillow, numpy, keras_preprocessing 1.1.0):

    /usr/bin/python3 generate_formats.py

Writes into this folder:
  files/      source images, written by Pillow (or by hand for the Netpbm variants
              Pillow does not write: ASCII P1/P2/P3, P4 and 16-bit PGM).
  pil/        Pillow's own encodings (``img.save(p, 'ppm' | 'tiff')``) of source.png's pixels
              in L, RGB and RGBA, for comparing our encoder's bytes.
  flow/       a class-per-folder tree of .tif and .ppm files for flow_from_directory.
  expected.npz  uint8 arrays: ``decode|<file>`` = height, width, then ``np.asarray(Image.open(file).convert(mode))``
              for L, RGB and RGBA, flattened and concatenated;
              ``load|<file>|<case>`` = load_img + img_to_array with a target size;
              ``flow|x`` / ``flow|y`` = the first batch of flow_from_directory over flow/.
"""

import os
import shutil
import struct
import zlib

import numpy as np
from PIL import Image
from keras_preprocessing.image import ImageDataGenerator, img_to_array, load_img

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, "files")
PIL_DIR = os.path.join(HERE, "pil")
FLOW = os.path.join(HERE, "flow")
W, H = 13, 9


def source_rgba():
    """A deterministic RGBA pattern with every channel varying."""
    y, x = np.mgrid[0:H, 0:W]
    r = (x * 19 + y * 7) % 256
    g = (x * 5 + y * 29 + 40) % 256
    b = (x * y * 3 + 90) % 256
    a = (255 - x * 11 - y * 3) % 256
    return np.stack([r, g, b, a], axis=-1).astype(np.uint8)


def handmade_tiff(path, arr, big_endian, photometric, tile=None, rows_per_strip=None, deflate=False, predictor=False,
                  extra_samples=2, sample_format=None):
    """Writes layouts Pillow's writer does not produce (big-endian, tiles, predictor, signed and float samples) for
    Pillow to read. Without sample_format the samples are unsigned (8 or 16 bits); with it, arr keeps its own dtype
    (int16, int32, uint32, float32) and the SampleFormat tag says which."""
    e = ">" if big_endian else "<"
    h, w = arr.shape[:2]
    spp = 1 if arr.ndim == 2 else arr.shape[2]
    itemsize = arr.dtype.itemsize
    if sample_format is None:
        data = arr.astype(e + ("u2" if itemsize == 2 else "u1"))
    else:
        data = arr.astype(arr.dtype.newbyteorder(e))
    tw, th = tile if tile else (w, rows_per_strip or h)
    chunks = []
    for top in range(0, h, th):
        for left in range(0, w, tw):
            block = np.zeros((th, tw) + data.shape[2:], dtype=data.dtype) if tile else None
            if tile:
                part = data[top:top + th, left:left + tw]
                block[:part.shape[0], :part.shape[1]] = part
            else:
                block = data[top:top + th]
            block = block.reshape(block.shape[0], -1).copy()
            if predictor:
                # Horizontal differencing on 8-bit samples.
                block = block.astype(np.int16)
                block[:, spp:] = (block[:, spp:] - block[:, :-spp]) % 256
                block = block.astype(np.uint8)
            raw = block.tobytes()
            chunks.append(zlib.compress(raw) if deflate else raw)
    entries = [(256, 4, [w]), (257, 4, [h]), (258, 3, [itemsize * 8] * spp), (259, 3, [8 if deflate else 1]),
               (262, 3, [photometric]), (277, 3, [spp]), (284, 3, [1])]
    if predictor:
        entries.append((317, 3, [2]))
    if sample_format is not None:
        entries.append((339, 3, [sample_format] * spp))
    if spp == 4:
        entries.append((338, 3, [extra_samples]))
    if tile:
        entries += [(322, 4, [tw]), (323, 4, [th]), (324, 4, None), (325, 4, [len(c) for c in chunks])]
    else:
        entries += [(273, 4, None), (278, 4, [th]), (279, 4, [len(c) for c in chunks])]
    entries.sort()
    ifd_size = 2 + 12 * len(entries) + 4
    extra = bytearray()
    pixel_start = 8 + ifd_size
    out_of_line = sum(len(v) * (2 if t == 3 else 4) for _, t, v in entries if v and len(v) * (2 if t == 3 else 4) > 4)
    offsets_size = len(chunks) * 4 if len(chunks) > 1 else 0
    pos = pixel_start + out_of_line + offsets_size
    offsets = []
    for c in chunks:
        offsets.append(pos)
        pos += len(c)
    ifd = struct.pack(e + "H", len(entries))
    for tag, typ, values in entries:
        values = offsets if values is None else values
        fmt = "H" if typ == 3 else "I"
        packed = struct.pack(e + fmt * len(values), *values)
        if len(packed) <= 4:
            ifd += struct.pack(e + "HHI", tag, typ, len(values)) + packed.ljust(4, b"\0")
        else:
            ifd += struct.pack(e + "HHII", tag, typ, len(values), pixel_start + len(extra))
            extra += packed
    ifd += b"\0\0\0\0"
    with open(path, "wb") as f:
        f.write((b"MM\0*" if big_endian else b"II*\0") + struct.pack(e + "I", 8) + ifd + bytes(extra) + b"".join(chunks))


def main():
    for d in (FILES, PIL_DIR, FLOW):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    rgba = Image.fromarray(source_rgba(), "RGBA")
    rgba.save(os.path.join(HERE, "source.png"))
    rgb = rgba.convert("RGB")
    gray = rgba.convert("L")
    pal = rgb.convert("P", palette=Image.ADAPTIVE, colors=16)
    bilevel = gray.convert("1")
    images = {"L": gray, "RGB": rgb, "RGBA": rgba, "P": pal, "1": bilevel}

    written = []
    # Netpbm: Pillow writes P6 for RGB, P5 for L, P4 for 1.
    rgb.save(os.path.join(FILES, "rgb.ppm"))
    gray.save(os.path.join(FILES, "gray.pgm"))
    bilevel.save(os.path.join(FILES, "bilevel.pbm"))
    written += ["rgb.ppm", "gray.pgm", "bilevel.pbm"]
    a_rgb = np.asarray(rgb)
    a_gray = np.asarray(gray)
    a_bits = np.asarray(bilevel)
    with open(os.path.join(FILES, "ascii.ppm"), "w") as f:
        f.write("P3\n# ascii colour\n%d %d\n255\n" % (W, H))
        f.write("\n".join(" ".join(str(v) for v in row.ravel()) for row in a_rgb) + "\n")
    with open(os.path.join(FILES, "ascii.pgm"), "w") as f:
        f.write("P2\n%d %d 255\n" % (W, H))
        f.write("\n".join(" ".join(str(v) for v in row) for row in a_gray) + "\n")
    with open(os.path.join(FILES, "ascii.pbm"), "w") as f:
        # PBM: 1 is black.
        f.write("P1\n%d %d\n" % (W, H))
        f.write("\n".join("".join("0" if v else "1" for v in row) for row in a_bits) + "\n")
    with open(os.path.join(FILES, "gray16.pgm"), "wb") as f:
        g16 = (np.arange(W * H, dtype=np.uint32).reshape(H, W) * 97).astype(">u2")
        f.write(b"P5\n%d %d\n65535\n" % (W, H) + g16.tobytes())
    written += ["ascii.ppm", "ascii.pgm", "ascii.pbm", "gray16.pgm"]

    # TIFF: every mode with every compression Pillow offers for it.
    for mode, img in images.items():
        for comp in (None, "tiff_lzw", "tiff_adobe_deflate", "packbits"):
            name = "%s_%s.tif" % (mode.lower(), comp or "raw")
            if mode == "1" and comp is not None:
                continue
            kwargs = {} if comp is None else {"compression": comp}
            img.save(os.path.join(FILES, name), "tiff", **kwargs)
            written.append(name)

    # Layouts Pillow does not write: big-endian, tiles, the predictor, 16-bit grey.
    y, x = np.mgrid[0:20, 0:40]
    wide = np.stack([(x * 6) % 256, (y * 12) % 256, (x * y) % 256], axis=-1).astype(np.uint8)
    handmade_tiff(os.path.join(FILES, "be_rgb_tiled_deflate_predictor.tif"), wide, True, 2,
                  tile=(16, 16), deflate=True, predictor=True)
    handmade_tiff(os.path.join(FILES, "le_rgb_strips_deflate_predictor.tif"), wide, False, 2,
                  rows_per_strip=7, deflate=True, predictor=True)
    handmade_tiff(os.path.join(FILES, "be_rgba_strips_raw.tif"), source_rgba(), True, 2, rows_per_strip=4)
    # ExtraSamples 1: associated (premultiplied) alpha, which Pillow unpremultiplies on reading.
    handmade_tiff(os.path.join(FILES, "le_rgba_associated.tif"), source_rgba(), False, 2, extra_samples=1)
    handmade_tiff(os.path.join(FILES, "le_rgbx.tif"), source_rgba(), False, 2, extra_samples=0)
    handmade_tiff(os.path.join(FILES, "be_white_is_zero.tif"), source_rgba()[..., 0], True, 0, rows_per_strip=3)
    g16 = (np.arange(W * H).reshape(H, W) * 7).astype(np.uint16)
    handmade_tiff(os.path.join(FILES, "be_gray16_raw.tif"), g16, True, 1, rows_per_strip=2)
    Image.fromarray(g16).save(os.path.join(FILES, "gray16.tif"), "tiff")
    written += ["be_rgb_tiled_deflate_predictor.tif", "le_rgb_strips_deflate_predictor.tif",
                "be_rgba_strips_raw.tif", "le_rgba_associated.tif", "le_rgbx.tif",
                "be_white_is_zero.tif", "be_gray16_raw.tif", "gray16.tif"]

    # Signed and float grey, which scientific images use: Pillow opens them as modes I and F and converts to L by
    # clipping to 0..255 (a float truncated, NaN to 0). Values cover below 0, fractions, above 255 and the extremes.
    ramp = (np.arange(W * H).reshape(H, W) * 7.3 - 120.0)
    i32 = ramp.astype(np.int32)
    i32[0, :4] = [-2 ** 31, 2 ** 31 - 1, 255, 256]
    f32 = (ramp / 1.7).astype(np.float32)
    f32[0, :6] = [np.nan, np.inf, -np.inf, 254.99, 0.999, -0.5]
    u32 = (np.arange(W * H).reshape(H, W) * 5).astype(np.uint32)
    u32[0, :2] = [2 ** 32 - 1, 2 ** 31]  # read back as signed by Pillow (I;32N): below 0, so 0
    i16 = ramp.astype(np.int16)
    i16[0, :2] = [-32768, 32767]
    Image.fromarray(i32, "I").save(os.path.join(FILES, "int32.tif"), "tiff")
    Image.fromarray(f32, "F").save(os.path.join(FILES, "float32.tif"), "tiff")
    handmade_tiff(os.path.join(FILES, "be_int32.tif"), i32, True, 1, rows_per_strip=4, sample_format=2)
    # Big-endian samples stay uncompressed: through libtiff (any compression) Pillow 9.4 swaps their bytes twice
    # and reads garbage, a Pillow bug the port does not reproduce.
    handmade_tiff(os.path.join(FILES, "be_float32.tif"), f32, True, 1, rows_per_strip=3, sample_format=3)
    handmade_tiff(os.path.join(FILES, "le_float32_deflate.tif"), f32, False, 1, deflate=True, sample_format=3)
    handmade_tiff(os.path.join(FILES, "le_float32_white_is_zero.tif"), f32, False, 0, sample_format=3)
    handmade_tiff(os.path.join(FILES, "le_uint32.tif"), u32, False, 1, sample_format=1)
    handmade_tiff(os.path.join(FILES, "le_int16_signed.tif"), i16, False, 1, tile=(16, 16), sample_format=2)
    handmade_tiff(os.path.join(FILES, "be_int16_signed.tif"), i16, True, 1, sample_format=2)
    written += ["int32.tif", "float32.tif", "be_int32.tif", "be_float32.tif", "le_float32_deflate.tif", "le_float32_white_is_zero.tif",
                "le_uint32.tif", "le_int16_signed.tif", "be_int16_signed.tif"]
    # Layouts Pillow cannot open (no OPEN_INFO entry): the port refuses them too.
    handmade_tiff(os.path.join(FILES, "unsupported_be_uint32.tif"), u32, True, 1, sample_format=1)
    handmade_tiff(os.path.join(FILES, "unsupported_int8_signed.tif"), i16.astype(np.int8), False, 1, sample_format=2)
    handmade_tiff(os.path.join(FILES, "unsupported_float16.tif"), f32.astype(np.float16), False, 1, sample_format=3)
    for name in ("unsupported_be_uint32.tif", "unsupported_int8_signed.tif", "unsupported_float16.tif"):
        try:
            Image.open(os.path.join(FILES, name)).convert("L")
            raise AssertionError(name + " opened")
        except (OSError, SyntaxError, ValueError):
            pass

    expected = {}
    for name in written:
        with Image.open(os.path.join(FILES, name)) as im:
            # One entry a file keeps the archive small: height, width, then the L, RGB and RGBA pixels.
            assert im.size[0] < 256 and im.size[1] < 256
            parts = [np.array([im.size[1], im.size[0]], dtype=np.uint8)]
            parts += [np.asarray(im.convert(mode)).ravel() for mode in ("L", "RGB", "RGBA")]
            expected["decode|" + name] = np.concatenate(parts)

    # load_img with a target size (and colour mode) on a TIFF and a PPM, as Keras does.
    cases = {"gray_bilinear": dict(color_mode="grayscale", target_size=(5, 7), interpolation="bilinear"),
             "rgb_nearest": dict(color_mode="rgb", target_size=(11, 6), interpolation="nearest"),
             "rgba_bicubic": dict(color_mode="rgba", target_size=(4, 4), interpolation="bicubic")}
    for name in ("rgb_tiff_lzw.tif", "rgb.ppm"):
        for key, kw in cases.items():
            arr = img_to_array(load_img(os.path.join(FILES, name), **kw))
            assert (arr == np.round(arr)).all()
            expected["load|%s|%s" % (name, key)] = arr.astype(np.uint8)

    # Pillow's own encodings of source.png's pixels.
    for mode in ("L", "RGB"):
        images[mode].save(os.path.join(PIL_DIR, mode.lower() + ".ppm"), "ppm")
    for mode in ("L", "RGB", "RGBA"):
        images[mode].save(os.path.join(PIL_DIR, mode.lower() + ".tif"), "tiff")

    # flow_from_directory over .tif and .ppm files.
    for cls, files in (("cats", [("a.tif", rgb, {}), ("b.ppm", rgb, {})]),
                       ("dogs", [("c.tiff", gray, {"compression": "tiff_lzw"}), ("d.ppm", gray, {})])):
        os.makedirs(os.path.join(FLOW, cls))
        for fname, img, kw in files:
            fmt = "tiff" if fname.endswith(("tif", "tiff")) else "ppm"
            img.save(os.path.join(FLOW, cls, fname), fmt, **kw)
    it = ImageDataGenerator().flow_from_directory(FLOW, target_size=(6, 8), batch_size=4, shuffle=False)
    x, y = next(it)
    assert (x == np.round(x)).all()
    expected["flow|x"] = x.astype(np.uint8)
    expected["flow|y"] = y.astype(np.uint8)
    expected["flow|filenames"] = np.array([ord(c) for c in "\n".join(it.filenames)], dtype=np.uint8)

    np.savez_compressed(os.path.join(HERE, "expected.npz"), **expected)


if __name__ == "__main__":
    main()
