"""A small real classifier on real data, for `quantize eval` and its tests.

An MLP (64 -> 64 -> 32 -> 10, ReLU) trained by scikit-learn on its bundled copy of the UCI
handwritten digits (`sklearn.datasets.load_digits`: 1797 8x8 images, pixel values 0..16,
scaled here to [0, 1]). Deterministic: stratified split with 25% held out (random_state=0),
Adam with random_state=0.

Writes, next to this script:
- mlp.npz: PyTorch-style float32 weights, `fc1.weight` [out, in], `fc1.bias` [out], ... fc3;
- test_inputs.npy: float32 [450, 64], the held-out images, scaled;
- test_labels.npy: int64 [450], their digits;
- calibration_inputs.npy: float32 [256, 64], the first 256 training images, scaled: the
  calibration data of `--calibration` (GPTQ, AWQ, outliers), disjoint from the test split;
- model.json: the architecture and the float32 test accuracy computed by NumPy from mlp.npz.

Regenerate (needs scikit-learn, only here): `python3 Fixtures/digits/generate.py`.
"""
import json
import os
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

here = os.path.dirname(os.path.abspath(__file__))

digits = load_digits()
inputs = (digits.data / 16.0).astype(np.float32)
train_x, test_x, train_y, test_y = train_test_split(
    inputs, digits.target, test_size=0.25, random_state=0, stratify=digits.target)

classifier = MLPClassifier(hidden_layer_sizes=(64, 32), activation="relu", solver="adam",
                           alpha=1e-4, max_iter=500, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # convergence warnings: 500 epochs is what we ship
    classifier.fit(train_x, train_y)

# scikit-learn keeps weights as [in, out]; PyTorch's Linear (and quantize) as [out, in].
weights = {}
for index, (w, b) in enumerate(zip(classifier.coefs_, classifier.intercepts_), start=1):
    weights[f"fc{index}.weight"] = np.ascontiguousarray(w.T).astype(np.float32)
    weights[f"fc{index}.bias"] = b.astype(np.float32)
np.savez(os.path.join(here, "mlp.npz"), **weights)
np.save(os.path.join(here, "test_inputs.npy"), test_x.astype(np.float32))
np.save(os.path.join(here, "test_labels.npy"), test_y.astype(np.int64))
np.save(os.path.join(here, "calibration_inputs.npy"), train_x[:256].astype(np.float32))

# The float32 accuracy of the saved weights, computed the way `quantize eval` does.
activations = test_x.astype(np.float32)
for index in range(1, 4):
    activations = activations @ weights[f"fc{index}.weight"].T + weights[f"fc{index}.bias"]
    if index < 3:
        activations = np.maximum(activations, np.float32(0))
accuracy = float(np.mean(np.argmax(activations, axis=1) == test_y))
card = {
    "dataset": "sklearn.datasets.load_digits (UCI ML hand-written digits), pixels / 16",
    "split": "train_test_split(test_size=0.25, random_state=0, stratify=target)",
    "layers": [list(weights[f"fc{i}.weight"].shape) for i in range(1, 4)],
    "activation": "relu",
    "test_samples": int(len(test_y)),
    "accuracy_fp32": accuracy,
    "sklearn_score": float(classifier.score(test_x, test_y)),
}
with open(os.path.join(here, "model.json"), "w") as f:
    json.dump(card, f, indent=2)
    f.write("\n")
print(json.dumps(card, indent=2))
