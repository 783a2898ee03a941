#!/usr/bin/python3
"""Regenerates the image I/O fixtures used by Keras.Preprocessing.Memory.Tests.

Run with the system Python (Pillow 9.4, keras_preprocessing 1.1.0, numpy, cv2):

    /usr/bin/python3 generate_images.py

It writes small source images into ``images/`` and, for each, what
``keras_preprocessing.image.load_img`` followed by ``img_to_array`` returns
into ``expected/<image>.npz`` (one compressed archive per source image, one
array per case), plus ``manifest.json`` describing every case.

The arrays are stored as uint8: ``img_to_array`` returns float32, but every
value is an integer in [0, 255] (checked below), so uint8 keeps the
fixtures small without losing anything.

``keep_aspect_ratio`` is not in keras_preprocessing 1.1.0; those cases
reproduce Keras 2.x ``load_img`` (centre crop box handed to ``Image.resize``)
on top of Pillow, see ``keras2_load_img``.
"""

import io
import json
import os
import struct
import sys
import zlib

import cv2
import numpy as np
from PIL import Image, PngImagePlugin
from keras_preprocessing.image import array_to_img, img_to_array, load_img

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGES = os.path.join(HERE, "images")
EXPECTED = os.path.join(HERE, "expected")

W, H = 37, 23
INTERPOLATIONS = ["nearest", "bilinear", "bicubic", "lanczos", "box", "hamming"]
PIL_FILTERS = {
    "nearest": Image.NEAREST,
    "bilinear": Image.BILINEAR,
    "bicubic": Image.BICUBIC,
    "lanczos": Image.LANCZOS,
    "box": Image.BOX,
    "hamming": Image.HAMMING,
}
COLOR_MODES = ["grayscale", "rgb", "rgba"]


def write_png(path, samples, color_type, interlace=False):
    """Minimal 16-bit PNG writer (cv2 cannot write grey+alpha or Adam7).

    Rows cycle through all five filter types so the reader's unfiltering is exercised.
    """
    height, width = samples.shape[:2]
    channels = 1 if samples.ndim == 2 else samples.shape[2]
    bpp = 2 * channels
    raw = samples.astype(">u2").reshape(height, width * channels)

    def filtered(rows):
        out = bytearray()
        prev = bytes(len(rows[0]) * 2) if len(rows) else b""
        for y, row in enumerate(rows):
            cur = row.tobytes()
            ftype = y % 5
            line = bytearray(len(cur))
            for i in range(len(cur)):
                a = cur[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                if ftype == 0:
                    pred = 0
                elif ftype == 1:
                    pred = a
                elif ftype == 2:
                    pred = b
                elif ftype == 3:
                    pred = (a + b) >> 1
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (cur[i] - pred) & 0xFF
            out.append(ftype)
            out += line
            prev = cur
        return bytes(out)

    if interlace:
        data = b""
        for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
                               (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
            sub = samples[y0::dy, x0::dx]
            if sub.size:
                data += filtered(list(sub.astype(">u2").reshape(sub.shape[0], -1)))
    else:
        data = filtered(list(raw))

    def chunk(tag, payload):
        body = tag + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 16, color_type, 0, 0, 1 if interlace else 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(data, 9))
                + chunk(b"IEND", b""))


def smooth_rgb(rng):
    """Gradients plus a few hard edges plus noise: exercises every filter tap."""
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    r = 255 * x / (W - 1)
    g = 255 * y / (H - 1)
    b = 127 + 120 * np.sin(x / 3.0) * np.cos(y / 4.0)
    img = np.stack([r, g, b], axis=-1)
    img[5:12, 8:20] = [250, 10, 40]  # hard-edged block: ringing for bicubic/lanczos
    img[15:18, 25:34] = [0, 0, 0]
    img += rng.normal(0, 12, img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def noisy_rgb(rng):
    img = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
    img[0, :] = 255  # saturated rows/columns push filters into clipping
    img[:, -1] = 0
    return img


def build_images():
    rng = np.random.default_rng(20240611)
    os.makedirs(IMAGES, exist_ok=True)
    smooth = smooth_rgb(rng)
    noisy = noisy_rgb(rng)
    files = {}

    def save(name, img, **kwargs):
        path = os.path.join(IMAGES, name)
        img.save(path, **kwargs)
        files[name] = img.mode

    save("rgb.png", Image.fromarray(noisy, "RGB"))
    alpha = rng.integers(0, 256, (H, W), dtype=np.uint8)
    alpha[:, :4] = 0  # fully transparent: premultiply/unpremultiply edge case
    alpha[:, 4:8] = 255
    alpha[:3, :] = 1
    save("rgba.png", Image.fromarray(np.dstack([noisy, alpha]), "RGBA"))
    save("gray.png", Image.fromarray(noisy[:, :, 1], "L"))
    save("gray_alpha.png", Image.fromarray(np.dstack([noisy[:, :, 0], alpha]), "LA"))
    save("bilevel.png", Image.fromarray(noisy[:, :, 2] > 127).convert("1"))

    pal_img = Image.fromarray(smooth, "RGB").quantize(colors=16, method=Image.MEDIANCUT)
    save("palette.png", pal_img)
    trns = bytes(int(v) for v in np.linspace(0, 255, 16))
    save("palette_trns.png", pal_img, transparency=trns)

    # 16-bit PNGs via OpenCV (Pillow 9.4 cannot write 16-bit RGB).
    gray16 = rng.integers(0, 400, (H, W), dtype=np.uint16)  # straddles Pillow's clip at 255
    gray16[0, :5] = [0, 255, 256, 1000, 65535]
    cv2.imwrite(os.path.join(IMAGES, "gray16.png"), gray16)
    files["gray16.png"] = "I"
    write_png(os.path.join(IMAGES, "gray16_interlaced.png"), gray16, color_type=0, interlace=True)
    files["gray16_interlaced.png"] = "I"
    gray_alpha16 = rng.integers(0, 65536, (H, W, 2), dtype=np.uint16)
    write_png(os.path.join(IMAGES, "gray_alpha16.png"), gray_alpha16, color_type=4)
    files["gray_alpha16.png"] = "RGBA"
    rgba16 = rng.integers(0, 65536, (H, W, 4), dtype=np.uint16)
    cv2.imwrite(os.path.join(IMAGES, "rgba16.png"), rgba16[:, :, [2, 1, 0, 3]])
    files["rgba16.png"] = "RGBA"
    rgb16 = rng.integers(0, 65536, (H, W, 3), dtype=np.uint16)
    cv2.imwrite(os.path.join(IMAGES, "rgb16.png"), rgb16[:, :, ::-1])
    files["rgb16.png"] = "RGB"

    smooth_img = Image.fromarray(smooth, "RGB")
    save("jpeg_420.jpg", smooth_img, quality=90, subsampling=2)
    save("jpeg_422.jpg", smooth_img, quality=90, subsampling=1)
    save("jpeg_444.jpg", smooth_img, quality=90, subsampling=0)
    save("jpeg_progressive.jpg", smooth_img, quality=80, subsampling=2, progressive=True)
    save("jpeg_gray.jpg", smooth_img.convert("L"), quality=90)

    # CMYK JPEG with real black: PIL's naive CMYK->RGB and Skia's must agree.
    y, x = np.mgrid[0:H, 0:W]
    cmyk = np.stack([x * 6, y * 10, (x + y) * 4, (x * y) % 256], axis=-1).astype(np.uint8)
    save("jpeg_cmyk.jpg", Image.fromarray(cmyk, "CMYK"), quality=95)
    # EXIF orientation 6 (rotate 90): Keras ignores it, and so must the port.
    exif = Image.Exif()
    exif[0x0112] = 6
    save("jpeg_exif_rotated.jpg", smooth_img, quality=90, exif=exif.tobytes())
    # gAMA 1.0: colour management would change every pixel; Keras/PIL ignore it.
    gamma = PngImagePlugin.PngInfo()
    gamma.add(b"gAMA", struct.pack(">I", 100000))
    save("rgb_gamma.png", Image.fromarray(noisy, "RGB"), pnginfo=gamma)

    save("bmp24.bmp", Image.fromarray(noisy, "RGB"))
    save("bmp8.bmp", pal_img)

    save("palette.gif", pal_img)
    save("palette_trns.gif", pal_img, transparency=3)

    save("webp_lossless.webp", Image.fromarray(noisy, "RGB"), lossless=True)
    save("webp_lossless_rgba.webp", Image.fromarray(np.dstack([noisy, alpha]), "RGBA"), lossless=True)
    save("webp_lossy.webp", smooth_img, quality=80)
    return files


def keras2_load_img(path, color_mode, target_size, interpolation, keep_aspect_ratio):
    """Keras 2.x load_img (keras/utils/image_utils.py), reproduced for keep_aspect_ratio."""
    img = load_img(path, color_mode=color_mode)
    width_height_tuple = (target_size[1], target_size[0])
    if img.size == width_height_tuple:
        return img
    resample = PIL_FILTERS[interpolation]
    if not keep_aspect_ratio:
        return img.resize(width_height_tuple, resample)
    width, height = img.size
    target_width, target_height = width_height_tuple
    crop_height = min(height, (width * target_height) // target_width)
    crop_width = min(width, (height * target_width) // target_height)
    h0 = (height - crop_height) // 2
    w0 = (width - crop_width) // 2
    box = [w0, h0, w0 + crop_width, h0 + crop_height]
    return img.resize(width_height_tuple, resample, box=box)


def to_uint8(arr):
    assert arr.dtype == np.float32
    as_u8 = arr.astype(np.uint8)
    assert np.array_equal(as_u8.astype(np.float32), arr), "img_to_array values must be integral"
    return as_u8


def cases_for(name):
    """(color_mode, target_size, interpolation, keep_aspect_ratio) tuples."""
    cases = [(mode, None, "nearest", False) for mode in COLOR_MODES]
    resized = {
        "rgb.png": ["rgb", "grayscale"],
        "rgba.png": ["rgba", "rgb"],
        "gray.png": ["grayscale"],
        "jpeg_420.jpg": ["rgb"],
    }
    for mode in resized.get(name, []):
        # down both axes, up both axes, mixed, one axis unchanged, and tiny output
        for size in [(11, 17), (31, 50), (40, 20), (23, 80), (1, 2)]:
            for interp in INTERPOLATIONS:
                cases.append((mode, size, interp, False))
        # keep_aspect_ratio crops width (square target) or height (wide target)
        for size in [(16, 16), (9, 30), (40, 40)]:
            for interp in INTERPOLATIONS:
                cases.append((mode, size, interp, True))
    return cases


def case_key(mode, size, interp, keep):
    size_part = "orig" if size is None else "%dx%d" % size
    return "%s_%s_%s%s" % (mode, size_part, interp, "_keep" if keep else "")


def array_to_img_cases():
    """Inputs for array_to_img and the uint8 pixels Keras turns them into."""
    rng = np.random.default_rng(7)
    wrap = np.array([-1.0, 256.0, 300.7, -300.2, 255.9, 0.5, 4e9, np.nan], dtype=np.float32)
    cases = {
        # negative values: shifted by -min, divided by max, times 255, truncated
        "hwc3_scaled": (rng.normal(0, 50, (5, 7, 3)).astype(np.float32), "channels_last", True, "float32"),
        # out-of-range values without scaling wrap modulo 256 the way numpy's cast does
        "hwc3_unscaled_wrap": (np.resize(wrap, (4, 6, 3)).astype(np.float32), "channels_last", False, "float32"),
        "chw4_scaled": (rng.uniform(0, 3, (4, 5, 6)).astype(np.float32), "channels_first", True, "float32"),
        "chw1_scaled": (rng.uniform(-1, 1, (1, 3, 4)).astype(np.float32), "channels_first", True, "float32"),
        "hwc1_zeros": (np.zeros((3, 4, 1), np.float32), "channels_last", True, "float32"),
        "hwc3_constant_negative": (np.full((2, 3, 3), -5.0, np.float32), "channels_last", True, "float32"),
        "hwc3_float64_in": (rng.uniform(0, 1, (5, 4, 3)), "channels_last", True, "float32"),
        "hwc3_float64_dtype": (rng.uniform(-2, 7, (5, 4, 3)), "channels_last", True, "float64"),
        "hwc4_uint8_unscaled": (rng.integers(0, 256, (3, 5, 4), dtype=np.uint8), "channels_last", False, "float32"),
        "hwc3_int32_scaled": (rng.integers(-1000, 1000, (4, 4, 3), dtype=np.int32), "channels_last", True, "float32"),
    }
    arrays, entries = {}, []
    for name, (x, data_format, scale, dtype) in cases.items():
        with np.errstate(invalid="ignore"):
            img = array_to_img(x, data_format=data_format, scale=scale, dtype=dtype)
        out = np.asarray(img)
        arrays["in_" + name] = x
        arrays["out_" + name] = out
        entries.append({"name": name, "data_format": data_format, "scale": scale, "dtype": dtype,
                        "mode": img.mode, "out_shape": list(out.shape)})
    np.savez_compressed(os.path.join(EXPECTED, "array_to_img.npz"), **arrays)
    return entries


def save_jpeg_cases():
    """What save_img(..., quality=q) to JPEG followed by load_img gives with Pillow."""
    arrays, entries = {}, []
    for source, mode, quality in [("jpeg_444.jpg", "rgb", 75), ("jpeg_444.jpg", "rgb", 95),
                                  ("rgb.png", "rgb", 75), ("jpeg_444.jpg", "grayscale", 75)]:
        img = load_img(os.path.join(IMAGES, source), color_mode=mode)
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=quality)  # what save_img does for a .jpg path
        buf.seek(0)
        name = "%s_%s_q%d" % (source.split(".")[0], mode, quality)
        arrays[name] = to_uint8(img_to_array(load_img(buf, color_mode=mode)))
        entries.append({"name": name, "source": "images/" + source, "color_mode": mode, "quality": quality})
    np.savez_compressed(os.path.join(EXPECTED, "save_jpeg.npz"), **arrays)
    return entries


def main():
    files = build_images()
    os.makedirs(EXPECTED, exist_ok=True)
    manifest = {"pillow": Image.__version__, "numpy": np.__version__, "images": []}
    for name in sorted(files):
        path = os.path.join(IMAGES, name)
        pil_mode = Image.open(path).mode
        arrays = {}
        cases = []
        for mode, size, interp, keep in cases_for(name):
            if keep:
                img = keras2_load_img(path, mode, size, interp, True)
            else:
                img = load_img(path, color_mode=mode, target_size=size, interpolation=interp)
            key = case_key(mode, size, interp, keep)
            arr = img_to_array(img)
            arrays[key] = to_uint8(arr)
            cases.append({
                "key": key,
                "color_mode": mode,
                "target_size": list(size) if size else None,
                "interpolation": interp,
                "keep_aspect_ratio": keep,
                "shape": list(arr.shape),
            })
        np.savez_compressed(os.path.join(EXPECTED, name + ".npz"), **arrays)
        manifest["images"].append({"file": "images/" + name, "pil_mode": pil_mode,
                                   "expected": "expected/" + name + ".npz", "cases": cases})
    manifest["array_to_img"] = array_to_img_cases()
    manifest["save_jpeg"] = save_jpeg_cases()
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    total = sum(os.path.getsize(os.path.join(d, f)) for d in (IMAGES, EXPECTED) for f in os.listdir(d))
    print("fixtures: %d bytes" % total, file=sys.stderr)


if __name__ == "__main__":
    main()
