#!/usr/bin/python3
"""Keras's flow_from_dataframe on the files KerasMemory.FilesBench wrote, timed the same way.

    /usr/bin/python3 bench/files/keras_files.py --csv DIR/labels.csv --directory DIR [--batch-size 32] [--epochs 2]

Prints one JSON object: construction seconds (listing and validate_filenames) and seconds per epoch, where an
epoch is len(iterator) batches from next(), with the benchmark's augmentation. Uses keras_preprocessing 1.1.0,
the reference the port is tested against.
"""
import argparse
import contextlib
import io
import json
import time

import pandas as pd
from keras_preprocessing.image import ImageDataGenerator


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True)
    parser.add_argument("--directory", required=True)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--target", type=int, default=128)
    args = parser.parse_args()

    df = pd.read_csv(args.csv)
    gen = ImageDataGenerator(rotation_range=20, width_shift_range=0.1, height_shift_range=0.1,
                             shear_range=0.1, zoom_range=0.1, horizontal_flip=True)
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # keep stdout for the JSON
        it = gen.flow_from_dataframe(df, directory=args.directory, x_col="filename", y_col="class",
                                     target_size=(args.target, args.target), batch_size=args.batch_size,
                                     shuffle=True, seed=1)
    construct = time.perf_counter() - start
    epochs = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        for _ in range(len(it)):
            x, y = next(it)
        epochs.append(time.perf_counter() - start)
    print(json.dumps({"n": it.n, "construct_s": construct, "epoch_s": epochs}))


if __name__ == "__main__":
    main()
