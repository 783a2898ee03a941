#!/usr/bin/python3
"""Regenerate the golden fixtures for KerasMemory from the Python reference.

Run from the repository root with Debian's interpreter (it sees keras_preprocessing 1.1.0,
numpy 1.24, scipy 1.10, PIL 9.4):

    /usr/bin/python3 Keras.Preprocessing.Memory.Tests/Fixtures/generate.py

Everything is deterministic: each case draws its data from its own
numpy.random.default_rng(seed), the seed being derived from the case name (crc32), so adding
or removing a case does not change the others. The group folders are wiped and rewritten.
See README.md next to this file for the format.
"""
import json
import os
import shutil
import sys
import warnings
import zlib

import numpy as np
from scipy import ndimage

from keras_preprocessing.image import ImageDataGenerator
from keras_preprocessing.image.affine_transformations import transform_matrix_offset_center

HERE = os.path.dirname(os.path.abspath(__file__))
GROUPS = ("affine", "standardize", "to_categorical", "scipy_modes")


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


def save(group, fname, arr):
    """np.save a little-endian, C-ordered copy of arr; return the path relative to Fixtures/."""
    arr = np.asarray(arr)
    arr = np.ascontiguousarray(arr.astype(arr.dtype.newbyteorder("<"), copy=False))
    rel = group + "/" + fname
    np.save(os.path.join(HERE, group, fname), arr, allow_pickle=False)
    return rel


def pyfloat(v):
    return None if v is None else float(v)


def write_manifest(group, cases):
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names in " + group
    with open(os.path.join(HERE, group, "manifest.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")


def reset_dirs():
    for g in GROUPS:
        d = os.path.join(HERE, g)
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)


# ---------------------------------------------------------------------------------------------
# 1. affine: ImageDataGenerator.apply_transform with fixed parameters
# ---------------------------------------------------------------------------------------------

PARAM_DEFAULTS = {
    "theta": 0.0, "tx": 0.0, "ty": 0.0, "shear": 0.0, "zx": 1.0, "zy": 1.0,
    "flip_horizontal": False, "flip_vertical": False,
    "channel_shift_intensity": None, "brightness": None,
}


def unit_image(rng, shape):
    return rng.random(shape, dtype=np.float64).astype(np.float32)


def image_0_255_int(rng, shape):
    x = rng.integers(0, 256, size=shape).astype(np.float32)
    flat = x.reshape(-1)
    flat[0] = 0.0          # make sure the range is exactly 0..255
    flat[-1] = 255.0
    # values where PIL's float32 factor gives a different truncation than a double would
    # (e.g. 0.7f * 90 = 62.99999 -> 62, 0.7 * 90 = 63.0 in double)
    flat[1:7] = [45.0, 85.0, 90.0, 170.0, 180.0, 190.0]
    return x


def image_0_255_frac(rng, shape):
    x = (rng.random(shape) * 255.0).astype(np.float32)
    flat = x.reshape(-1)
    flat[1] = 0.0
    flat[-2] = 255.0
    flat[2:8] = [45.5, 85.25, 90.75, 170.5, 180.9, 190.1]
    return x


AFFINE_CASES = []


def affine(name, shape, params, fill_mode="nearest", cval=0.0, order=1,
           data_format="channels_last", kind="unit", note=""):
    AFFINE_CASES.append(dict(name=name, shape=shape, params=params, fill_mode=fill_mode,
                             cval=cval, order=order, data_format=data_format, kind=kind,
                             note=note))


KERAS_MODES = ["constant", "nearest", "reflect", "wrap"]
# Keras 1.1.0 passes fill_mode straight to scipy, which also accepts these.
SCIPY_MODES = ["mirror", "grid-wrap", "grid-constant", "grid-mirror"]
ALL_MODES = KERAS_MODES + SCIPY_MODES


def build_affine_case_list():
    modes = ALL_MODES
    for m in modes:
        p = m  # prefix
        affine(p + "_rot17", (13, 17, 3), {"theta": 17.0}, m)
        affine(p + "_rot-33", (12, 12, 1), {"theta": -33.0}, m)
        affine(p + "_rot17_order0", (13, 17, 3), {"theta": 17.0}, m, order=0)
        affine(p + "_tx_frac", (12, 12, 3), {"tx": 2.4}, m,
               note="tx moves rows (height shift)")
        affine(p + "_tx_int", (9, 11, 1), {"tx": -3.0}, m,
               note="integer shift: sampling coordinates are exact integers")
        affine(p + "_ty_frac", (9, 11, 3), {"ty": -1.7}, m,
               note="ty moves columns (width shift)")
        affine(p + "_ty_int", (12, 12, 3), {"ty": 4.0}, m)
        affine(p + "_shift_big", (9, 11, 3), {"tx": 25.3, "ty": -30.0}, m,
               note="shift larger than the image: wrap/reflect fold several times")
        affine(p + "_shift_big_int_order0", (9, 11, 1), {"tx": -20.0, "ty": 23.0}, m, order=0)
        affine(p + "_shear", (13, 17, 3), {"shear": 20.0}, m)
        affine(p + "_zoom_in", (16, 16, 3), {"zx": 0.7, "zy": 0.85}, m,
               note="zx, zy < 1 magnify (inverse map)")
        affine(p + "_zoom_out", (13, 17, 1), {"zx": 1.3, "zy": 1.6}, m)
        affine(p + "_combined", (13, 17, 3),
               {"theta": 12.0, "tx": -1.5, "ty": 2.25, "shear": 8.0, "zx": 0.9, "zy": 1.15}, m)
        affine(p + "_combined_order0", (13, 17, 3),
               {"theta": -21.0, "tx": 2.0, "ty": -3.5, "shear": -11.0, "zx": 1.2, "zy": 0.8},
               m, order=0)
        affine(p + "_rot_4ch", (16, 16, 4), {"theta": 41.0}, m)
        affine(p + "_cf_combined", (3, 13, 17),
               {"theta": 12.0, "tx": -1.5, "ty": 2.25, "shear": 8.0, "zx": 0.9, "zy": 1.15}, m,
               data_format="channels_first", note="image shaped (C, H, W)")
        affine(p + "_flips_warp", (12, 16, 3),
               {"theta": 25.0, "tx": 1.0, "zx": 1.1, "zy": 0.9,
                "flip_horizontal": True, "flip_vertical": True}, m)
        affine(p + "_thin_1row", (1, 11, 1), {"theta": 7.0, "ty": 1.5}, m,
               note="degenerate 1-row image")

    # ties: scipy evaluates (r*m00 + c*m01) + offset from the warped pixel, and Keras flips AFTER the warp.
    # Rotations by multiples of 90 degrees put samples exactly on pixel centres and edges (cos 90 = 6e-17),
    # half-pixel shifts and zooms around an integer centre put them on order-0 rounding ties.
    flip_sets = {"": {}, "_fh": {"flip_horizontal": True}, "_fv": {"flip_vertical": True},
                 "_fhv": {"flip_horizontal": True, "flip_vertical": True}}
    for m in modes:
        for theta in (90.0, 180.0, 270.0, -90.0):
            for ftag, flips in flip_sets.items():
                if theta in (270.0, -90.0) and ftag in ("_fh", "_fv"):
                    continue
                params = dict(theta=theta, **flips)
                affine("tie_%s_rot%d%s_order0" % (m, theta, ftag), (7, 9, 3), params, m, order=0)
                if ftag in ("", "_fhv"):
                    affine("tie_%s_rot%d%s" % (m, theta, ftag), (7, 9, 1), params, m)
        affine("tie_%s_rot90_16_order0" % m, (16, 16, 1), {"theta": 90.0}, m, order=0)
        affine("tie_%s_rot180_fh_16_uint8_order0" % m, (16, 16, 3),
               {"theta": 180.0, "flip_horizontal": True}, m, order=0, kind="uint8",
               note="uint8 source: Keras's flow converts to float32 first")
        affine("tie_%s_rot270_16_uint8" % m, (16, 16, 3), {"theta": 270.0}, m, kind="uint8")
        affine("tie_%s_half_shift_order0" % m, (7, 9, 3), {"tx": 0.5, "ty": -1.5}, m, order=0)
        affine("tie_%s_half_shift_fh_order0" % m, (16, 16, 1),
               {"tx": -2.5, "ty": 3.5, "flip_horizontal": True}, m, order=0)
        affine("tie_%s_zoom_order0" % m, (7, 9, 3), {"zx": 0.5, "zy": 1.5}, m, order=0,
               note="centre (4, 5): zoomed coordinates land on .5")
        affine("tie_%s_zoom2_fv_order0" % m, (7, 9, 1), {"zx": 2.0, "zy": 0.5, "flip_vertical": True},
               m, order=0)
        affine("tie_%s_zoom_shift" % m, (7, 9, 3), {"zx": 1.5, "zy": 0.5, "tx": 0.5}, m)
        affine("tie_%s_rot90_shift_int" % m, (16, 16, 3), {"theta": 90.0, "tx": 3.0, "ty": -2.0}, m)

    # interpolation_order 2-5: scipy prefilters with B-splines (spline_filter, mode-dependent initial
    # conditions; nearest and grid-constant padded by 12 first) and sums (order+1)^2 coefficients.
    for m in modes:
        cv = 0.5 if m in ("constant", "grid-constant") else 0.0
        for order in (2, 3, 4, 5):
            affine("spline_%s_o%d_combined" % (m, order), (7, 9, 1),
                   {"theta": 12.0, "tx": -1.5, "ty": 2.25, "shear": 8.0, "zx": 0.9, "zy": 1.15},
                   m, cval=cv, order=order)
            affine("spline_%s_o%d_rot_flip" % (m, order), (16, 16, 3),
                   {"theta": -33.0, "ty": 4.5, "flip_horizontal": True}, m, cval=cv, order=order)
            affine("spline_%s_o%d_uint8_rot90" % (m, order), (16, 16, 3),
                   {"theta": 90.0, "tx": 2.0, "flip_vertical": True}, m, cval=cv, order=order,
                   kind="uint8")
        affine("spline_%s_o3_zoom_out_cf" % m, (3, 7, 9), {"zx": 1.6, "zy": 1.3, "tx": 5.0}, m,
               cval=cv, order=3, data_format="channels_first",
               note="far outside: the fold and the padding decide")
        affine("spline_%s_o2_thin_1row" % m, (1, 9, 1), {"theta": 7.0, "ty": 1.5}, m, cval=cv, order=2,
               note="a line of one sample is not filtered")
        # Axes of a few samples, where scipy 1.10's reflect/nearest initial condition reads c[0] after it
        # has started rewriting it (the last term of its sum): the exact closed form differs there.
        for order in (2, 3, 4, 5):
            affine("spline_%s_o%d_tiny_2x3" % (m, order), (2, 3, 1), {"theta": 30.0, "zx": 0.8, "zy": 1.1}, m,
                   cval=cv, order=order)
            affine("spline_%s_o%d_tiny_5x4" % (m, order), (5, 4, 3), {"tx": 0.5, "ty": -1.5}, m, cval=cv,
                   order=order)

    # constant with non-zero cval
    for cv, tag in ((0.5, "cval0.5"), (-1.0, "cval-1")):
        affine("constant_%s_rot17" % tag, (13, 17, 3), {"theta": 17.0}, "constant", cval=cv)
        affine("constant_%s_shift_big" % tag, (9, 11, 3), {"tx": 25.3, "ty": -30.0},
               "constant", cval=cv)
        affine("constant_%s_combined" % tag, (13, 17, 3),
               {"theta": 12.0, "tx": -1.5, "ty": 2.25, "shear": 8.0, "zx": 0.9, "zy": 1.15},
               "constant", cval=cv)
        affine("constant_%s_zoom_out_order0" % tag, (12, 12, 1), {"zx": 1.4, "zy": 1.25},
               "constant", cval=cv, order=0)
    affine("constant_cval-1_rot_chshift", (13, 17, 3),
           {"theta": 30.0, "channel_shift_intensity": 0.3}, "constant", cval=-1.0,
           note="channel shift clips to the warped image's min/max, which includes cval -1")
    affine("constant_cval0.5_cf_rot", (4, 12, 12), {"theta": -50.0}, "constant", cval=0.5,
           data_format="channels_first")

    # flips alone (fill mode irrelevant)
    affine("flip_h", (9, 11, 3), {"flip_horizontal": True})
    affine("flip_v", (9, 11, 3), {"flip_vertical": True})
    affine("flip_both_1ch", (9, 11, 1), {"flip_horizontal": True, "flip_vertical": True})
    affine("flip_h_cf", (3, 9, 11), {"flip_horizontal": True}, data_format="channels_first",
           note="channels_first: horizontal flip reverses the last axis")
    affine("flip_v_cf_4ch", (4, 9, 11), {"flip_vertical": True}, data_format="channels_first")

    # channel shift
    affine("chshift_pos", (12, 12, 3), {"channel_shift_intensity": 0.2},
           note="adds to every channel, clips to the image's own min/max")
    affine("chshift_neg_1ch", (9, 11, 1), {"channel_shift_intensity": -0.35})
    affine("chshift_cf", (3, 9, 11), {"channel_shift_intensity": 0.15},
           data_format="channels_first")
    affine("constant_rot_chshift", (13, 17, 3),
           {"theta": 23.0, "channel_shift_intensity": 0.25}, "constant",
           note="cval 0 is part of the min used for clipping")
    affine("reflect_rot_chshift", (13, 17, 3),
           {"theta": -23.0, "channel_shift_intensity": -0.25}, "reflect")
    affine("wrap_rot_chshift_flip", (12, 16, 4),
           {"theta": 15.0, "channel_shift_intensity": 0.1, "flip_horizontal": True}, "wrap")

    # identity
    affine("identity_empty", (9, 11, 3), {}, note="params {} (written out with the defaults)")
    affine("identity_cf", (3, 9, 11), {}, data_format="channels_first")
    affine("identity_constant_cval", (9, 11, 1), {}, "constant", cval=0.5)

    # brightness: 0..255 images, channels_last, no warp
    b = [
        ("bright_int_3ch_0.7", (12, 12, 3), "int", {"brightness": 0.7},
         "factor is used as float32 by PIL: trunc(0.7f * v)"),
        ("bright_int_3ch_1.3", (12, 12, 3), "int", {"brightness": 1.3}, "saturates at 255"),
        ("bright_int_1ch_0.45", (9, 11, 1), "int", {"brightness": 0.45}, "PIL mode L"),
        ("bright_int_1ch_1.6", (9, 11, 1), "int", {"brightness": 1.6}, ""),
        ("bright_int_4ch_0.7", (12, 12, 4), "int", {"brightness": 0.7},
         "RGBA: alpha channel is not changed by the enhancement"),
        ("bright_int_4ch_1.25", (12, 12, 4), "int", {"brightness": 1.25}, ""),
        ("bright_frac_3ch_0.7", (13, 17, 3), "frac", {"brightness": 0.7},
         "non-integer input: truncated to uint8 first"),
        ("bright_frac_3ch_1.4", (13, 17, 3), "frac", {"brightness": 1.4}, ""),
        ("bright_frac_3ch_1.0", (13, 17, 3), "frac", {"brightness": 1.0},
         "factor 1 still quantises (uint8 truncation)"),
        ("bright_frac_1ch_0.9", (9, 11, 1), "frac", {"brightness": 0.9}, ""),
        ("bright_frac_4ch_1.1", (9, 11, 4), "frac", {"brightness": 1.1}, ""),
        ("bright_int_3ch_fliph_1.2", (12, 16, 3), "int",
         {"brightness": 1.2, "flip_horizontal": True}, ""),
        ("bright_int_4ch_flipv_0.5", (12, 12, 4), "int",
         {"brightness": 0.5, "flip_vertical": True}, ""),
        ("bright_frac_1ch_flips_1.5", (9, 11, 1), "frac",
         {"brightness": 1.5, "flip_horizontal": True, "flip_vertical": True}, ""),
        ("bright_int_3ch_0.0", (9, 11, 3), "int", {"brightness": 0.0}, "all black"),
    ]
    for name, shape, kind, params, note in b:
        affine(name, shape, params, "nearest", kind=kind, note=note)


def keras_matrix(p, h, w):
    """The 3x3 matrix apply_affine_transform builds (same operations, same order), or None."""
    t = None
    if p["theta"] != 0:
        th = np.deg2rad(p["theta"])
        t = np.array([[np.cos(th), -np.sin(th), 0], [np.sin(th), np.cos(th), 0], [0, 0, 1]])
    if p["tx"] != 0 or p["ty"] != 0:
        s = np.array([[1, 0, p["tx"]], [0, 1, p["ty"]], [0, 0, 1]])
        t = s if t is None else np.dot(t, s)
    if p["shear"] != 0:
        sh = np.deg2rad(p["shear"])
        s = np.array([[1, -np.sin(sh), 0], [0, np.cos(sh), 0], [0, 0, 1]])
        t = s if t is None else np.dot(t, s)
    if p["zx"] != 1 or p["zy"] != 1:
        s = np.array([[p["zx"], 0, 0], [0, p["zy"], 0], [0, 0, 1]])
        t = s if t is None else np.dot(t, s)
    return None if t is None else transform_matrix_offset_center(t, h, w)


def warp_channels_last(img, t, gen):
    return np.stack([ndimage.affine_transform(img[..., k], t[:2, :2], t[:2, 2],
                                              order=gen["interpolation_order"],
                                              mode=gen["fill_mode"], cval=gen["cval"])
                     for k in range(img.shape[2])], axis=-1)


def fragile_pixels(img, params, gen):
    """Output pixels (over all channels) whose warped value moves by > 1e-6 when the sampling
    offset is nudged by +-1e-10 pixel: they sample exactly on a mode boundary (constant/wrap
    edge, order-0 rounding tie), so a port must produce the very same coordinates there."""
    if gen["data_format"] == "channels_first":
        img = np.moveaxis(img, 0, 2)
    t = keras_matrix(params, img.shape[0], img.shape[1])
    if t is None:
        return 0
    base = warp_channels_last(img, t, gen)
    changed = np.zeros(img.shape[:2], dtype=bool)
    for dr in (-1e-10, 0.0, 1e-10):
        for dc in (-1e-10, 0.0, 1e-10):
            t2 = t.copy()
            t2[0, 2] += dr
            t2[1, 2] += dc
            d = np.abs(warp_channels_last(img, t2, gen) - base).max(axis=-1)
            changed |= d > 1e-6
    return int(changed.sum())


def run_affine():
    build_affine_case_list()
    manifest = []
    for c in AFFINE_CASES:
        rng = rng_for("affine/" + c["name"])
        if c["kind"] == "unit":
            img = unit_image(rng, c["shape"])
        elif c["kind"] == "uint8":
            img = rng.integers(0, 256, c["shape"], dtype=np.uint8)
        elif c["kind"] == "int":
            img = image_0_255_int(rng, c["shape"])
        else:
            img = image_0_255_frac(rng, c["shape"])
        full = dict(PARAM_DEFAULTS)
        full.update(c["params"])
        for k in ("theta", "tx", "ty", "shear", "zx", "zy"):
            full[k] = float(full[k])
        for k in ("channel_shift_intensity", "brightness"):
            full[k] = pyfloat(full[k])
        gen = ImageDataGenerator(fill_mode=c["fill_mode"], cval=c["cval"],
                                 data_format=c["data_format"],
                                 interpolation_order=c["order"])
        # Keras's flow hands apply_transform float32 images (x.astype(dtype)); so do we for uint8 sources.
        keras_in = img.astype(np.float32)
        out = gen.apply_transform(keras_in.copy(), dict(c["params"]))
        out_full = gen.apply_transform(keras_in.copy(), dict(full))
        assert np.array_equal(out, out_full), c["name"]
        assert out.shape == img.shape, (c["name"], out.shape)
        out = np.asarray(out).astype(np.float32)
        generator = {"fill_mode": c["fill_mode"], "cval": float(c["cval"]),
                     "data_format": c["data_format"], "interpolation_order": int(c["order"])}
        fragile = fragile_pixels(keras_in, full, generator)
        if (not full["flip_horizontal"] and not full["flip_vertical"]
                and full["channel_shift_intensity"] is None and full["brightness"] is None):
            # self-check: our copy of the matrix reproduces the reference bit for bit
            src = keras_in if c["data_format"] == "channels_last" else np.moveaxis(keras_in, 0, 2)
            t = keras_matrix(full, src.shape[0], src.shape[1])
            mine = src if t is None else warp_channels_last(src, t, generator)
            if c["data_format"] == "channels_first":
                mine = np.moveaxis(mine, 2, 0)
            assert np.array_equal(mine, out), c["name"]
        entry = {
            "name": c["name"],
            "image": save("affine", c["name"] + "_in.npy", img),
            "expected": save("affine", c["name"] + "_out.npy", out),
            "generator": generator,
            "params": full,
            "fragile_pixels": fragile,
            "note": c["note"],
        }
        manifest.append(entry)
    write_manifest("affine", manifest)
    return len(manifest)


# ---------------------------------------------------------------------------------------------
# 2. standardize: fit + standardize per image
# ---------------------------------------------------------------------------------------------

STD_KEYS = ("featurewise_center", "samplewise_center", "featurewise_std_normalization",
            "samplewise_std_normalization", "zca_whitening", "zca_epsilon", "rescale",
            "data_format")


def run_standardize():
    cases = []

    def case(name, img_shape, n_fit, n_in=4, note="", **kw):
        cases.append(dict(name=name, img_shape=img_shape, n_fit=n_fit, n_in=n_in, note=note,
                          kw=kw))

    cl, cf = "channels_last", "channels_first"
    case("samplewise_center", (8, 8, 3), 0, samplewise_center=True)
    case("samplewise_std_only", (8, 8, 3), 0, samplewise_std_normalization=True,
         note="samplewise_std_normalization turns samplewise_center on (with a warning)")
    case("samplewise_center_std", (8, 8, 3), 0, samplewise_center=True,
         samplewise_std_normalization=True)
    case("samplewise_1ch", (9, 11, 1), 0, samplewise_center=True,
         samplewise_std_normalization=True)
    case("samplewise_cf", (3, 9, 11), 0, samplewise_center=True,
         samplewise_std_normalization=True, data_format=cf)
    case("featurewise_center", (8, 8, 3), 30, featurewise_center=True)
    case("featurewise_std_only", (8, 8, 3), 30, featurewise_std_normalization=True,
         note="featurewise_std_normalization turns featurewise_center on (with a warning)")
    case("featurewise_center_std", (8, 8, 3), 30, featurewise_center=True,
         featurewise_std_normalization=True)
    case("featurewise_cf", (3, 9, 11), 25, featurewise_center=True,
         featurewise_std_normalization=True, data_format=cf)
    case("featurewise_1ch", (9, 11, 1), 25, featurewise_center=True,
         featurewise_std_normalization=True)
    case("featurewise_4ch", (8, 8, 4), 20, featurewise_center=True,
         featurewise_std_normalization=True)
    case("featurewise_2ch_warns", (8, 8, 2), 20, featurewise_center=True,
         featurewise_std_normalization=True,
         note="fit warns about 2 channels but proceeds")
    case("featurewise_center_unfit", (8, 8, 3), 0, featurewise_center=True,
         featurewise_std_normalization=True,
         note="never fitted: standardize warns and skips both steps")
    case("zca_unfit", (6, 6, 3), 0, zca_whitening=True,
         note="never fitted: standardize warns and skips center and zca")
    case("both_sample_and_feature", (8, 8, 3), 30, samplewise_center=True,
         samplewise_std_normalization=True, featurewise_center=True,
         featurewise_std_normalization=True,
         note="fit does not apply samplewise steps; standardize applies samplewise first")
    case("zca_default_eps", (6, 6, 3), 40, zca_whitening=True,
         note="rank-deficient (108 features, 40 samples): with eps 1e-6 the components in the "
              "null space are dominated by float32 SVD noise; compare standardize against the "
              "stored principal_components, and the fitted components only loosely")
    case("zca_eps_1e-2", (6, 6, 3), 40, zca_whitening=True, zca_epsilon=1e-2)
    case("zca_full_rank", (3, 3, 3), 40, zca_whitening=True,
         note="27 features, 40 samples: well conditioned with the default eps")
    case("zca_cf_eps_1e-2", (3, 6, 6), 40, zca_whitening=True, zca_epsilon=1e-2,
         data_format=cf, note="flattening order is (C, H, W)")
    case("zca_with_featurewise_std", (3, 3, 3), 40, zca_whitening=True,
         featurewise_std_normalization=True, zca_epsilon=1e-2,
         note="zca_whitening switches featurewise_std_normalization OFF (with a warning)")
    case("rescale_alone", (8, 8, 3), 0, rescale=1.0 / 255)
    case("rescale_2", (9, 11, 1), 0, rescale=2.0)
    case("rescale_samplewise", (8, 8, 3), 0, rescale=0.5, samplewise_center=True,
         samplewise_std_normalization=True)
    case("rescale_featurewise", (8, 8, 3), 30, rescale=0.5, featurewise_center=True,
         featurewise_std_normalization=True,
         note="fit does NOT rescale: mean/std come from raw fit_x, standardize rescales first")
    case("nothing", (8, 8, 3), 0, note="all off: identity")

    manifest = []
    for c in cases:
        name = c["name"]
        rng = rng_for("standardize/" + name)
        kw = dict(c["kw"])
        kw.setdefault("data_format", cl)
        gen_args = {
            "featurewise_center": kw.get("featurewise_center", False),
            "samplewise_center": kw.get("samplewise_center", False),
            "featurewise_std_normalization": kw.get("featurewise_std_normalization", False),
            "samplewise_std_normalization": kw.get("samplewise_std_normalization", False),
            "zca_whitening": kw.get("zca_whitening", False),
            "zca_epsilon": float(kw.get("zca_epsilon", 1e-6)),
            "rescale": pyfloat(kw.get("rescale", None)),
            "data_format": kw["data_format"],
        }
        fit_x = unit_image(rng, (c["n_fit"],) + c["img_shape"]) if c["n_fit"] else None
        inp = unit_image(rng, (c["n_in"],) + c["img_shape"])
        with warnings.catch_warnings(record=True) as w_init:
            warnings.simplefilter("always")
            gen = ImageDataGenerator(**gen_args)
        w_fit = []
        if fit_x is not None:
            with warnings.catch_warnings(record=True) as w_fit:
                warnings.simplefilter("always")
                gen.fit(fit_x.copy())
        with warnings.catch_warnings(record=True) as w_std:
            warnings.simplefilter("always")
            outs = [gen.standardize(inp[i].copy()) for i in range(inp.shape[0])]
        out_dtypes = sorted({str(np.asarray(o).dtype) for o in outs})
        expected = np.stack([np.asarray(o) for o in outs]).astype(np.float32)
        effective = {k: getattr(gen, k) for k in
                     ("featurewise_center", "samplewise_center",
                      "featurewise_std_normalization", "samplewise_std_normalization",
                      "zca_whitening")}
        entry = {
            "name": name,
            "generator": gen_args,
            "effective": {k: bool(v) for k, v in effective.items()},
            "fit_x": save("standardize", name + "_fit_x.npy", fit_x) if fit_x is not None
            else None,
            "mean": save("standardize", name + "_mean.npy", gen.mean) if gen.mean is not None
            else None,
            "std": save("standardize", name + "_std.npy", gen.std) if gen.std is not None
            else None,
            "principal_components": save("standardize", name + "_pc.npy",
                                         gen.principal_components)
            if gen.principal_components is not None else None,
            "input": save("standardize", name + "_input.npy", inp),
            "expected": save("standardize", name + "_expected.npy", expected),
            "reference_output_dtype": out_dtypes[0] if len(out_dtypes) == 1 else out_dtypes,
            "warnings": {
                "init": [str(w.message) for w in w_init],
                "fit": [str(w.message) for w in w_fit],
                # standardize warns once per image; keep the distinct texts in order
                "standardize": list(dict.fromkeys(str(w.message) for w in w_std)),
            },
            "note": c["note"],
        }
        manifest.append(entry)
    write_manifest("standardize", manifest)
    return len(manifest)


# ---------------------------------------------------------------------------------------------
# 3. to_categorical (Keras 2.x keras/utils/np_utils.py, reproduced inline)
# ---------------------------------------------------------------------------------------------

def to_categorical(y, num_classes=None, dtype="float32"):
    y = np.array(y, dtype="int")
    input_shape = y.shape
    if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
        input_shape = tuple(input_shape[:-1])
    y = y.ravel()
    if not num_classes:
        num_classes = np.max(y) + 1
    n = y.shape[0]
    categorical = np.zeros((n, num_classes), dtype=dtype)
    categorical[np.arange(n), y] = 1
    output_shape = input_shape + (num_classes,)
    categorical = np.reshape(categorical, output_shape)
    return categorical


def run_to_categorical():
    rng = rng_for("to_categorical")
    cases = [
        ("labels_1d", rng.integers(0, 5, size=12).astype(np.int32), None, ""),
        ("labels_n1", rng.integers(0, 4, size=(10, 1)).astype(np.int32), None,
         "trailing axis of size 1 is dropped"),
        ("labels_2d", rng.integers(0, 6, size=(4, 3)).astype(np.int32), None,
         "output (4, 3, num_classes)"),
        ("labels_3d_trailing1", rng.integers(0, 3, size=(2, 3, 1)).astype(np.int32), None,
         "(2, 3, 1) -> (2, 3, num_classes)"),
        ("num_classes_larger", np.array([0, 2, 1, 2, 0], dtype=np.int32), 7,
         "explicit num_classes > max + 1"),
        ("num_classes_zero", np.array([3, 1, 0], dtype=np.int32), 0,
         "num_classes 0 means 'max + 1' (falsy)"),
        ("int64_input", rng.integers(0, 9, size=15).astype(np.int64), None, "int64 labels"),
        ("int64_n1_num_classes", np.array([[1], [0], [4]], dtype=np.int64), 6, ""),
        ("float_input_truncated", np.array([0.0, 1.9, 2.2, 3.0], dtype=np.float32), None,
         "float labels are cast to int (truncation): [0, 1, 2, 3]"),
        ("single_label", np.array([2], dtype=np.int32), None, ""),
        ("n1_single_column_2d_k1", np.array([[0], [1]], dtype=np.int32), 2, ""),
    ]
    manifest = []
    for name, y, nc, note in cases:
        out = to_categorical(y, nc)
        assert out.dtype == np.float32
        manifest.append({
            "name": name,
            "input": save("to_categorical", name + "_input.npy", y),
            "num_classes": nc,
            "expected": save("to_categorical", name + "_expected.npy", out),
            "note": note,
        })
    write_manifest("to_categorical", manifest)
    return len(manifest)


# ---------------------------------------------------------------------------------------------
# 4. scipy_modes: raw scipy.ndimage.affine_transform semantics
# ---------------------------------------------------------------------------------------------

def run_scipy_modes():
    rng = rng_for("scipy_modes")
    arrays = {
        "a5x7": rng.random((5, 7)) * 10.0 - 3.0,
        "a1x7": rng.random((1, 7)) * 10.0,
        "a7x1": rng.random((7, 1)) * 10.0,
        "a1x1": np.array([[4.25]]),
        "ramp1x4": np.array([[1.0, 2.0, 3.0, 4.0]]),
    }
    paths = {k: save("scipy_modes", k + ".npy", v.astype(np.float64)) for k, v in arrays.items()}

    configs = []  # (tag, array key, matrix, offset)
    eye = [[1.0, 0.0], [0.0, 1.0]]
    configs.append(("identity", "a5x7", eye, [0.0, 0.0]))
    configs.append(("half_shift", "a5x7", eye, [0.5, -0.5]))
    configs.append(("tiny_outside", "a5x7", eye, [-1e-12, 1e-12]))
    configs.append(("int_shift", "a5x7", eye, [2.0, -3.0]))
    configs.append(("far_shift", "a5x7", eye, [10.25, -13.75]))
    configs.append(("far_shift_int", "a5x7", eye, [-12.0, 20.0]))
    configs.append(("scale_flip", "a5x7", [[1.7, 0.0], [0.0, -2.3]], [-0.8, 9.1]))
    for i in range(5):
        m = (rng.random((2, 2)) * 4.0 - 2.0).tolist()
        off = (rng.random(2) * 6.0 - 3.0)
        if i >= 3:
            off = off * 8.0  # several periods outside
        configs.append(("random%d" % i, "a5x7", m, off.tolist()))
    configs.append(("row_identity", "a1x7", eye, [0.0, 0.0]))
    configs.append(("row_shift", "a1x7", eye, [0.3, -2.6]))
    configs.append(("row_random", "a1x7", (rng.random((2, 2)) * 2 - 1).tolist(),
                    [-1.4, 15.2]))
    configs.append(("col_shift", "a7x1", eye, [-2.6, 0.7]))
    configs.append(("col_random", "a7x1", (rng.random((2, 2)) * 2 - 1).tolist(),
                    [11.3, -0.2]))
    configs.append(("single_pixel", "a1x1", [[0.6, 0.2], [-0.3, 1.1]], [0.4, -2.5]))
    # 1-D probes on [1, 2, 3, 4]: column j samples at 0.5*j + offset
    configs.append(("ramp_probe_neg", "ramp1x4", [[1.0, 0.0], [0.0, 0.5]], [0.0, -1.0]))
    configs.append(("ramp_probe_pos", "ramp1x4", [[1.0, 0.0], [0.0, 0.5]], [0.0, 2.5]))
    configs.append(("ramp_probe_far", "ramp1x4", [[1.0, 0.0], [0.0, -1.25]], [0.0, -6.3]))

    modes = ALL_MODES
    manifest = []
    for tag, key, m, off in configs:
        a = arrays[key].astype(np.float64)
        for mode in modes:
            for order in (0, 1):
                cval = 9.5 if mode in ("constant", "grid-constant") else 0.0
                out = ndimage.affine_transform(a, np.array(m, dtype=np.float64),
                                               np.array(off, dtype=np.float64),
                                               order=order, mode=mode, cval=cval)
                assert out.dtype == np.float64 and out.shape == a.shape
                name = "%s_%s_o%d" % (tag, mode, order)
                manifest.append({
                    "name": name,
                    "input": paths[key],
                    "matrix": [[float(v) for v in row] for row in m],
                    "offset": [float(v) for v in off],
                    "order": order,
                    "mode": mode,
                    "cval": cval,
                    "expected": save("scipy_modes", name + ".npy", out),
                })
    write_manifest("scipy_modes", manifest)
    return len(manifest)


def main():
    reset_dirs()
    counts = {
        "affine": run_affine(),
        "standardize": run_standardize(),
        "to_categorical": run_to_categorical(),
        "scipy_modes": run_scipy_modes(),
    }
    total = 0
    for root, _, files in os.walk(HERE):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    print("cases:", counts, "| Fixtures/ total bytes:", total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
