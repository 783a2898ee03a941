"""Golden values for Tests/Porting (docs/porting.md's "NumSharp and pandas for a Keras user" rows).

Run from the repository root: /usr/bin/python3 Keras.Preprocessing.Memory.Tests/Fixtures/porting/generate_porting.py
Writes porting/manifest.json and porting/genres/ (a multi-label CSV of Python list literals, as pandas writes a
list column, and the small PNGs it names). Deterministic; takes about a second.
"""
import io
import json
import os
import warnings

import numpy as np
import pandas as pd
from PIL import Image

warnings.simplefilter("ignore")
from keras_preprocessing.image import ImageDataGenerator  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.dirname(HERE)
out = {}


def quiet(f):
    """Keras prints "Found N ..." lines; keep stdout for the summary."""
    import contextlib
    with contextlib.redirect_stdout(io.StringIO()):
        return f()


# float32 mean over a strided slice: 1000 x 30 x 30 x 3 pseudo-random values in [0, 1),
# v[i] = splitmix64(i) >> 11 scaled by 2^-53 (exact in float64, then rounded to float32), channel 0.
n = 1000 * 30 * 30 * 3
with np.errstate(over="ignore"):
    z = (np.arange(n, dtype=np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
x = ((z >> np.uint64(11)).astype(np.float64) * 2.0**-53).astype(np.float32).reshape(1000, 30, 30, 3)
out["mean"] = {
    "channel0_float32": float(x[..., 0].mean()),                      # numpy's float32 (pairwise) mean
    "channel0_float64": float(x[..., 0].astype(np.float64).mean()),
    "per_channel_float64": [float(v) for v in x.astype(np.float64).mean(axis=(0, 1, 2))],
    "per_channel_float32": [float(v) for v in x.mean(axis=(0, 1, 2))],
}

# np.unique
y = np.array([3, 1, 3, 2, 1, 3])
values, index, inverse, counts = np.unique(y, return_index=True, return_inverse=True, return_counts=True)
out["unique"] = {"y": y.tolist(), "values": values.tolist(), "index": index.tolist(), "inverse": inverse.tolist(),
                 "counts": counts.tolist()}

# pd.read_csv with and without dtype=str: ids with leading zeros.
csv = "id,label\n001,0\n002,1\n010,2\n"
out["read_csv"] = {
    "csv": csv,
    "ids_default": [repr(v) for v in pd.read_csv(io.StringIO(csv))["id"].tolist()],
    "ids_str": pd.read_csv(io.StringIO(csv), dtype=str)["id"].tolist(),
    "values_matrix": pd.read_csv(io.StringIO(csv))[["id", "label"]].values.tolist(),
    "values_dtype": str(pd.read_csv(io.StringIO(csv))[["id", "label"]].values.dtype),
}

# Python's / and // on ints.
out["division"] = {"1/255": 1 / 255, "7//2": 7 // 2, "-7//2": -7 // 2, "-7%2": -7 % 2}

# flow_from_dataframe, class_mode="raw" with several y columns: the dtype of df[y_col].values.
img_dir = os.path.join(HERE, "genres")
os.makedirs(img_dir, exist_ok=True)
for k in range(8):
    Image.new("RGB", (8, 8), (30 * k, 100, 200 - 20 * k)).save(os.path.join(img_dir, f"p{k}.png"))
raw_df = pd.DataFrame({
    "f": [f"p{k}.png" for k in range(4)],
    "a": [1, 2, 3, 4], "b": [5, 6, 7, 8], "c": [0.5, 1.5, 2.5, 3.5],
    "g": np.array([1, 2, 3, 4], dtype=np.float32), "h": np.array([5, 6, 7, 8], dtype=np.float32),
    "i32": np.array([1, 2, 3, 4], dtype=np.int32),
})
raw = []
for cols in [["a", "b"], ["a", "c"], ["g", "h"], ["a", "g"], ["i32", "a"], ["i32", "i32"], ["g", "i32"]]:
    it = quiet(lambda: ImageDataGenerator().flow_from_dataframe(
        raw_df, img_dir, x_col="f", y_col=cols, class_mode="raw", target_size=(8, 8), shuffle=False, batch_size=4))
    _, yb = next(it)
    raw.append({"y_col": cols, "dtype": str(yb.dtype), "y": yb.tolist()})
out["raw"] = raw
none_it = quiet(lambda: ImageDataGenerator().flow_from_dataframe(
    raw_df, img_dir, x_col="f", y_col=None, class_mode=None, target_size=(8, 8)))
out["class_mode_none"] = {a: hasattr(none_it, a) for a in ["class_indices", "classes", "labels"]}

# Multi-label: a list column written to CSV by pandas (cells like "['Action', 'Drama']"), read back with
# ast.literal_eval, through flow_from_dataframe(class_mode="categorical").
genres = [["Action", "Drama"], ["Comedy"], ["Drama"], ["Action", "Comedy", "Romance"],
          ["Romance", "Drama"], ["Horror"], ["Comedy", "Romance"], ["Action"]]
pd.DataFrame({"poster": [f"p{k}.png" for k in range(8)], "genres": genres}).to_csv(
    os.path.join(img_dir, "genres.csv"), index=False)
import ast  # noqa: E402
df = pd.read_csv(os.path.join(img_dir, "genres.csv"))
df["genres"] = df["genres"].apply(ast.literal_eval)
it = quiet(lambda: ImageDataGenerator(rescale=1. / 255).flow_from_dataframe(
    df, img_dir, x_col="poster", y_col="genres", class_mode="categorical", target_size=(8, 8), shuffle=False,
    batch_size=8))
xb, yb = next(it)
out["multilabel_literal"] = {"class_indices": it.class_indices, "classes": it.classes, "y": yb.tolist(),
                             "y_dtype": str(yb.dtype), "x_shape": list(xb.shape)}

# The same pipeline on the iterator fixtures' labels.csv, whose tags column is "a|b": df.tags.str.split('|').
iters = os.path.join(FIXTURES, "iterators")
df = pd.read_csv(os.path.join(iters, "labels.csv"))
df["tags"] = df["tags"].str.split("|")
it = quiet(lambda: ImageDataGenerator().flow_from_dataframe(
    df, os.path.join(iters, "images"), x_col="filename", y_col="tags", class_mode="categorical",
    target_size=(8, 8), shuffle=False, batch_size=64))
xb, yb = next(it)
out["multilabel_split"] = {"class_indices": it.class_indices, "classes": it.classes, "filenames": it.filenames,
                           "y": yb.tolist()}

with open(os.path.join(HERE, "manifest.json"), "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.join(HERE, "manifest.json"))
