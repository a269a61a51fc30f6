#!/usr/bin/env python3
"""Makes the vertical (hetero) example and test data from the FATE hetero splits.

The FATE hetero pairs (binary: breast, default_credit; regression: motor, student; 4 classes:
vehicle_scale) share every id, so PSI would have nothing to find. For each pair and each
side independently, this drops a seeded random 20% of the rows (Python's random.Random, seed
SEED + 0 for the guest, SEED + 1 for the host; rows chosen with rng.sample over the row indices),
keeps the header and the remaining rows in their original order, and writes the known
intersection (ids present on both sides, sorted as strings) next to them.

Usage: python3 examples/data/vertical/prepare.py [../shared/data/fate]
"""
import csv
import os
import random
import sys

SEED = 20261123
DROP = 0.20
PAIRS = ["breast_hetero", "default_credit_hetero", "motor_hetero", "student_hetero", "vehicle_scale_hetero"]


def drop(rows, seed):
    rng = random.Random(seed)
    n = len(rows)
    dropped = set(rng.sample(range(n), int(round(n * DROP))))
    return [r for i, r in enumerate(rows) if i not in dropped]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "..", "..", "shared", "data", "fate")
    for pair in PAIRS:
        kept = {}
        for side, offset in (("guest", 0), ("host", 1)):
            with open(os.path.join(src, pair + "_" + side + ".csv"), newline="") as f:
                rows = list(csv.reader(f))
            header, body = rows[0], rows[1:]
            body = drop(body, SEED + offset)
            out = os.path.join(here, pair + "_" + side + ".csv")
            with open(out, "w", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                w.writerows(body)
            kept[side] = {r[0] for r in body}
        common = sorted(kept["guest"] & kept["host"])
        with open(os.path.join(here, pair + "_intersection.txt"), "w") as f:
            f.write("\n".join(common) + "\n")
        print(pair, "guest", len(kept["guest"]), "host", len(kept["host"]), "common", len(common))


if __name__ == "__main__":
    main()
