#!/usr/bin/python3
"""The Python peers of the KerasMemory benchmark: keras_preprocessing 1.1.0 and OpenCV.

The C# bench (bench/Program.cs) starts this script with `--serve` and talks to it one JSON object per
line: a command on stdin, the answer on stdout. Keeping one interpreter alive lets the bench interleave
its own repetitions with the peers' (so that noise from other work on the machine hits all of them
alike) and pays the imports once. `--rss-keras FILE` instead runs one Keras epoch over FILE in this
fresh process and prints its peak RSS (VmHWM), for the memory comparison.

Commands (all carry "op"):
  {"op": "versions"}
  {"op": "load", "name": N, "path": P}             keep array P (.npy) under name N
  {"op": "keras", "name": N, "batch": B, "seed": S, "batches": K, "min_seconds": T}
  {"op": "opencv", "name": N, "batch": B, "seed": S, "batches": K, "min_seconds": T, "threads": P}
  {"op": "zca_fit", "name": N}                     Keras fit() with zca_whitening on array N, timed; keeps the generator
  {"op": "keras_zca", "name": N, "batch": B, "seed": S, "batches": K, "min_seconds": T}   flow with that generator
  {"op": "quit"}
Timed commands answer {"seconds": t, "images": n}: K batches when "batches" is given, else whole epochs until at
least T seconds have passed (one epoch when T is 0 or absent).
"""
import json
import math
import os
import random
import sys
import time

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
from keras_preprocessing.image import ImageDataGenerator  # noqa: E402

cv2 = None


def load_cv2():
    """OpenCV, imported only where it runs (so the Keras RSS process does not carry it). Each warpAffine call runs on
    one thread; the equal-core peer runs several calls at once on a thread pool instead (warpAffine releases the GIL)."""
    global cv2
    if cv2 is None:
        import cv2 as module
        module.setNumThreads(1)
        cv2 = module
    return cv2

# The seed parameters of issue 3, shared with the C# side.
PARAMS = dict(rotation_range=20, width_shift_range=0.1, height_shift_range=0.1, shear_range=0.1,
              zoom_range=0.1, horizontal_flip=True, fill_mode="nearest")

ARRAYS = {}
ZCA_GENERATORS = {}
POOLS = {}


def labels_for(n):
    return (np.arange(n, dtype=np.int32) % 10)


def run_keras(x, batch, seed, batches, min_seconds=0.0, gen=None):
    """Keras's flow as a training loop pulls it: one flow() (which converts x to float32 once, off the clock,
    as flow construction is on ours), then next() epoch after epoch."""
    gen = gen or ImageDataGenerator(**PARAMS)
    it = gen.flow(x, labels_for(len(x)), batch_size=batch, shuffle=True, seed=seed)
    count = 0
    start = time.perf_counter()
    while True:
        for _ in range(len(it) if batches is None else min(batches, len(it))):
            bx, _ = next(it)
            count += len(bx)
        if batches is not None or time.perf_counter() - start >= min_seconds:
            return time.perf_counter() - start, count


def check_equivalence():
    """--check: the OpenCV peer's matrix against Keras's apply_transform for the same random draws, on a smooth
    image (OpenCV's bilinear uses 5-bit fixed-point weights, so small differences are expected; the point is
    that both do the same geometric transform)."""
    load_cv2()
    h = w = 64
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.stack([np.sin(yy / 7) + np.cos(xx / 5), yy / h, xx / w], axis=-1).astype(np.float32)
    gen = ImageDataGenerator(**PARAMS)
    worst = 0.0
    for seed in range(20):
        rnd = random.Random(seed)  # the same draws, in the same order, as keras_matrix makes
        draws = [rnd.uniform(-20, 20), rnd.uniform(-0.1, 0.1), rnd.uniform(-0.1, 0.1), rnd.uniform(-0.1, 0.1),
                 rnd.uniform(0.9, 1.1), rnd.uniform(0.9, 1.1), rnd.random() < 0.5]
        (a00, a01, a02, a10, a11, a12), flip = keras_matrix(h, w, random.Random(seed))
        m = (np.array([[-a11, a10, a12 + a11 * (w - 1)], [-a01, a00, a02 + a01 * (w - 1)]]) if flip
             else np.array([[a11, a10, a12], [a01, a00, a02]]))
        ours = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
        ref = gen.apply_transform(img.copy(), {"theta": draws[0], "tx": draws[1] * h, "ty": draws[2] * w,
                                               "shear": draws[3], "zx": draws[4], "zy": draws[5], "flip_horizontal": draws[6]})
        worst = max(worst, float(np.abs(ours - ref)[8:-8, 8:-8].max()))
    print(json.dumps({"max_abs_diff_interior": worst}))


def keras_matrix(h, w, rnd):
    """Keras 1.1.0's inverse map (output (row, col) -> input (row, col)) for one random draw.

    The same distributions as get_random_transform with PARAMS; built with scalar math (cheaper than
    numpy for 3x3 products), composed as rotation . shift . shear . zoom, centred on (h/2+0.5, w/2+0.5).
    """
    theta = math.radians(rnd.uniform(-20, 20))
    tx = rnd.uniform(-0.1, 0.1) * h
    ty = rnd.uniform(-0.1, 0.1) * w
    shear = math.radians(rnd.uniform(-0.1, 0.1))
    zx = rnd.uniform(0.9, 1.1)
    zy = rnd.uniform(0.9, 1.1)
    flip = rnd.random() < 0.5
    c, s = math.cos(theta), math.sin(theta)
    # rotation . shift
    a00, a01, a02 = c, -s, c * tx - s * ty
    a10, a11, a12 = s, c, s * tx + c * ty
    # . shear
    sh_s, sh_c = -math.sin(shear), math.cos(shear)
    a01, a11 = a00 * sh_s + a01 * sh_c, a10 * sh_s + a11 * sh_c
    # . zoom
    a00, a01, a10, a11 = a00 * zx, a01 * zy, a10 * zx, a11 * zy
    # centre: o + A (p - o)
    ox, oy = h / 2 + 0.5, w / 2 + 0.5
    a02 = a02 + ox - (a00 * ox + a01 * oy)
    a12 = a12 + oy - (a10 * ox + a11 * oy)
    return (a00, a01, a02, a10, a11, a12), flip


def run_opencv(x, batch, seed, batches, min_seconds=0.0, threads=1):
    """cv2.warpAffine per image: an equivalent random affine (flip folded into the matrix), bilinear, replicated
    border, written into a float32 batch as flow would produce it. threads > 1: each batch split into that many
    contiguous parts warped at once on a thread pool (the equal-core peer); the matrices are drawn in order first."""
    load_cv2()
    n, h, w = x.shape[0], x.shape[1], x.shape[2]
    rnd = random.Random(seed)
    shuffler = np.random.default_rng(seed)
    total = (n + batch - 1) // batch if batches is None else min(batches, (n + batch - 1) // batch)
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    as_float = x.dtype == np.float32
    pool = None
    if threads > 1:
        from concurrent.futures import ThreadPoolExecutor
        pool = POOLS.get(threads) or POOLS.setdefault(threads, ThreadPoolExecutor(threads))
    start = time.perf_counter()
    count = 0
    while True:
        count += opencv_epoch(x, batch, total, shuffler.permutation(n), rnd, flags, as_float, pool, threads)
        if batches is not None or time.perf_counter() - start >= min_seconds:
            return time.perf_counter() - start, count


def opencv_matrix(h, w, rnd):
    (a00, a01, a02, a10, a11, a12), flip = keras_matrix(h, w, rnd)
    # OpenCV's matrix maps destination (x=col, y=row) to source (x, y): swap Keras's axes.
    if flip:  # output column c reads warped column w-1-c
        return np.array([[-a11, a10, a12 + a11 * (w - 1)], [-a01, a00, a02 + a01 * (w - 1)]])
    return np.array([[a11, a10, a12], [a01, a00, a02]])


def opencv_warp(x, idx, mats, out, lo, hi, flags, as_float):
    h, w = x.shape[1], x.shape[2]
    for k in range(lo, hi):
        if as_float:
            cv2.warpAffine(x[idx[k]], mats[k], (w, h), dst=out[k], flags=flags, borderMode=cv2.BORDER_REPLICATE)
        else:
            # uint8 sources: warp in uint8 (OpenCV's fastest path), then widen into the batch.
            out[k] = cv2.warpAffine(x[idx[k]], mats[k], (w, h), flags=flags, borderMode=cv2.BORDER_REPLICATE)


def opencv_epoch(x, batch, total, order, rnd, flags, as_float, pool=None, threads=1):
    h, w = x.shape[1], x.shape[2]
    count = 0
    for b in range(total):
        idx = order[b * batch:(b + 1) * batch]
        out = np.empty((len(idx),) + x.shape[1:], dtype=np.float32)
        mats = [opencv_matrix(h, w, rnd) for _ in idx]
        if pool is None:
            opencv_warp(x, idx, mats, out, 0, len(idx), flags, as_float)
        else:
            bounds = [len(idx) * t // threads for t in range(threads + 1)]
            futures = [pool.submit(opencv_warp, x, idx, mats, out, bounds[t], bounds[t + 1], flags, as_float)
                       for t in range(threads)]
            for f in futures:
                f.result()
        count += len(idx)
    return count


def zca_generator():
    """The seed augmentation with ZCA whitening (Keras turns featurewise_center on with it, and so does ours)."""
    return ImageDataGenerator(zca_whitening=True, featurewise_center=True, **PARAMS)


def peak_rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def current_rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def rss_keras(path, batch, seed):
    x = np.load(path)
    loaded = current_rss_kb()
    seconds, count = run_keras(x, batch, seed, None)
    print(json.dumps({"peak_rss_kb": peak_rss_kb(), "rss_after_load_kb": loaded, "dataset_bytes": int(x.nbytes),
                      "seconds": seconds, "images": count}), flush=True)


def serve():
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        cmd = json.loads(line)
        op = cmd["op"]
        try:
            if op == "quit":
                break
            if op == "versions":
                import keras_preprocessing
                import scipy
                reply = {"python": sys.version.split()[0], "keras_preprocessing": keras_preprocessing.__version__,
                         "numpy": np.__version__, "scipy": scipy.__version__, "opencv": load_cv2().__version__}
            elif op == "load":
                ARRAYS[cmd["name"]] = np.load(cmd["path"])
                reply = {"shape": list(ARRAYS[cmd["name"]].shape), "dtype": str(ARRAYS[cmd["name"]].dtype)}
            elif op == "keras":
                seconds, count = run_keras(ARRAYS[cmd["name"]], cmd["batch"], cmd["seed"], cmd.get("batches"),
                                           cmd.get("min_seconds", 0.0))
                reply = {"seconds": seconds, "images": count}
            elif op == "keras_zca":
                seconds, count = run_keras(ARRAYS[cmd["name"]], cmd["batch"], cmd["seed"], cmd.get("batches"),
                                           cmd.get("min_seconds", 0.0), ZCA_GENERATORS[cmd["name"]])
                reply = {"seconds": seconds, "images": count}
            elif op == "opencv":
                seconds, count = run_opencv(ARRAYS[cmd["name"]], cmd["batch"], cmd["seed"], cmd.get("batches"),
                                            cmd.get("min_seconds", 0.0), cmd.get("threads", 1))
                reply = {"seconds": seconds, "images": count}
            elif op == "zca_fit":
                gen = zca_generator()
                start = time.perf_counter()
                gen.fit(ARRAYS[cmd["name"]])
                seconds = time.perf_counter() - start
                ZCA_GENERATORS[cmd["name"]] = gen
                reply = {"seconds": seconds, "images": int(len(ARRAYS[cmd["name"]]))}
            elif op == "drop":
                ARRAYS.pop(cmd["name"], None)
                ZCA_GENERATORS.pop(cmd["name"], None)
                reply = {}
            else:
                reply = {"error": "unknown op " + op}
        except Exception as e:  # report, keep serving
            reply = {"error": "%s: %s" % (type(e).__name__, e)}
        out.write(json.dumps(reply) + "\n")
        out.flush()


def main():
    args = sys.argv[1:]
    if args[:1] == ["--serve"]:
        serve()
    elif args[:1] == ["--check"]:
        check_equivalence()
    elif args[:1] == ["--rss-keras"]:
        rss_keras(args[1], int(args[2]) if len(args) > 2 else 32, 1)
    else:
        sys.exit("usage: peers.py --serve | --check | --rss-keras FILE.npy [BATCH]")


if __name__ == "__main__":
    main()
