"""The model is data: an NPZ without pickles, with a checksum, the same bytes for the same
training, small, and refused when altered."""

from __future__ import annotations

import io
import logging
import zipfile

import numpy as np
import pytest

from moderation import corpus, training
from moderation.detection import packaged_model
from moderation.detector import Detector
from moderation.lexicon import load_lexicon
from moderation.model import PACKAGED
from moderation.model.weights import ModelFile, ModelFileError

logging.getLogger("jieba").setLevel(logging.WARNING)


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(load_lexicon())


def test_packaged_model_is_small_and_checked() -> None:
    model = packaged_model()
    assert PACKAGED.stat().st_size < 5 * 1024 * 1024
    assert model.version.startswith("m-") and len(model.checksum) == 64
    assert model.info["messages"] >= 3000
    with zipfile.ZipFile(PACKAGED) as archive:
        assert sorted(archive.namelist()) == ["bias.npy", "header.npy", "weights.npy"]
    with np.load(PACKAGED, allow_pickle=False) as npz:  # no object arrays anywhere
        assert all(npz[k].dtype != object for k in npz.files)


def test_round_trip_and_tampering() -> None:
    model = packaged_model()
    data = model.to_bytes()
    assert ModelFile.from_bytes(data).checksum == model.checksum
    altered = model.weights.copy()
    altered[0, 0] += 1.0
    forged = ModelFile(model.version, model.vocabulary, altered, model.bias, model.thresholds,
                       model.info)
    # Rewrite the weights entry behind the header's back: the checksum no longer matches.
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            payload = src.read(item.filename)
            if item.filename == "weights.npy":
                payload = zipfile.ZipFile(io.BytesIO(forged.to_bytes())).read("weights.npy")
            dst.writestr(item, payload)
    with pytest.raises(ModelFileError, match="checksum"):
        ModelFile.from_bytes(buffer.getvalue())
    with pytest.raises(ModelFileError):
        ModelFile.from_bytes(b"not a zip")


def test_training_is_deterministic(detector: Detector) -> None:
    groups = {name: items[:60] for name, items in list(corpus.by_writer().items())[:4]}
    first = training.versioned(training.train(detector, groups, "t").model)
    second = training.versioned(training.train(detector, groups, "t").model)
    assert first.to_bytes() == second.to_bytes()
    assert first.version == second.version
