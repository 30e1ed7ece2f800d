"""The trained detection model: its file format and the packaged model."""

from pathlib import Path

PACKAGED = Path(__file__).parent / "detection.npz"
