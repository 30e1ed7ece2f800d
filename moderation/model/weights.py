"""The trained model as data: an NPZ file (a zip of .npy arrays, never a pickle) holding the
weight matrix, the biases and a JSON header (vocabulary, thresholds, version, figures, and the
SHA-256 of everything else, checked on every load). Entries carry a fixed date, so the same
training gives the same bytes."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from moderation.categories import CATEGORY_NAMES, URGENCIES

FORMAT = "linli-detection-model/1"
# Columns of the weight matrix: is a report, is an urgent report, the category, the urgency.
OUTPUTS: tuple[str, ...] = ("report", "urgent", *(f"category:{c}" for c in CATEGORY_NAMES),
                            *(f"urgency:{u}" for u in URGENCIES))
_EPOCH = (1980, 1, 1, 0, 0, 0)
Matrix = npt.NDArray[np.float32]


class ModelFileError(ValueError):
    """A model file that cannot be read, is not ours, or was altered / 模型文件无效."""


@dataclass(frozen=True)
class Thresholds:
    report: float   # P(report) at or above this → a report
    urgent: float   # P(urgent report) at or above this → an urgent report


@dataclass(frozen=True)
class ModelFile:
    version: str
    vocabulary: tuple[str, ...]   # "<family>:<value>", one per row of `weights`
    weights: Matrix               # rows: features; columns: OUTPUTS
    bias: Matrix                  # one per output
    thresholds: Thresholds
    info: dict[str, Any] = field(default_factory=dict)   # training set, figures, when

    @property
    def checksum(self) -> str:
        return _digest(self._header(with_checksum=False), self.weights, self.bias)

    def _header(self, *, with_checksum: bool) -> dict[str, Any]:
        header = {"format": FORMAT, "version": self.version, "outputs": list(OUTPUTS),
                  "vocabulary": list(self.vocabulary),
                  "thresholds": {"report": self.thresholds.report,
                                 "urgent": self.thresholds.urgent},
                  "info": self.info}
        if with_checksum:
            header["sha256"] = self.checksum
        return header

    def to_bytes(self) -> bytes:
        header = json.dumps(self._header(with_checksum=True), ensure_ascii=False,
                            sort_keys=True).encode()
        arrays: dict[str, npt.NDArray[Any]] = {
            "header": np.frombuffer(header, dtype=np.uint8),
            "weights": self.weights.astype(np.float32),
            "bias": self.bias.astype(np.float32)}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, array in arrays.items():
                entry = zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH)
                entry.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(entry, "w") as fh:
                    np.lib.format.write_array(fh, array, allow_pickle=False)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> ModelFile:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                header = json.loads(npz["header"].tobytes().decode())
                weights = npz["weights"].astype(np.float32)
                bias = npz["bias"].astype(np.float32)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise ModelFileError(f"not a detection model file / 不是检测模型文件: {exc}") from exc
        return cls._checked(header, weights, bias)

    @classmethod
    def _checked(cls, header: dict[str, Any], weights: Matrix, bias: Matrix) -> ModelFile:
        if header.get("format") != FORMAT or header.get("outputs") != list(OUTPUTS):
            raise ModelFileError(f"unknown model format / 未知模型格式: {header.get('format')}")
        vocabulary = tuple(header["vocabulary"])
        if weights.shape != (len(vocabulary), len(OUTPUTS)) or bias.shape != (len(OUTPUTS),):
            raise ModelFileError("weights do not match the vocabulary / 权重与词表不符")
        limits = header["thresholds"]
        model = cls(header["version"], vocabulary, weights, bias,
                    Thresholds(float(limits["report"]), float(limits["urgent"])),
                    header.get("info", {}))
        if model.checksum != header.get("sha256"):
            raise ModelFileError("checksum mismatch: the file was altered / "
                                 "校验和不符，文件已被改动")
        return model


def _digest(header: dict[str, Any], weights: Matrix, bias: Matrix) -> str:
    h = hashlib.sha256(json.dumps(header, ensure_ascii=False, sort_keys=True).encode())
    h.update(np.ascontiguousarray(weights, dtype="<f4").tobytes())
    h.update(np.ascontiguousarray(bias, dtype="<f4").tobytes())
    return h.hexdigest()
