#!/usr/bin/python3
"""Regenerates the featurewise-statistics fixtures of KerasMemory (Tests/Compat/FeaturewiseStatisticShapeTests):
what keras_preprocessing 1.1.0's flow yields when a script assigns ``datagen.mean`` / ``datagen.std`` itself, in
the shapes scripts use (a scalar, one value per channel, a whole image, a rank-4 array), and which shapes fail.
Keras applies them as ``x -= self.mean`` and ``x /= (self.std + 1e-6)`` on each image, so numpy's broadcasting
decides: shapes are right-aligned against the image, every axis is 1 or the image's.

Run from the repository root with Debian's interpreter (keras_preprocessing 1.1.0, numpy 1.24):

    /usr/bin/python3 Keras.Preprocessing.Memory.Tests/Fixtures/statistics/generate_statistics.py

It rewrites ``manifest.json`` and the ``.npy`` files next to it. Deterministic: every input comes from
``numpy.random.RandomState(crc32(case name))``.

manifest.json is a list of
    {"name", "data_format", "x" (float32 images, in the data format's layout), "mean" (.npy, float32, its shape as
     assigned), "std" (.npy or null), "expected" (.npy: flow(x, batch_size=len(x), shuffle=False)[0], float32) or
     null, "error" (Keras's exception, "Type: message") or null}
"""
import json
import os
import zlib

import numpy as np
from keras_preprocessing.image import ImageDataGenerator

HERE = os.path.dirname(os.path.abspath(__file__))
GROUP = "statistics"


def rng_for(name):
    return np.random.RandomState(zlib.crc32(name.encode()))


def save(name, arr):
    arr = np.asarray(arr, dtype=np.float32).copy(order="C")  # keeps a scalar 0-d (ascontiguousarray would not)
    np.save(os.path.join(HERE, name), arr, allow_pickle=False)
    return GROUP + "/" + name


def case(name, data_format, x_shape, mean_shape, std_shape=None):
    rng = rng_for(name)
    x = (rng.rand(*x_shape) * 255).astype(np.float32)
    mean = np.asarray(rng.rand(*mean_shape) * 100, dtype=np.float32)
    std = None if std_shape is None else np.asarray(rng.rand(*std_shape) * 50 + 1, dtype=np.float32)
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=std is not None,
                             data_format=data_format)
    gen.mean = mean
    if std is not None:
        gen.std = std
    entry = {"name": name, "data_format": data_format, "x": save(name + "_x.npy", x),
             "mean": save(name + "_mean.npy", mean), "std": None if std is None else save(name + "_std.npy", std)}
    try:
        batch = gen.flow(x, batch_size=len(x), shuffle=False)[0]
        assert batch.dtype == np.float32
        entry["expected"], entry["error"] = save(name + "_expected.npy", batch), None
    except Exception as e:  # numpy's broadcasting error, which the port must raise as an ArgumentException
        entry["expected"], entry["error"] = None, type(e).__name__ + ": " + str(e)
    return entry


def main():
    for f in os.listdir(HERE):
        if f.endswith(".npy") or f == "manifest.json":
            os.remove(os.path.join(HERE, f))
    last, first = "channels_last", "channels_first"
    cases = [
        case("scalar_mean_and_std", last, (3, 4, 5, 3), (), ()),
        case("per_channel_flat", last, (3, 4, 5, 3), (3,)),
        case("per_channel_keras_shape", last, (3, 4, 5, 3), (1, 1, 3), (1, 1, 3)),
        # Keras's in-place `x -= mean` cannot grow the image to rank 4: a rank-4 statistic fails even with a batch axis of 1.
        case("per_channel_rank4_fails", last, (3, 4, 5, 3), (1, 1, 1, 3), (3,)),
        case("whole_image", last, (3, 4, 5, 3), (4, 5, 3), (4, 5, 3)),
        case("per_column_all_channels", last, (3, 4, 5, 3), (1, 5, 1), (5, 1)),
        case("per_row_and_channel", last, (2, 4, 5, 3), (4, 1, 3)),
        case("grayscale_per_pixel", last, (2, 4, 5, 1), (4, 5, 1), ()),
        case("channels_first_per_channel", first, (3, 3, 4, 5), (3, 1, 1), (3, 1, 1)),
        case("channels_first_per_pixel", first, (3, 3, 4, 5), (1, 4, 5), (4, 5)),
        # numpy aligns a flat (3,) with the last axis, the columns under channels_first: per column when there are 3.
        case("channels_first_flat_meets_columns", first, (2, 3, 4, 3), (3,)),
        # ... and fails otherwise, as it does for a statistic of the wrong length.
        case("channels_first_flat_fails", first, (2, 3, 4, 5), (3,)),
        case("wrong_channel_count_fails", last, (2, 4, 5, 3), (1, 1, 2)),
        case("flat_whole_image_fails", last, (2, 4, 5, 3), (60,)),
        case("rank4_batch_axis_fails", last, (2, 4, 5, 3), (2, 1, 1, 3)),
    ]
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names))
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(cases, f, indent=1)
    print("%d cases, %d errors" % (len(cases), sum(c["error"] is not None for c in cases)))


if __name__ == "__main__":
    main()
