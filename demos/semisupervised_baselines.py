"""scikit-learn's baselines for the semi-supervised digits demo, on the same split and labels.

    python demos/semisupervised_baselines.py                       # seeds 0-4, 10 and 5 labels per class
    python demos/semisupervised_baselines.py --seeds 0 1 --labels-per-class 10 --json baselines.json

For each label draw (``--seeds``, each as ``--seed`` in demos/digits_semisupervised.py, so the
labelled images are the demo's: minigan/data/labels.py) and each number of labels per class,
two classifiers of scikit-learn are scored on the digits' fixed test split, the one every
digits demo holds out:

* ``SVC`` (an RBF kernel, scikit-learn's defaults) trained on the labelled images alone: what
  a good supervised classifier makes of them;
* ``LabelSpreading`` (a k-nearest-neighbour graph, scikit-learn's defaults) fitted on the
  labelled and the unlabelled training images: a classic semi-supervised method, which
  spreads each label along the graph of the unlabelled images.

Each image is its 64 pixels in [-1, 1], as the demo's classifier sees them. The test split is
only predicted. It prints a table in Markdown, every seed's accuracy and the mean, and with
``--json`` writes the numbers too.
"""

import sys

from cli import Integer, OneLineParser, fail, import_minigan, write_json


def build_parser():
    """The command-line flags."""
    parser = OneLineParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Integer(0), nargs="+", default=[0, 1, 2, 3, 4],
                        help="the label draws (default 0 1 2 3 4)")
    parser.add_argument("--labels-per-class", type=Integer(1), nargs="+", default=[10, 5],
                        help="labelled images per class (default 10 5)")
    parser.add_argument("--json", help="also write the accuracies to this file")
    return parser


def baselines(train, test, per_class, seed):
    """The test accuracy of each baseline for one label draw: ``{"SVC (RBF)": a, "LabelSpreading (kNN)": b}``."""
    import numpy
    from sklearn.semi_supervised import LabelSpreading
    from sklearn.svm import SVC

    from minigan import to_numpy
    from minigan.data.labels import split_labelled

    labelled, unlabelled = split_labelled(train, per_class, seed)

    def pixels(data):
        return to_numpy(data.images).reshape(len(data), -1)

    x_test, y_test = pixels(test), to_numpy(test.labels)
    svc = SVC(kernel="rbf").fit(pixels(labelled), to_numpy(labelled.labels))
    # LabelSpreading marks an unlabelled image with the label -1
    x = numpy.concatenate([pixels(labelled), pixels(unlabelled)])
    y = numpy.concatenate([to_numpy(labelled.labels), numpy.full(len(unlabelled), -1)])
    spreading = LabelSpreading(kernel="knn").fit(x, y)
    return {name: float((model.predict(x_test) == y_test).mean())
            for name, model in (("SVC (RBF)", svc), ("LabelSpreading (kNN)", spreading))}


def main(argv=None):
    """Score every baseline on every draw and print the table; returns the exit code."""
    args = build_parser().parse_args(argv)
    import_minigan()
    from digits import load_data

    train, test = load_data(None)
    results = {}
    for per_class in args.labels_per_class:
        for seed in args.seeds:
            try:
                scores = baselines(train, test, per_class, seed)
            except ValueError as err:
                fail(f"--labels-per-class: {err}")
            for name, accuracy in scores.items():
                results.setdefault(f"{name}, {per_class} labels per class", {})[seed] = accuracy
    print("| method | " + " | ".join(f"seed {s}" for s in args.seeds) + " | mean |")
    print("| --- |" + " --- |" * (len(args.seeds) + 1))
    for row, by_seed in results.items():
        values = [100 * by_seed[s] for s in args.seeds]
        print(f"| {row} | " + " | ".join(f"{v:.2f}" for v in values) + f" | {sum(values) / len(values):.2f} |")
    print(f"(test accuracy in %, on the {len(test)} held-out digits)")
    if args.json:
        write_json(args.json, {row: {str(s): a for s, a in by_seed.items()} for row, by_seed in results.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
