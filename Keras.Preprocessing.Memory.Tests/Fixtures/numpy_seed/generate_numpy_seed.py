#!/usr/bin/python3
"""Golden fixtures for the numpy_random mode: numpy 1.24's legacy global generator and Keras's draw order.

Run from the repository root with Debian's interpreter (keras_preprocessing 1.1.0, numpy 1.24, scipy 1.10,
PIL 9.4):

    /usr/bin/python3 Keras.Preprocessing.Memory.Tests/Fixtures/numpy_seed/generate_numpy_seed.py

Two parts, both in manifest.json:

- "raw": numpy's RandomState draws for several seeds (raw 32-bit outputs, random_sample, uniform,
  randint, choice([-1, 1]), permutation), to test the MT19937 emulation itself. Floats are written with
  Python's shortest round-trip repr, so they parse to the exact doubles.
- "flows", "transforms", "fits": what Keras computes for a seed through its global generator:
  flow(...).next() over several epochs, the Sequence protocol (it[i] then on_epoch_end), a flow without a
  seed after np.random.seed, random_transform(x, seed), fit(augment=True, seed), and flow_from_directory over
  the iterators fixture's images (Fixtures/iterators/images); and the file names save_to_dir writes (their
  random part is Keras's np.random.randint(1e4), drawn after each batch's transforms); two unseeded iterators
  whose next() calls alternate on the shared global generator. Batches are float32 .npy
  (N, 8, 8, 3); the labels y = arange(n) give the index order of each batch.

The images are integer-valued float32 in 0..255 (each holds 0 and 255), as the usual Keras pipeline
augments them before rescaling; deterministic (default_rng seeded from a crc32 of the name).
"""
import json
import os
import shutil
import tempfile
import zlib

import numpy as np

from keras_preprocessing.image import ImageDataGenerator

HERE = os.path.dirname(os.path.abspath(__file__))
GROUP = "numpy_seed"

FULL = dict(rotation_range=30, width_shift_range=0.2, height_shift_range=0.2, shear_range=10,
            zoom_range=0.2, horizontal_flip=True, vertical_flip=True, channel_shift_range=20,
            brightness_range=(0.7, 1.3))

# Integer and list shift ranges: np.random.choice(n) or choice(list), then choice([-1, 1]).
INT_SHIFTS = dict(rotation_range=15, height_shift_range=2, width_shift_range=[1, 2, 3], horizontal_flip=True,
                  fill_mode="reflect")


def save(fname, arr):
    arr = np.ascontiguousarray(np.asarray(arr).astype(np.asarray(arr).dtype.newbyteorder("<"), copy=False))
    np.save(os.path.join(HERE, fname), arr, allow_pickle=False)
    return GROUP + "/" + fname


def images(name, n=10, h=8, w=8, c=3):
    rng = np.random.default_rng(zlib.crc32(name.encode("utf-8")))
    x = rng.integers(0, 256, size=(n, h, w, c)).astype(np.float32)
    x[:, 0, 0, :] = 0.0
    x[:, -1, -1, :] = 255.0
    return x


def raw_draws():
    cases = []
    for seed in (0, 1, 5, 42, 123456789, 2**32 - 1):
        rs = np.random.RandomState(seed)
        u32 = [int(v) for v in rs.randint(0, 2**32, size=8, dtype=np.uint32)]
        doubles = [float(v) for v in rs.random_sample(6)]
        uniform = [float(rs.uniform(-30, 30)) for _ in range(4)]
        randint = {str(hi): [int(rs.randint(0, hi)) for _ in range(6)] for hi in (1, 2, 3, 7, 10, 1000, 2**31, 2**33)}
        signs = [int(rs.choice([-1, 1])) for _ in range(12)]
        perms = {str(k): [int(v) for v in rs.permutation(k)] for k in (0, 1, 2, 5, 10, 37)}
        cases.append({"seed": seed, "uint32": u32, "random_sample": doubles, "uniform_-30_30": uniform,
                      "randint_0_hi": randint, "choice_signs": signs, "permutation": perms})
    # Past the 624-word state: a long run of 32-bit outputs for one seed (the state regenerates twice).
    long_run = np.random.RandomState(2024).randint(0, 2**32, size=1500, dtype=np.uint32)
    return cases, save("raw_uint32_seed2024.npy", long_run.astype(np.uint32))


def run_next(it, batches):
    xs, ys = [], []
    for _ in range(batches):
        bx, by = it.next()
        xs.append(bx)
        ys.append(by)
    return xs, ys


def run_sequence(it, epochs):
    xs, ys = [], []
    for _ in range(epochs):
        for i in range(len(it)):
            bx, by = it[i]
            xs.append(bx)
            ys.append(by)
        it.on_epoch_end()
    return xs, ys


def flow_case(name, generator_args, flow_args, protocol, epochs, global_seed=None):
    x = images(name)
    y = np.arange(len(x), dtype=np.int64)
    gen = ImageDataGenerator(**generator_args)
    if global_seed is not None:
        np.random.seed(global_seed)
    it = gen.flow(x, y, **flow_args)
    if protocol == "next":
        xs, ys = run_next(it, epochs * len(it))
    else:
        xs, ys = run_sequence(it, epochs)
    files = [save("%s_batch%d.npy" % (name, i), bx.astype(np.float32)) for i, bx in enumerate(xs)]
    return {"name": name, "images": save(name + "_x.npy", x), "generator": jsonable(generator_args),
            "flow": flow_args, "protocol": protocol, "epochs": epochs, "global_seed": global_seed,
            "batches": files, "index_order": [[int(v) for v in by] for by in ys]}


def save_to_dir_case(name, generator_args, flow_args, batches, global_seed):
    """A flow without a seed that writes its images: the names' randint draws sit between the batches' draws."""
    x = images(name)
    y = np.arange(len(x), dtype=np.int64)
    gen = ImageDataGenerator(**generator_args)
    out = tempfile.mkdtemp()
    try:
        np.random.seed(global_seed)
        it = gen.flow(x, y, save_to_dir=out, save_prefix="aug", save_format="png", **flow_args)
        xs, ys = run_next(it, batches)
        names = sorted(os.listdir(out))
    finally:
        shutil.rmtree(out)
    files = [save("%s_batch%d.npy" % (name, i), bx.astype(np.float32)) for i, bx in enumerate(xs)]
    return {"name": name, "images": save(name + "_x.npy", x), "generator": jsonable(generator_args),
            "flow": flow_args, "global_seed": global_seed, "batches": files,
            "index_order": [[int(v) for v in by] for by in ys], "file_names": names}


def interleaved_case(name, generator_args, global_seed, calls):
    """Two unseeded iterators of one script sharing np.random: their next() calls alternate."""
    xa, xb = images(name + "_a"), images(name + "_b", n=7)
    gen = ImageDataGenerator(**generator_args)
    np.random.seed(global_seed)
    its = [gen.flow(xa, np.arange(len(xa)), batch_size=3, shuffle=True),
           gen.flow(xb, np.arange(len(xb)), batch_size=4, shuffle=True)]
    batches, orders = [], []
    for k in range(calls):
        bx, by = its[k % 2].next()
        batches.append(save("%s_call%d.npy" % (name, k), bx.astype(np.float32)))
        orders.append([int(v) for v in by])
    return {"name": name, "images": [save(name + "_a_x.npy", xa), save(name + "_b_x.npy", xb)],
            "generator": jsonable(generator_args), "batch_sizes": [3, 4], "global_seed": global_seed,
            "batches": batches, "index_order": orders}


def directory_case(name, generator_args, flow_args, epochs):
    """flow_from_directory over Fixtures/iterators/images (Keras lists, loads and resizes; then the same draws)."""
    gen = ImageDataGenerator(**generator_args)
    it = gen.flow_from_directory(os.path.join(HERE, "..", "iterators", "images"), **flow_args)
    xs, ys = run_next(it, epochs * len(it))
    files = [save("%s_batch%d.npy" % (name, i), bx.astype(np.float32)) for i, bx in enumerate(xs)]
    return {"name": name, "directory": "iterators/images", "generator": jsonable(generator_args),
            "flow": jsonable(flow_args), "epochs": epochs, "batches": files,
            "labels": [[int(v) for v in by] for by in ys]}


def jsonable(args):
    return {k: list(v) if isinstance(v, tuple) else v for k, v in args.items()}


def transform_case(name, generator_args, seed):
    x = images(name, n=1)[0]
    gen = ImageDataGenerator(**generator_args)
    params = gen.get_random_transform(x.shape, seed)
    out = gen.random_transform(x, seed)
    params = {k: (None if v is None else (bool(v) if k.startswith("flip") else float(v))) for k, v in params.items()}
    return {"name": name, "image": save(name + "_x.npy", x), "generator": jsonable(generator_args), "seed": seed,
            "params": params, "expected": save(name + "_out.npy", out.astype(np.float32))}


def fit_case(name, generator_args, rounds, seed):
    x = images(name, n=6)
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True, **generator_args)
    gen.fit(x, augment=True, rounds=rounds, seed=seed)
    # The augmented set fit saw, redrawn as fit draws it, and its statistics in float64 (ours accumulate in
    # double; Keras's float32 mean can differ from them in the 6th digit).
    np.random.seed(seed)
    ax = np.stack([gen.random_transform(x[i]) for _ in range(rounds) for i in range(len(x))]).astype(np.float64)
    mean = ax.mean(axis=(0, 1, 2))
    std = (ax - mean).std(axis=(0, 1, 2))
    assert np.allclose(mean, gen.mean.ravel(), rtol=1e-5) and np.allclose(std, gen.std.ravel(), rtol=1e-5)
    return {"name": name, "images": save(name + "_x.npy", x), "generator": jsonable(generator_args), "rounds": rounds,
            "seed": seed, "mean": [float(v) for v in mean], "std": [float(v) for v in std],
            "keras_mean": [float(v) for v in gen.mean.ravel()], "keras_std": [float(v) for v in gen.std.ravel()]}


def main():
    for f in os.listdir(HERE):
        if f.endswith(".npy") or f == "manifest.json":
            os.remove(os.path.join(HERE, f))
    raw, long_run = raw_draws()
    flows = [
        flow_case("next_shuffle_full", FULL, dict(batch_size=4, shuffle=True, seed=42), "next", 3),
        flow_case("next_shuffle_int_shifts", INT_SHIFTS, dict(batch_size=3, shuffle=True, seed=7), "next", 3),
        flow_case("next_no_shuffle", dict(rotation_range=20, zoom_range=[0.8, 1.1], fill_mode="constant", cval=9.0),
                  dict(batch_size=4, shuffle=False, seed=3), "next", 3),
        flow_case("sequence_shuffle_full", FULL, dict(batch_size=4, shuffle=True, seed=11), "sequence", 3),
        flow_case("next_unseeded_after_global_seed", FULL, dict(batch_size=5, shuffle=True), "next", 3, global_seed=5),
    ]
    transforms = [
        transform_case("random_transform_full_9", FULL, 9),
        transform_case("random_transform_full_2024", dict(FULL, fill_mode="wrap"), 2024),
        transform_case("random_transform_int_shifts_7", INT_SHIFTS, 7),
        transform_case("random_transform_int_shifts_8", INT_SHIFTS, 8),
        # Negative shift ranges, which Keras accepts: a float draws uniform(-r, r) as given; a negative int makes
        # numpy's choice raise ValueError, so Keras falls back to that uniform draw, a fraction of the size (max < 1).
        transform_case("random_transform_negative_shifts_3", dict(width_shift_range=-0.3, height_shift_range=-2), 3),
        transform_case("random_transform_negative_shifts_4", dict(width_shift_range=-3.0, height_shift_range=-0.25), 4),
    ]
    fits = [fit_case("fit_augment_2_rounds", FULL, 2, 13)]
    directories = [directory_case("directory_shuffle_full", FULL,
                                  dict(target_size=(12, 10), batch_size=5, shuffle=True, seed=21, class_mode="sparse"), 3)]
    saved = [save_to_dir_case("save_to_dir_unseeded", dict(rotation_range=20, horizontal_flip=True),
                              dict(batch_size=4, shuffle=True), 5, 6)]
    interleaved = [interleaved_case("two_iterators_interleaved", dict(rotation_range=25, zoom_range=0.15, vertical_flip=True), 8, 8)]
    manifest = {"raw": raw, "raw_uint32_seed2024": long_run, "flows": flows, "transforms": transforms, "fits": fits,
                "directories": directories, "save_to_dir": saved, "interleaved": interleaved}
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
