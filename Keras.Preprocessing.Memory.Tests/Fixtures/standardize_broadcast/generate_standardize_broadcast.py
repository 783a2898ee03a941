"""Keras's standardize on a batch with featurewise statistics of numpy-broadcast shapes (rank 4 included).

Run from the repository root with the reference (Debian python3-keras-preprocessing 1.1.0):
    /usr/bin/python3 Keras.Preprocessing.Memory.Tests/Fixtures/standardize_broadcast/generate_standardize_broadcast.py
Writes <name>_x.npy, <name>_mean.npy, <name>_std.npy, <name>_expected.npy and manifest.json here.
Each case: g = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True, data_format=...);
g.mean = mean; g.std = std; expected = g.standardize(x.copy()) (x float32, rank 4).
"""
import json
import os
import warnings
import zlib

import numpy as np
from keras_preprocessing.image import ImageDataGenerator

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [
    # name, data_format, x shape, mean shape, std shape
    ("last_1x1x1xC", "channels_last", (2, 3, 4, 3), (1, 1, 1, 3), (1, 1, 1, 3)),
    ("last_1xHxWx1", "channels_last", (2, 3, 4, 3), (1, 3, 4, 1), (1, 1, 1, 1)),
    ("last_1xHxWxC", "channels_last", (3, 2, 5, 1), (1, 2, 5, 1), (1, 2, 1, 1)),
    ("first_1xCx1x1", "channels_first", (2, 3, 4, 5), (1, 3, 1, 1), (1, 3, 1, 1)),
    ("first_1x1xHxW", "channels_first", (2, 3, 4, 5), (1, 1, 4, 5), (3, 1, 1)),
]


def main():
    manifest = []
    for name, data_format, xs, ms, ss in CASES:
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        x = (rng.random(xs) * 255).astype(np.float32)
        mean = (rng.random(ms) * 100).astype(np.float32)
        std = (rng.random(ss) * 50 + 1).astype(np.float32)
        g = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True, data_format=data_format)
        g.mean, g.std = mean, std
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = g.standardize(x.copy())
        files = {}
        for part, arr in (("x", x), ("mean", mean), ("std", std), ("expected", expected)):
            files[part] = f"standardize_broadcast/{name}_{part}.npy"
            np.save(os.path.join(HERE, f"{name}_{part}.npy"), arr)
        manifest.append({"name": name, "data_format": data_format, **files, "note": ""})
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
