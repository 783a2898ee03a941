#!/usr/bin/python3
"""Regenerates the compatibility fixtures of KerasMemory (Tests/Compat): what keras_preprocessing 1.1.0 does with
batch dtypes other than float32, standardize on a rank-4 batch, flow_from_dataframe rows with an empty label list,
how far its float32 fit statistics are from exact ones, and array_to_img with dtypes other than float32/float64.

Run from the repository root with Debian's interpreter (keras_preprocessing 1.1.0, numpy 1.24, scipy 1.10, pandas):

    /usr/bin/python3 Keras.Preprocessing.Memory.Tests/Fixtures/compat/generate_compat.py

It rewrites ``manifest.json`` and ``expected/`` next to this file. Deterministic: inputs come from
``numpy.random.RandomState(crc32(case name))`` or from a closed formula the tests recompute.

dtype cases: 1.1.0's ``flow`` does not pass ``dtype`` on to ``NumpyArrayIterator`` (its batches are always
float32); newer Keras does, so the cases build ``NumpyArrayIterator(x, None, gen, dtype=...)`` as newer Keras's
``flow`` does. Their augmentation is deterministic without a seed: ``zoom_range=[z, z]`` draws zx = zy = z and
``brightness_range=[b, b]`` draws b, and no flip is on.
"""
import json
import os
import shutil
import warnings
import zlib

import numpy as np
import pandas as pd
from keras_preprocessing.image import ImageDataGenerator, NumpyArrayIterator

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "expected")
GROUP = "compat"
IMAGES = os.path.join(HERE, "..", "iterators", "images")


def rng_for(name):
    return np.random.RandomState(zlib.crc32(name.encode()))


def save(name, arr):
    arr = np.ascontiguousarray(np.asarray(arr))
    arr = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    np.save(os.path.join(EXPECTED, name), arr, allow_pickle=False)
    return GROUP + "/expected/" + name


def dtype_case(name, dtype, generator, x):
    gen = ImageDataGenerator(**generator)
    case = {"name": name, "dtype": dtype, "generator": generator, "x": save(name + "_x.npy", x)}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            it = NumpyArrayIterator(x, None, gen, batch_size=len(x), shuffle=False, dtype=dtype,
                                    data_format=gen.data_format)
            batch = it[0]
        assert batch.dtype == np.dtype(dtype), (name, batch.dtype)
        case["expected"] = save(name + "_expected.npy", batch)
        case["error"] = None
        case["near_ties"] = near_ties(gen, x, dtype)
    except Exception as e:  # Keras's own failure, which the port must turn into an ArgumentException naming dtype
        case["expected"] = None
        case["error"] = type(e).__name__ + ": " + str(e)
    return case


def near_ties(gen, x, dtype):
    """Flat indices where scipy rounds a warped value that lies within float64 noise of a rounding boundary (x.5 for
    integers, 1 for bool): a port computing in float32 may land on the other side there, by one. Computed from a
    float64 twin of the batch (the same images, asarray'd to dtype, warped into float64); only for batches with no
    float step, where scipy's rounding is the last word."""
    if not np.issubdtype(np.dtype(dtype), np.integer) and dtype != "bool":
        return []
    if gen.brightness_range is not None or gen.channel_shift_range:
        return []
    twin = np.asarray(x, dtype=dtype).astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pre = NumpyArrayIterator(twin, None, gen, batch_size=len(x), shuffle=False, dtype="float64",
                                 data_format=gen.data_format)[0].ravel()
    if dtype == "bool":
        distance = np.abs(pre - 1.0)
    else:
        distance = np.abs(np.abs(pre) % 1.0 - 0.5)
    return [int(i) for i in np.flatnonzero(distance < 1e-6 * np.maximum(1.0, np.abs(pre)))]


def dtype_cases():
    r = rng_for("dtype")
    frac = r.uniform(0, 255, (2, 6, 7, 3)).astype(np.float32)  # fractional values: asarray truncates them
    signed = r.uniform(-300, 300, (2, 6, 7, 1)).astype(np.float32)  # beyond int8's range: asarray wraps them
    wide = r.randint(-70000, 70000, (2, 5, 6, 1)).astype(np.int64)  # np.arange's dtype, beyond int16's range
    zoom = {"zoom_range": [0.7, 0.7]}
    return [
        dtype_case("uint8_identity", "uint8", {}, frac),
        dtype_case("uint8_zoom_constant", "uint8", {**zoom, "cval": 7.5}, frac),
        dtype_case("uint8_zoom_nearest_order0", "uint8", {**zoom, "fill_mode": "nearest", "interpolation_order": 0}, frac),
        dtype_case("uint8_zoom_in_reflect", "uint8", {"zoom_range": [1.3, 1.3], "fill_mode": "reflect"}, frac),
        dtype_case("uint8_cval_beyond_range", "uint8", {**zoom, "cval": 300.0}, frac),
        dtype_case("int16_zoom_negative_cval", "int16", {**zoom, "cval": -3.5}, signed),
        dtype_case("int8_wraps_input", "int8", {**zoom, "fill_mode": "wrap"}, signed),
        dtype_case("int16_from_int64_wraps", "int16", {}, wide),
        dtype_case("int32_from_int64_zoom", "int32", zoom, wide),
        dtype_case("int64_zoom_channels_first", "int64", {**zoom, "data_format": "channels_first"},
                   np.ascontiguousarray(frac.transpose(0, 3, 1, 2))),
        dtype_case("uint16_zoom", "uint16", zoom, frac * 200),
        dtype_case("bool_zoom", "bool", zoom, (frac > 128) * frac),
        dtype_case("uint8_brightness_truncates", "uint8", {"brightness_range": [1.3, 1.3]}, frac),
        dtype_case("float16_rescale_samplewise", "float16", {"rescale": 1 / 255.0, "samplewise_center": True,
                                                             "samplewise_std_normalization": True}, frac),
        dtype_case("float16_identity_rounds_input", "float16", {}, frac * 3.3),
        dtype_case("uint8_rescale_raises", "uint8", {"rescale": 1 / 255.0}, frac),
        dtype_case("uint8_samplewise_center_raises", "uint8", {"samplewise_center": True}, frac),
        dtype_case("int32_samplewise_std_raises", "int32", {"samplewise_std_normalization": True}, frac),
    ]


def standardize_case(name, generator, fit=False):
    r = rng_for(name)
    x = r.uniform(0, 255, (3, 4, 5, 3)).astype(np.float32)
    gen = ImageDataGenerator(**generator)
    if fit:
        gen.fit(r.uniform(0, 255, (6, 4, 5, 3)).astype(np.float32))
    case = {"name": name, "generator": generator, "x": save(name + "_x.npy", x)}
    case["fit_x"] = None
    if fit:
        # fit's data, kept so the test fits on the same values (the draws above are consumed in this order)
        r2 = rng_for(name)
        r2.uniform(0, 255, (3, 4, 5, 3))
        case["fit_x"] = save(name + "_fit_x.npy", r2.uniform(0, 255, (6, 4, 5, 3)).astype(np.float32))
    case["expected"] = save(name + "_expected.npy", gen.standardize(x.copy()))
    case["per_image"] = save(name + "_per_image.npy", np.stack([gen.standardize(xi.copy()) for xi in x]))
    return case


def standardize_cases():
    return [
        standardize_case("batch_samplewise_center", {"samplewise_center": True}),
        standardize_case("batch_samplewise_both", {"samplewise_center": True, "samplewise_std_normalization": True}),
        standardize_case("batch_samplewise_std_only", {"samplewise_std_normalization": True, "rescale": 0.5}),
        standardize_case("batch_samplewise_then_featurewise", {"samplewise_center": True, "samplewise_std_normalization": True,
                                                               "featurewise_center": True, "featurewise_std_normalization": True,
                                                               "rescale": 1 / 255.0}, fit=True),
    ]


def dataframe_cases():
    # Rows of the iterators fixture's images with tag lists, some empty. Keras keeps an empty list (dropna keeps it)
    # unless `classes` is given, which turns it into None and drops the row.
    files = ["cats/c09.jpg", "birds/b05.jpg", "birds/b02.png", "cats/c07.png", "dogs/d01.png", "dogs/d02.jpg",
             "cats/c03.png", "birds/b01.png"]
    files = [f for f in files if os.path.isfile(os.path.join(IMAGES, f))]
    tags = [["cat"], [], ["bird", "dog"], [], ["dog"], ["dog", "cat"], [], ["bird"]][:len(files)]
    cases = []
    for name, classes, subset, split in [
        ("df_empty_lists_kept", None, None, None),
        ("df_empty_lists_dropped_with_classes", ["bird", "cat", "dog"], None, None),
        ("df_empty_lists_training", None, "training", 0.25),
        ("df_empty_lists_validation", None, "validation", 0.25),
    ]:
        gen = ImageDataGenerator(**({} if split is None else {"validation_split": split}))
        df = pd.DataFrame({"filename": files, "tags": tags})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            it = gen.flow_from_dataframe(df, directory=IMAGES, x_col="filename", y_col="tags", classes=classes,
                                         class_mode="categorical", target_size=(8, 8), batch_size=len(files),
                                         shuffle=False, subset=subset)
            _, y = it[0]
        cases.append({"name": name, "files": files, "tags": tags, "classes": classes, "subset": subset,
                      "validation_split": split, "filenames": list(it.filenames), "class_indices": it.class_indices,
                      "y": y.tolist()})
    return cases


def fit_pattern(n, rows, cols, channels):
    """0..255 data from a closed formula the C# test recomputes: value(k) = (k * k * 31 + k * 7) % 256, k the flat index."""
    k = np.arange(n * rows * cols * channels, dtype=np.int64)
    return ((k * k * 31 + k * 7) % 256).astype(np.uint8).reshape(n, rows, cols, channels)


def fit_case():
    shape = (1000, 32, 32, 3)
    x = fit_pattern(*shape)
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    gen.fit(x)
    xd = x.astype(np.float64)
    mean = xd.mean(axis=(0, 1, 2))
    std = (xd - mean).std(axis=(0, 1, 2))
    keras = (xd - gen.mean.astype(np.float64).ravel()) / (gen.std.astype(np.float64).ravel() + 1e-6)
    exact = (xd - mean) / (std + 1e-6)
    return {"name": "fit_float32_accumulation", "shape": list(shape),
            "keras_mean": gen.mean.ravel().astype(np.float64).tolist(), "keras_std": gen.std.ravel().astype(np.float64).tolist(),
            "exact_mean": mean.tolist(), "exact_std": std.tolist(),
            "max_standardized_difference": float(np.abs(keras - exact).max())}


def array_to_img_cases():
    from keras_preprocessing.image import array_to_img
    r = rng_for("array_to_img")
    x = r.uniform(-300, 600, (5, 4, 3)).astype(np.float32)
    cases = []
    for name, dtype, scale, data in [
        ("uint8_unscaled_wraps", "uint8", False, x),
        ("int16_unscaled_wraps_to_uint8", "int16", False, x),
        ("bool_unscaled", "bool", False, x),
        ("float16_scaled", "float16", True, x),
        ("float16_unscaled", "float16", False, x / 3),
        ("int32_all_zero_scaled", "int32", True, np.zeros((5, 4, 3), np.float32)),
        ("uint8_scaled_raises", "uint8", True, x),
    ]:
        case = {"name": name, "dtype": dtype, "scale": scale, "x": save("a2i_" + name + "_x.npy", data)}
        try:
            case["expected"] = save("a2i_" + name + "_expected.npy", np.asarray(array_to_img(data, scale=scale, dtype=dtype)))
            case["error"] = None
        except Exception as e:
            case["expected"] = None
            case["error"] = type(e).__name__ + ": " + str(e)
        cases.append(case)
    return cases


def main():
    shutil.rmtree(EXPECTED, ignore_errors=True)
    os.makedirs(EXPECTED)
    manifest = {"dtype": dtype_cases(), "standardize": standardize_cases(), "dataframe": dataframe_cases(),
                "fit": fit_case(), "array_to_img": array_to_img_cases()}
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"{sum(len(v) for v in manifest.values() if isinstance(v, list))} cases; fit: "
          f"{manifest['fit']['max_standardized_difference']:.3g} max standardized difference")


if __name__ == "__main__":
    main()
