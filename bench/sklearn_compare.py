#!/usr/bin/python3
"""ModelOps against scikit-learn on public data, on the same train/test rows.

Writes each data set as a CSV with a header, trains every algorithm on it with
`java -jar JAR train ... --seed S --test-fraction 0.2 --json` for each seed, and trains scikit-learn's comparable
model on the same training rows, scored on the same test rows: the script reproduces ModelOps' seeded split
(io.jenkins.plugins.modelops.train.Split: java.util.SplittableRandom, stratified by class for classification) and
checks it against every bundle's schema.json, whose feature means are computed on the training rows. A run whose
rows it cannot reproduce is compared on scikit-learn's own stratified 80/20 split with the same seed, and marked.

Prints a markdown table (mean ± sample std over seeds) and writes it to WORK/table.md, the raw figures to
WORK/results.json. Run with Debian's scikit-learn (python3-sklearn, 1.2): /usr/bin/python3. See
bench/sklearn-compare.sh.
"""
import argparse
import csv
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

# ModelOps runs in parallel with scikit-learn on a small machine: OpenMP and BLAS threads that spin while waiting
# make oversubscribed cores crawl (measured: XGBoost on digits 3 s alone, 170 s beside busy neighbours). The
# JVMs get passive waiting (XGBoost keeps its `threads`), scikit-learn one thread; neither changes a result.
CHILD_ENV = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np
import sklearn
from sklearn import datasets
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.linear_model import LinearRegression, LogisticRegression, SGDClassifier, SGDRegressor
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEST_FRACTION = 0.2
MASK64 = (1 << 64) - 1


# --- ModelOps' split, reproduced -------------------------------------------------------------------------------

def _int32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >= 1 << 31 else v


class JavaSplittableRandom:
    """java.util.SplittableRandom(seed): nextInt() and nextInt(bound), bit for bit (JDK 8 to 21)."""
    GOLDEN_GAMMA = 0x9E3779B97F4A7C15

    def __init__(self, seed):
        self.seed = seed & MASK64

    def next_int(self):
        self.seed = (self.seed + self.GOLDEN_GAMMA) & MASK64
        z = self.seed
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & MASK64
        return _int32((((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & MASK64) >> 32)

    def next_int_bounded(self, bound):
        r = self.next_int()
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = (r & 0xFFFFFFFF) >> 1
        while True:
            r = u % bound
            if _int32(u + m - r) >= 0:
                return r
            u = (self.next_int() & 0xFFFFFFFF) >> 1


def java_round(x):
    return int(np.floor(x + 0.5))


def modelops_holdout(y, classification, test_fraction, seed):
    """Split.holdout: strata in the label's text order (TreeMap), each shuffled (Fisher-Yates) with one
    SplittableRandom(seed), the first round(n * fraction) of each held out."""
    n = len(y)
    if classification:
        strata = [[i for i in range(n) if y[i] == c] for c in sorted(set(y))]
    else:
        strata = [list(range(n))]
    rnd = JavaSplittableRandom(seed)
    train, test = [], []
    for stratum in strata:
        a = list(stratum)
        for i in range(len(a) - 1, 0, -1):
            j = rnd.next_int_bounded(i + 1)
            a[i], a[j] = a[j], a[i]
        held = java_round(len(a) * test_fraction)
        if classification:
            held = 0 if len(a) < 2 else max(1, min(len(a) - 1, held))
        test += a[:held]
        train += a[held:]
    return np.array(sorted(train)), np.array(sorted(test))


def split_matches(means, X, train):
    """True when the bundle's training-row feature means (schema.json) are those of our training rows."""
    if len(means) != X.shape[1] or any(m is None for m in means):
        return False
    ours = X[train].mean(axis=0)
    scale = np.maximum(1.0, np.abs(X).max(axis=0))
    return bool(np.all(np.abs(np.array(means) - ours) <= 1e-9 * scale))


# --- data sets -------------------------------------------------------------------------------------------------

class Dataset:
    def __init__(self, name, task, X, y, features, label, source):
        self.name, self.task, self.X, self.y = name, task, X, y
        self.features, self.label, self.source = features, label, source
        self.path = None

    @property
    def classification(self):
        return self.task == "classification"


def _snake(name):
    return re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()


def _fmt(v):
    v = float(v)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def _sklearn_classification(name, loader, label, class_names=None):
    bunch = loader()
    names = class_names or [str(c) for c in bunch.target_names]
    y = np.array([names[int(t)] for t in bunch.target], dtype=object)
    features = [_snake(f) for f in bunch.feature_names]
    return Dataset(name, "classification", np.asarray(bunch.data, dtype=float), y, features, label,
                   f"sklearn.datasets.{loader.__name__}")


def _winequality():
    with open(os.path.join(ROOT, "examples", "winequality-red.csv"), encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    label = header.index("quality")
    X = np.array([[float(v) for i, v in enumerate(r) if i != label] for r in body])
    y = np.array([float(r[label]) for r in body])
    return X, y, [h for i, h in enumerate(header) if i != label]


def load_datasets(names):
    out = []
    want = lambda n: not names or n in names
    if want("iris"):
        out.append(_sklearn_classification("iris", datasets.load_iris, "species"))
    if want("wine"):
        out.append(_sklearn_classification("wine", datasets.load_wine, "cultivar"))
    if want("breast-cancer"):
        out.append(_sklearn_classification("breast-cancer", datasets.load_breast_cancer, "diagnosis"))
    if want("digits"):
        out.append(_sklearn_classification("digits", datasets.load_digits, "digit",
                                           [f"digit_{k}" for k in range(10)]))
    if want("diabetes") or want("diabetes+1000"):
        bunch = datasets.load_diabetes(scaled=False)
        X, y = np.asarray(bunch.data, dtype=float), np.asarray(bunch.target, dtype=float)
        src = "sklearn.datasets.load_diabetes(scaled=False)"
        if want("diabetes"):
            out.append(Dataset("diabetes", "regression", X, y, list(bunch.feature_names), "progression", src))
        if want("diabetes+1000"):
            out.append(Dataset("diabetes+1000", "regression", X, y + 1000, list(bunch.feature_names),
                               "progression", src + ", target + 1000"))
    if want("winequality") or want("winequality+1000"):
        X, y, features = _winequality()
        src = "examples/winequality-red.csv"
        if want("winequality"):
            out.append(Dataset("winequality", "regression", X, y, features, "quality", src))
        if want("winequality+1000"):
            out.append(Dataset("winequality+1000", "regression", X, y + 1000, features, "quality",
                               src + ", quality + 1000"))
    return out


def write_csv(ds, work):
    ds.path = os.path.join(work, "data", ds.name + ".csv")
    os.makedirs(os.path.dirname(ds.path), exist_ok=True)
    with open(ds.path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(ds.features + [ds.label])
        for row, target in zip(ds.X, ds.y):
            w.writerow([_fmt(v) for v in row] + [target if ds.classification else _fmt(target)])


# --- the comparisons -------------------------------------------------------------------------------------------

def _scaled(model):
    return make_pipeline(StandardScaler(), model)


def _hgb(cls, seed):
    # XGBoost's defaults as ModelOps sets them: 50 rounds, eta 0.3, depth 6, lambda 1, no early stopping.
    return cls(max_iter=50, learning_rate=0.3, max_depth=6, max_leaf_nodes=None, min_samples_leaf=1,
               l2_regularization=1.0, early_stopping=False, random_state=seed)


# (ModelOps algorithm, extra --param values, scikit-learn model name, factory(seed)). Rows after the main ones are
# diagnostics (other ModelOps settings, other scikit-learn baselines).
CLASSIFICATION = [
    ("logistic", [], "LogisticRegression(C=1, lbfgs), scaled",
     lambda s: _scaled(LogisticRegression(C=1.0, max_iter=10000))),
    ("sgd", [], "SGDClassifier(hinge), scaled",
     lambda s: _scaled(SGDClassifier(loss="hinge", random_state=s))),
    ("liblinear", [], "LogisticRegression(liblinear, C=1, tol=0.01), scaled",
     lambda s: _scaled(LogisticRegression(solver="liblinear", C=1.0, tol=0.01, max_iter=1000))),
    ("cart", [], "DecisionTreeClassifier(max_depth=10, min_samples_split=5)",
     lambda s: DecisionTreeClassifier(max_depth=10, min_samples_split=5, random_state=s)),
    ("random-forest", [], "RandomForestClassifier(50 trees, max_depth=12, max_features=0.5)",
     lambda s: RandomForestClassifier(n_estimators=50, max_depth=12, max_features=0.5, random_state=s)),
    ("xgboost", [], "HistGradientBoostingClassifier(50 iter, lr 0.3, depth 6, l2 1)",
     lambda s: _hgb(HistGradientBoostingClassifier, s)),
]
CLASSIFICATION_DIAGNOSTICS = {
    "digits": [
        ("logistic", ["epochs=20"], "LogisticRegression(C=1, lbfgs), scaled",
         lambda s: _scaled(LogisticRegression(C=1.0, max_iter=10000))),
        ("logistic", ["epochs=50"], "LogisticRegression(C=1, lbfgs), scaled",
         lambda s: _scaled(LogisticRegression(C=1.0, max_iter=10000))),
        ("logistic", [], "LogisticRegression(no penalty, lbfgs), scaled",
         lambda s: _scaled(LogisticRegression(penalty=None, max_iter=10000))),
        ("logistic", ["epochs=50"], "LogisticRegression(no penalty, lbfgs), scaled",
         lambda s: _scaled(LogisticRegression(penalty=None, max_iter=10000))),
    ],
}
REGRESSION = [
    ("sgd", [], "SGDRegressor(squared), scaled", lambda s: _scaled(SGDRegressor(random_state=s))),
    ("cart", [], "DecisionTreeRegressor(max_depth=10, min_samples_split=5)",
     lambda s: DecisionTreeRegressor(max_depth=10, min_samples_split=5, random_state=s)),
    ("random-forest", [], "RandomForestRegressor(50 trees, max_depth=12, max_features=0.5)",
     lambda s: RandomForestRegressor(n_estimators=50, max_depth=12, max_features=0.5, random_state=s)),
    ("xgboost", [], "HistGradientBoostingRegressor(50 iter, lr 0.3, depth 6, l2 1)",
     lambda s: _hgb(HistGradientBoostingRegressor, s)),
]
REGRESSION_DIAGNOSTICS = [
    ("sgd", [], "LinearRegression (OLS)", lambda s: LinearRegression()),
    ("sgd", [], "mean of the training targets", None),
    ("sgd", ["epochs=50"], "SGDRegressor(squared), scaled", lambda s: _scaled(SGDRegressor(random_state=s))),
]


def plan(ds):
    if ds.classification:
        return [(r, False) for r in CLASSIFICATION] + [(r, True) for r in CLASSIFICATION_DIAGNOSTICS.get(ds.name, [])]
    return [(r, False) for r in REGRESSION] + [(r, True) for r in REGRESSION_DIAGNOSTICS]


def run_modelops(java, jar, ds, algorithm, params, seed, work, keep):
    tag = "-".join([algorithm] + [p.replace("=", "") for p in params])
    out = os.path.join(work, "bundles", f"{ds.name}-{tag}-{seed}")
    if os.path.isdir(out):
        shutil.rmtree(out)  # a bundle this script wrote on an earlier run
    cmd = [java, "-jar", jar, "train", "--data", ds.path, "--label", ds.label, "--task", ds.task,
           "--algorithm", algorithm, "--seed", str(seed), "--test-fraction", str(TEST_FRACTION),
           "--out", out, "--json"]
    for p in params:
        cmd += ["--param", p]
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=CHILD_ENV)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}\nexit {proc.returncode}\n{proc.stderr}")
    metrics = json.loads(proc.stdout)["metrics"]
    with open(os.path.join(out, "schema.json"), encoding="utf-8") as f:
        means = [feature.get("mean") for feature in json.load(f)["features"]]
    if not keep:
        shutil.rmtree(out)  # forests of 50 trees add up: 180 MB for the whole run
    return {"metric": metrics["accuracy" if ds.classification else "r2"], "seconds": seconds, "means": means}


def run_sklearn(ds, factory, seed, train, test):
    y = ds.y
    if factory is None:  # the mean predictor
        return r2_score(y[test], np.full(len(test), y[train].mean()))
    model = factory(seed).fit(ds.X[train], y[train])
    predicted = model.predict(ds.X[test])
    return accuracy_score(y[test], predicted) if ds.classification else r2_score(y[test], predicted)


def mean_std(values):
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--jar", default=os.path.join(ROOT, "cli", "target", "modelops.jar"))
    p.add_argument("--work", default=os.path.join(ROOT, "target", "sklearn-compare"))
    p.add_argument("--seeds", default=os.environ.get("SEEDS", "42 43 44 45 46"),
                   help="space- or comma-separated (default: $SEEDS or 42..46)")
    p.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", "2")), help="ModelOps runs at a time")
    p.add_argument("--datasets", default=os.environ.get("DATASETS", ""),
                   help="comma-separated subset of: iris, wine, breast-cancer, digits, diabetes, diabetes+1000, "
                        "winequality, winequality+1000")
    p.add_argument("--java", default=shutil.which("java") or "java")
    p.add_argument("--keep-bundles", action="store_true", help="keep every bundle under WORK/bundles")
    args = p.parse_args()
    seeds = [int(s) for s in re.split(r"[,\s]+", args.seeds.strip()) if s]
    started = time.monotonic()

    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    # The jar may be rebuilt while this runs: measure a copy taken once, here.
    jar = os.path.join(work, "modelops.jar")
    if os.path.abspath(args.jar) != jar:
        shutil.copyfile(args.jar, jar)

    sets = load_datasets([d.strip() for d in args.datasets.split(",") if d.strip()])
    for ds in sets:
        write_csv(ds, work)

    jobs = []  # (dataset, row, diagnostic, seed)
    for ds in sets:
        for row, diagnostic in plan(ds):
            for seed in seeds:
                jobs.append((ds, row, diagnostic, seed))
    # ModelOps runs: each distinct (data set, algorithm, params, seed) once.
    keys = sorted({(ds.name, row[0], tuple(row[1]), seed) for ds, row, _, seed in jobs},
                  key=lambda k: (k[0], k[1], k[2], k[3]))
    by_name = {ds.name: ds for ds in sets}
    print(f"{len(keys)} ModelOps runs, {args.jobs} at a time, beside scikit-learn {sklearn.__version__}",
          file=sys.stderr)
    # ModelOps' rows for every data set and seed; checked against the bundles below.
    splits = {(ds.name, s): modelops_holdout(list(ds.y), ds.classification, TEST_FRACTION, s)
              for ds in sets for s in seeds}
    modelops, theirs = {}, {}
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {k: pool.submit(run_modelops, args.java, jar, by_name[k[0]], k[1], list(k[2]), k[3], work,
                              args.keep_bundles)
                   for k in keys}
        for ds in sets:  # scikit-learn meanwhile, in this thread
            for (algorithm, params, sk_name, factory), _ in plan(ds):
                t = time.monotonic()
                for s in seeds:
                    if (ds.name, sk_name, s) not in theirs:  # the same model beside another ModelOps setting
                        theirs[(ds.name, sk_name, s)] = run_sklearn(ds, factory, s, *splits[(ds.name, s)])
                print(f"  scikit-learn {ds.name} {sk_name}: {time.monotonic() - t:.1f} s", file=sys.stderr)
        for i, k in enumerate(keys, 1):
            modelops[k] = futures[k].result()
            print(f"  [{i}/{len(keys)}] {k[0]} {k[1]} {' '.join(k[2])} seed {k[3]}: "
                  f"{modelops[k]['metric']:.4f} ({modelops[k]['seconds']:.1f} s)", file=sys.stderr)

    # A split the bundle does not confirm: scikit-learn's own stratified split, same seed, marked in the table.
    own_split = {(name, seed) for (name, _, _, seed), result in modelops.items()
                 if not split_matches(result["means"], by_name[name].X, splits[(name, seed)][0])}
    for name, seed in sorted(own_split):
        ds = by_name[name]
        idx = np.arange(len(ds.y))
        train, test = train_test_split(idx, test_size=TEST_FRACTION, random_state=seed,
                                       stratify=ds.y if ds.classification else None)
        splits[(name, seed)] = (np.sort(train), np.sort(test))
        for (_, _, sk_name, factory), _ in plan(ds):
            theirs[(name, sk_name, seed)] = run_sklearn(ds, factory, seed, *splits[(name, seed)])

    rows = []
    for ds in sets:
        for (algorithm, params, sk_name, factory), diagnostic in plan(ds):
            ours = [modelops[(ds.name, algorithm, tuple(params), s)]["metric"] for s in seeds]
            sk = [theirs[(ds.name, sk_name, s)] for s in seeds]
            diffs = [a - b for a, b in zip(ours, sk)]
            rows.append({"dataset": ds.name, "task": ds.task, "algorithm": algorithm, "params": params,
                         "sklearn": sk_name, "diagnostic": diagnostic, "seeds": seeds, "modelops": ours,
                         "scikit_learn": sk, "difference": diffs,
                         "same_rows": all((ds.name, s) not in own_split for s in seeds),
                         "modelops_seconds": statistics.fmean(
                             modelops[(ds.name, algorithm, tuple(params), s)]["seconds"] for s in seeds)})
    elapsed = time.monotonic() - started

    lines = [f"scikit-learn {sklearn.__version__} (numpy {np.__version__}, Python {platform.python_version()}), "
             f"seeds {', '.join(map(str, seeds))}, test fraction {TEST_FRACTION}; accuracy for classification, "
             f"R² for regression, on the test rows; mean ± sample standard deviation over the seeds. "
             f"Difference: ModelOps − scikit-learn per seed, mean ± std.", ""]
    matched = sum(1 for r in rows if r["same_rows"])
    lines.append(f"Rows: {matched} of {len(rows)} comparisons on the same train/test rows as ModelOps "
                 f"(its split reproduced and checked against each bundle's training-row means)"
                 + ("" if matched == len(rows) else "; † marks scikit-learn's own stratified 80/20 split, same seed")
                 + ".")
    lines.append("")

    def table(selected):
        out = ["| data set | ModelOps algorithm | ModelOps | scikit-learn model | scikit-learn | difference |",
               "|---|---|---:|---|---:|---:|"]
        for r in selected:
            m, s = mean_std(r["modelops"])
            km, ks = mean_std(r["scikit_learn"])
            dm, ds_ = mean_std(r["difference"])
            algo = r["algorithm"] + "".join(f" `{p}`" for p in r["params"])
            mark = "" if r["same_rows"] else " †"
            out.append(f"| {r['dataset']}{mark} | {algo} | {m:.4f} ± {s:.4f} | {r['sklearn']} | "
                       f"{km:.4f} ± {ks:.4f} | {dm:+.4f} ± {ds_:.4f} |")
        return out

    lines += table([r for r in rows if not r["diagnostic"]])
    diagnostics = [r for r in rows if r["diagnostic"]]
    if diagnostics:
        lines += ["", "Diagnostics (other ModelOps settings, other scikit-learn baselines):", ""]
        lines += table(diagnostics)
    lines += ["", f"Data: " + "; ".join(f"{ds.name} {len(ds.y)} rows × {ds.X.shape[1]} features ({ds.source})"
                                         for ds in sets) + ".",
              f"Harness wall time {elapsed:.0f} s ({len(keys)} ModelOps runs, {args.jobs} at a time)."]
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(work, "table.md"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(work, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"sklearn": sklearn.__version__, "seeds": seeds, "seconds": elapsed, "rows": rows}, f, indent=1)
    print(f"Wrote {os.path.join(work, 'table.md')} and results.json", file=sys.stderr)


if __name__ == "__main__":
    main()
