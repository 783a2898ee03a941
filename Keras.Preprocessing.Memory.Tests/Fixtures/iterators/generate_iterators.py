#!/usr/bin/python3
"""Regenerates the flow_from_dataframe / flow_from_directory fixtures of KerasMemory.

Run from the repository root with Debian's interpreter (keras_preprocessing 1.1.0, PIL 9.4,
numpy 1.24, pandas 1.5):

    /usr/bin/python3 Keras.Preprocessing.Memory.Tests/Fixtures/iterators/generate_iterators.py

It wipes and rewrites, next to this file:

- ``images/``: a few dozen tiny PNG and JPEG files of varied sizes and PIL modes in class
  sub-folders (``birds``, ``cats``, ``dogs``; ``dogs/puppies`` is nested), plus a text file
  that no iterator may pick up;
- ``labels.csv``: one row per image plus rows Keras itself filters out (a missing file, a wrong
  extension); columns ``filename, class, kind, tags, weight, score, count``. ``tags`` holds
  ``a|b`` for a multi-label row: readers split it into a list (Keras's "list of classes");
- ``expected/``: the first batches each case yields, as .npy;
- ``manifest.json``: one object per case (see README.md in this folder).

Every iterator runs with ``shuffle=False`` and no augmentation, so its output is fully decided by
decoding, resizing and labelling. Images are recorded as uint8 (the float32 batches only hold
integers 0..255, which is checked here). Deterministic: each image draws from its own
``numpy.random.default_rng`` seeded by the crc32 of its name, and Pillow's encoders are
deterministic for a given version.
"""
import contextlib
import io
import json
import os
import shutil
import tempfile
import warnings
import zlib

import numpy as np
import pandas as pd
from PIL import Image
from keras_preprocessing.image import ImageDataGenerator

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGES = os.path.join(HERE, "images")
EXPECTED = os.path.join(HERE, "expected")
GROUP = "iterators"

# name -> (width, height, PIL mode, format, extra save options). Sizes straddle the 16x16 most
# cases resize to (down for most, up for a few, equal for one) and cover PNG in L, LA, P, RGB,
# RGBA and JPEG in L and RGB with two chroma subsamplings.
IMAGE_SPECS = {
    "birds/b00.png": (21, 14, "RGB", "PNG", {}),
    "birds/b01.jpg": (24, 18, "RGB", "JPEG", {"quality": 90}),
    "birds/b02.png": (16, 16, "RGBA", "PNG", {}),
    "birds/b03.jpeg": (13, 19, "L", "JPEG", {"quality": 85}),
    "birds/b04.png": (30, 11, "P", "PNG", {}),
    "birds/b05.jpg": (9, 12, "RGB", "JPEG", {"quality": 75, "subsampling": 0}),
    "birds/b06.png": (27, 25, "LA", "PNG", {}),
    "birds/b07.png": (12, 9, "L", "PNG", {}),
    "birds/b08.jpg": (28, 22, "RGB", "JPEG", {"quality": 95}),
    "birds/b09.PNG": (17, 23, "RGB", "PNG", {}),
    "cats/c00.png": (19, 17, "RGB", "PNG", {}),
    "cats/c01.jpg": (25, 20, "RGB", "JPEG", {"quality": 88}),
    "cats/c02.png": (14, 26, "RGBA", "PNG", {}),
    "cats/c03.png": (11, 11, "L", "PNG", {}),
    "cats/c04.jpg": (31, 15, "L", "JPEG", {"quality": 92}),
    "cats/c05.png": (23, 29, "P", "PNG", {}),
    "cats/c06.jpg": (18, 13, "RGB", "JPEG", {"quality": 80, "subsampling": 0}),
    "cats/c07.png": (10, 21, "RGB", "PNG", {}),
    "cats/c08.png": (26, 19, "RGBA", "PNG", {}),
    "cats/c09.jpg": (15, 27, "RGB", "JPEG", {"quality": 70}),
    "cats/c10.png": (29, 24, "RGB", "PNG", {}),
    "cats/c11.jpeg": (20, 10, "RGB", "JPEG", {"quality": 90}),
    "dogs/d00.jpg": (22, 16, "RGB", "JPEG", {"quality": 90}),
    "dogs/d01.png": (13, 13, "RGB", "PNG", {}),
    "dogs/d02.png": (28, 20, "LA", "PNG", {}),
    "dogs/d03.jpg": (16, 24, "RGB", "JPEG", {"quality": 85, "subsampling": 0}),
    "dogs/d04.png": (19, 30, "RGBA", "PNG", {}),
    "dogs/d05.png": (24, 12, "P", "PNG", {}),
    "dogs/d06.jpg": (12, 17, "L", "JPEG", {"quality": 90}),
    "dogs/d07.png": (30, 26, "RGB", "PNG", {}),
    "dogs/d08.jpg": (21, 21, "RGB", "JPEG", {"quality": 78}),
    "dogs/puppies/p00.png": (14, 10, "RGB", "PNG", {}),
    "dogs/puppies/p01.jpg": (17, 19, "RGB", "JPEG", {"quality": 90}),
    "dogs/puppies/p02.png": (25, 15, "RGBA", "PNG", {}),
}

CLASS_OF_FOLDER = {"birds": "bird", "cats": "cat", "dogs": "dog"}


def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


def make_pixels(name, width, height):
    """Gradients, a hard-edged block (ringing for bicubic/lanczos) and noise, RGBA uint8."""
    rng = rng_for(name)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    phase = rng.uniform(0, 6.28)
    r = 255 * x / max(width - 1, 1)
    g = 255 * y / max(height - 1, 1)
    b = 127 + 120 * np.sin(x / 2.5 + phase) * np.cos(y / 3.0)
    a = 60 + 195 * (x + y) / max(width + height - 2, 1)
    img = np.stack([r, g, b, a], axis=-1)
    y0, x0 = height // 4, width // 3
    img[y0:y0 + max(2, height // 3), x0:x0 + max(2, width // 3), :3] = rng.integers(0, 256, 3)
    img[..., :3] += rng.normal(0, 14, (height, width, 3))
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def write_images():
    for rel, (width, height, mode, fmt, options) in IMAGE_SPECS.items():
        path = os.path.join(IMAGES, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        rgba = Image.fromarray(make_pixels(rel, width, height), "RGBA")
        if mode == "P":
            img = rgba.convert("RGB").quantize(colors=24, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        else:
            img = rgba.convert(mode)
        img.save(path, fmt, **options)
        with Image.open(path) as check:
            assert check.mode == mode and check.size == (width, height), (rel, check.mode, check.size)
    # Not an image: the directory walk must skip it, and validate_filenames must drop its row.
    with open(os.path.join(IMAGES, "cats", "notes.txt"), "w") as f:
        f.write("not an image\n")


def write_csv():
    """labels.csv in a scrambled (but fixed) row order, with the rows Keras filters out."""
    rows = []
    for i, rel in enumerate(IMAGE_SPECS):
        folder = rel.split("/")[0]
        cls = CLASS_OF_FOLDER[folder]
        tags = cls + "|dog" if rel in ("cats/c03.png", "birds/b05.jpg") else cls  # two multi-label rows
        rows.append({
            "filename": rel,
            "class": cls,
            "kind": "indoor" if cls in ("cat", "dog") else "outdoor",
            "tags": tags,
            "weight": 0.25 * (1 + i % 7),
            "score": round(0.1 * i - 1.5, 3),
            "count": (i * 7) % 11 - 3,
        })
    # A class that `classes` lists leave out (the file itself is valid).
    rows.append({"filename": "birds/b00.png", "class": "fish", "kind": "outdoor", "tags": "fish",
                 "weight": 2.0, "score": 9.5, "count": 40})
    # Rows Keras's validate_filenames drops: no such file, and an extension outside the white list.
    rows.append({"filename": "cats/missing.png", "class": "cat", "kind": "indoor", "tags": "cat",
                 "weight": 1.0, "score": 0.5, "count": 1})
    rows.append({"filename": "cats/notes.txt", "class": "cat", "kind": "indoor", "tags": "cat",
                 "weight": 1.0, "score": 0.25, "count": 2})
    order = rng_for("labels.csv").permutation(len(rows))
    df = pd.DataFrame([rows[i] for i in order])
    df.to_csv(os.path.join(HERE, "labels.csv"), index=False)


def read_csv():
    """The CSV as the tests read it: tags with '|' become lists (multi-label)."""
    df = pd.read_csv(os.path.join(HERE, "labels.csv"))
    df["tags"] = df["tags"].map(lambda s: s.split("|") if "|" in s else s)
    return df


def valid_rows(df):
    return [i for i, f in enumerate(df["filename"]) if os.path.isfile(os.path.join(IMAGES, f)) and not f.endswith(".txt")]


def save(name, arr):
    arr = np.ascontiguousarray(np.asarray(arr))
    arr = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    np.save(os.path.join(EXPECTED, name), arr, allow_pickle=False)
    return GROUP + "/expected/" + name


def save_images(name, x):
    """float32 batches of whole numbers 0..255 are stored as uint8."""
    assert x.dtype == np.float32, x.dtype
    assert np.all(x == np.rint(x)) and x.min() >= 0 and x.max() <= 255, name
    return save(name, x.astype(np.uint8))


def to_json(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    return value


def record(name, api, make, generator, args, rows=None, setup=None, batches=(0, 1)):
    """Builds the iterator with make(gen), capturing its print and warnings, and records what it yields."""
    gen = ImageDataGenerator(**generator)
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        it = make(gen)
    case = {
        "name": name,
        "api": api,
        "generator": generator,
        "args": args,
        "rows": rows,
        "setup": setup,
        "found": out.getvalue().strip(),
        "warnings": [str(w.message) for w in caught],
        "samples": it.samples,
        "n": it.n,
        "len": len(it),
        "filenames": list(it.filenames),
        # A DirectoryIterator has classes whatever its class_mode (scripts read them after predicting with
        # class_mode=None); a DataFrameIterator only for the modes with classes.
        "classes": to_json(getattr(it, "classes", None)) if api == "directory" or args.get("class_mode") in ("categorical", "binary", "sparse") else None,
        "class_indices": getattr(it, "class_indices", None) if api == "directory" or args.get("class_mode") in ("categorical", "binary", "sparse") else None,
        "image_shape": list(it.image_shape),
        "batches": [],
    }
    for b in batches:
        if b >= len(it):
            continue
        result = it[b]
        entry = {"index": b}
        if args.get("class_mode") is None:
            x, y, w = result, None, None
        elif len(result) == 3:
            x, y, w = result
        else:
            (x, y), w = result, None
        entry["x"] = save_images(f"{name}_b{b}_x.npy", x)
        if args.get("class_mode") == "input":
            assert np.array_equal(x, y) and y is not x
            entry["y"] = "x"
        elif isinstance(y, list):
            entry["y"] = [save(f"{name}_b{b}_y{k}.npy", part) for k, part in enumerate(y)]
        elif y is not None:
            entry["y"] = save(f"{name}_b{b}_y.npy", y)
        else:
            entry["y"] = None
        entry["weights"] = None if w is None else save(f"{name}_b{b}_w.npy", w)
        case["batches"].append(entry)
    return case


def dataframe_case(name, generator=None, rows=None, batches=(0, 1), **args):
    generator = generator or {}
    args = {"x_col": "filename", "y_col": "class", "weight_col": None, "target_size": [16, 16],
            "color_mode": "rgb", "classes": None, "class_mode": "categorical", "batch_size": 8,
            "subset": None, "interpolation": "nearest", "validate_filenames": True, **args}

    def make(gen):
        df = read_csv()
        if rows is not None:
            df = df.iloc[rows].reset_index(drop=True)
        return gen.flow_from_dataframe(
            df, directory=IMAGES, x_col=args["x_col"], y_col=args["y_col"], weight_col=args["weight_col"],
            target_size=tuple(args["target_size"]), color_mode=args["color_mode"], classes=args["classes"],
            class_mode=args["class_mode"], batch_size=args["batch_size"], shuffle=False, subset=args["subset"],
            interpolation=args["interpolation"], validate_filenames=args["validate_filenames"])

    return record(name, "dataframe", make, generator, args, rows=rows, batches=batches)


def directory_case(name, generator=None, setup=None, **args):
    generator = generator or {}
    args = {"target_size": [16, 16], "color_mode": "rgb", "classes": None, "class_mode": "categorical",
            "batch_size": 8, "subset": None, "interpolation": "nearest", "follow_links": False, **args}

    def make(gen):
        root = IMAGES
        if setup == "symlink":
            # cats/linked -> ../birds, in a scratch copy: the committed tree holds no links.
            root = os.path.join(tempfile.mkdtemp(prefix="keras-iterators-"), "images")
            shutil.copytree(IMAGES, root)
            os.symlink(os.path.join("..", "birds"), os.path.join(root, "cats", "linked"))
        return gen.flow_from_directory(
            root, target_size=tuple(args["target_size"]), color_mode=args["color_mode"], classes=args["classes"],
            class_mode=args["class_mode"], batch_size=args["batch_size"], shuffle=False,
            follow_links=args["follow_links"], subset=args["subset"], interpolation=args["interpolation"])

    return record(name, "directory", make, generator, args, setup=setup)


def main():
    for path in (IMAGES, EXPECTED):
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
    write_images()
    write_csv()
    valid = valid_rows(read_csv())
    split = {"validation_split": 0.25}
    cf = {"data_format": "channels_first"}

    cases = [
        # class_mode, classes inferred and given
        dataframe_case("df_categorical_inferred"),
        dataframe_case("df_categorical_given", classes=["dog", "cat", "bird"]),
        dataframe_case("df_categorical_multilabel", y_col="tags"),
        dataframe_case("df_categorical_multilabel_given", y_col="tags", classes=["dog", "bird"]),
        dataframe_case("df_binary_inferred", y_col="kind", class_mode="binary"),
        dataframe_case("df_binary_given", class_mode="binary", classes=["dog", "cat"]),
        dataframe_case("df_sparse_weights", class_mode="sparse", weight_col="weight"),
        dataframe_case("df_input", class_mode="input"),
        dataframe_case("df_multi_output", class_mode="multi_output", y_col=["score", "count"]),
        dataframe_case("df_raw_single", class_mode="raw", y_col="score", weight_col="weight"),
        dataframe_case("df_raw_list", class_mode="raw", y_col=["score", "count"]),
        dataframe_case("df_none", class_mode=None),
        dataframe_case("df_classes_ignored", class_mode=None, classes=["cat"]),
        # class_mode "other": deprecated alias of "raw", with a DeprecationWarning
        dataframe_case("df_other_is_raw", class_mode="other", y_col="score"),
        # subsets
        dataframe_case("df_subset_training", generator=split, subset="training", weight_col="weight"),
        dataframe_case("df_subset_validation", generator=split, subset="validation", weight_col="weight"),
        dataframe_case("df_subset_training_raw", generator=split, subset="training", class_mode="raw", y_col="count"),
        # validation off (only rows Keras could load)
        dataframe_case("df_not_validated", rows=valid, validate_filenames=False),
        # target size down and up, every filter, every colour mode
        dataframe_case("df_down_nearest", target_size=[7, 9], class_mode=None),
        dataframe_case("df_down_bilinear", target_size=[7, 9], class_mode=None, interpolation="bilinear"),
        dataframe_case("df_down_bicubic", target_size=[7, 9], class_mode=None, interpolation="bicubic"),
        dataframe_case("df_down_lanczos", target_size=[7, 9], class_mode=None, interpolation="lanczos"),
        dataframe_case("df_up_nearest", target_size=[40, 36], class_mode=None, batch_size=4),
        dataframe_case("df_up_bilinear", target_size=[40, 36], class_mode=None, batch_size=4, interpolation="bilinear"),
        dataframe_case("df_up_bicubic", target_size=[40, 36], class_mode=None, batch_size=4, interpolation="bicubic"),
        dataframe_case("df_up_lanczos", target_size=[40, 36], class_mode=None, batch_size=4, interpolation="lanczos"),
        dataframe_case("df_grayscale_bilinear", color_mode="grayscale", interpolation="bilinear"),
        dataframe_case("df_rgba_bicubic", color_mode="rgba", interpolation="bicubic", class_mode="sparse"),
        dataframe_case("df_channels_first", generator=cf, color_mode="rgba", interpolation="lanczos", weight_col="weight"),
        # flow_from_directory
        directory_case("dir_inferred"),
        directory_case("dir_given", classes=["dogs", "cats"], class_mode="sparse"),
        directory_case("dir_binary", classes=["cats", "birds"], class_mode="binary"),
        directory_case("dir_input_grayscale", class_mode="input", color_mode="grayscale", interpolation="bicubic"),
        directory_case("dir_none_rgba", class_mode=None, color_mode="rgba", target_size=[20, 12], interpolation="bilinear"),
        directory_case("dir_subset_training", generator=split, subset="training"),
        directory_case("dir_subset_validation", generator=split, subset="validation"),
        directory_case("dir_channels_first", generator={**cf, **split}, subset="validation", interpolation="lanczos"),
        directory_case("dir_follow_links_false", setup="symlink", class_mode="sparse"),
        directory_case("dir_follow_links_true", setup="symlink", class_mode="sparse", follow_links=True),
    ]

    names = [c["name"] for c in cases]
    assert len(names) == len(set(names))
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(HERE) for f in files)
    print(f"{len(cases)} cases, {total / 1024:.0f} KiB under {HERE}")


if __name__ == "__main__":
    main()
